"""How names and period ends read in the organisation actions' confirmation sentences."""

from django.utils.translation import gettext

from partybuild.core.services import fmt


def names(items) -> str:
    # The enumeration comma of Chinese, a plain comma in English.
    return gettext("、").join(str(item) for item in items)


def until(end) -> str:
    """How the end of a new period reads in a confirmation sentence."""
    return gettext("至 %(end)s") % {"end": fmt(end)} if end else gettext("不设结束日期")
