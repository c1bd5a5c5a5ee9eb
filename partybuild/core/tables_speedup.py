"""Speed-ups of django-tables2: a cache for its per-cell look-up of a render method's
signature, and a cheaper per-table copy of a table class's columns (ColumnsCopiedShallow).

django-tables2 calls `inspect.signature` on the column's render function for every cell it
draws: on a 50-row list page that is several hundred calls and about a quarter of the page's
time. A function's signature does not change, so it is computed once per function.
"""

import copy
from collections import OrderedDict

from django_tables2 import utils

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


def install() -> None:
    # call_with_appropriate looks `signature` up in its module at call time.
    utils.signature = cached_signature


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
