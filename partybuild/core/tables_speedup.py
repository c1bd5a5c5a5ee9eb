"""Speed-ups of django-tables2, each giving exactly what it gives, cheaper:

- the per-cell look-up of a render method's signature, cached: django-tables2 calls
  `inspect.signature` on the column's render function for every cell it draws, on a 50-row
  list page several hundred calls and about a quarter of the page's time; a function's
  signature does not change, so it is computed once per function;
- which columns a queryset is already ordered by (kept_ordering), remembered;
- a table's copy of its class's columns, one level deep (ColumnsCopiedShallow).
"""

import copy
from collections import OrderedDict

from django_tables2 import utils
from django_tables2.data import TableQuerysetData

from .memo import KeptValues

_uncached_signature = utils.signature
_signatures: dict = {}
# Render functions are defined with the table classes; the bound keeps a pathological caller
# that builds a new lambda per cell from growing the cache without end.
MAX_CACHED = 10_000


def cached_signature(fn):
    """utils.signature, remembered per underlying function (bound methods drop `self`)."""
    key = (getattr(fn, "__func__", fn), hasattr(fn, "__self__"))
    try:
        return _signatures[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable callable
        return _uncached_signature(fn)
    result = _uncached_signature(fn)
    if len(_signatures) < MAX_CACHED:
        _signatures[key] = result
    return result


_uncached_ordering = TableQuerysetData.ordering.fget
# One entry per table layout and queryset ordering: a few dozen in a running site.
_orderings = KeptValues(256)


def kept_ordering(data):
    """TableQuerysetData.ordering, remembered per everything it is computed from.

    A table given a queryset without order_by finds which of its columns the queryset is
    ordered by (its header marks them), trying every column's sort keys against the
    queryset's: on the score list, unsorted, 0.7 ms a request for the same answer. The
    answer depends only on the queryset's order_by, the table's order_by and each shown
    column's name, sort keys and accessor, which make the key (plain strings only).
    """
    query_order = tuple(data.data.query.order_by)
    table = data.table
    if not all(type(part) is str for part in query_order):
        return _uncached_ordering(data)
    key = (query_order, tuple(table.order_by or ()),
           tuple((column.name, column.column.order_by, column.accessor)
                 for column in table.columns))
    try:
        hash(key)
    except TypeError:
        return _uncached_ordering(data)
    # A tuple of OrderBy strings, or None: shared, never changed by its readers.
    return _orderings.get_or_build(key, lambda: _uncached_ordering(data))


def install() -> None:
    # call_with_appropriate looks `signature` up in its module at call time.
    utils.signature = cached_signature
    TableQuerysetData.ordering = property(kept_ordering)


class ColumnsCopiedShallow(OrderedDict):
    """A table class's `base_columns` whose deep copy copies each column one level deep.

    Table.__init__ deep-copies the class's columns for every table it builds, so that a
    table changing its columns (hide(), show(), BoundColumn filling in a missing accessor)
    leaves the class and every other table alone; on a 16-column list that copies every
    column's attrs, links, order_by and translated header, about a millisecond a request.
    Those parts are only read after the class is built (by django-tables2 and by
    core.table_rows / core.table_html); what a table sets is the column's own attributes.
    So each table gets new Column objects sharing those parts with the class's: a setting on
    one table's column (another request, another thread) is seen by no other table.
    A column class that copies itself in its own way (__deepcopy__, __reduce__, slots) is
    deep-copied as before.
    """

    def __deepcopy__(self, memo):
        copied = OrderedDict()
        memo[id(self)] = copied
        for name, column in self.items():
            # deepcopy's memo keeps one copy of a column listed under two names.
            new = memo.get(id(column))
            if new is None:
                new = _copy_column(column, memo)
            copied[name] = new
        return copied


_plain_classes: dict = {}


def _copies_plainly(cls) -> bool:
    """Whether copy.copy would make an instance of cls as `__new__` plus its __dict__."""
    plain = _plain_classes.get(cls)
    if plain is None:
        plain = _plain_classes[cls] = (
            getattr(cls, "__deepcopy__", None) is None and getattr(cls, "__copy__", None) is None
            and cls.__reduce_ex__ is object.__reduce_ex__ and cls.__reduce__ is object.__reduce__
            and cls.__new__ is object.__new__ and cls.__getstate__ is object.__getstate__
            and not any("__slots__" in vars(k) for k in cls.__mro__))
    return plain


def _copy_column(column, memo):
    cls = type(column)
    if not _copies_plainly(cls):
        return copy.deepcopy(column, memo)
    new = cls.__new__(cls)
    new.__dict__.update(column.__dict__)
    memo[id(column)] = new
    return new


def copy_columns_shallow(table_class) -> None:
    """Give table_class's own base_columns the one-level copy above (a class that sets
    base_columns to something else later gets django-tables2's deep copy again)."""
    columns = vars(table_class).get("base_columns")
    if type(columns) is OrderedDict:
        table_class.base_columns = ColumnsCopiedShallow(columns)
