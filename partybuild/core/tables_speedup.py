"""A cache for django-tables2's per-cell look-up of a render method's signature.

django-tables2 calls `inspect.signature` on the column's render function for every cell it
draws: on a 50-row list page that is several hundred calls and about a quarter of the page's
time. A function's signature does not change, so it is computed once per function.
"""

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
