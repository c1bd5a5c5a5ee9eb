"""Values built once per key and reused in this process, at most a given number of them.

Used where building a value (a rendered header, an annotated queryset, counted figures)
costs more than the page around it. Each server process keeps its own; the key must name
everything the value depends on.
"""

import threading
from collections import OrderedDict

_MISSING = object()


class KeptValues:
    """At most `limit` values, the least recently used dropped first; safe across threads.

    Two threads missing the same key both build it and the later one is kept: a value must
    depend on its key only, so either is right. Values are shared: readers must not change
    them.
    """

    def __init__(self, limit: int):
        self.limit = limit
        self._values: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get_or_build(self, key, build):
        with self._lock:
            value = self._values.get(key, _MISSING)
            if value is not _MISSING:
                self._values.move_to_end(key)
                return value
        value = build()
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.limit:
                self._values.popitem(last=False)
        return value
