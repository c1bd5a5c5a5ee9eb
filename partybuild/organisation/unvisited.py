"""Institutions not yet visited in a month: the staff home's count and the list filter.

An institution is *in scope* for a month when it operates on the month's 15th (SCORING.md,
the completeness grid's rule) and *not visited* when no four-ones visit, by anyone, is dated
in the month. The home count and `?not_visited_month=YYYY-MM` of the institution list use
this one condition, so the figure and the list it links to always agree.
"""

import calendar
from datetime import date

from django.db.models import Exists, OuterRef, Q

from .models import Institution
from .selectors import operating_on_q


def parse_month_value(value: str | None) -> date | None:
    """The first day of a "YYYY-MM" value, or None for anything else (never an error)."""
    try:
        year, month = (int(part) for part in (value or "").strip().split("-"))
        return date(year, month, 1)
    except (TypeError, ValueError):
        return None


def not_visited_in_month_q(first: date) -> Q:
    """Institutions operating on the 15th of the month with no visit dated in it.

    Visits belong to the visits app, a layer above: reached through the reverse relation it
    declares on Institution. NOT EXISTS on Visit(institution, date) is an indexed anti-join.
    """
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    visits = Institution.visits.field.model.objects.filter(
        institution=OuterRef("pk"), date__gte=first, date__lte=last)
    return operating_on_q(first.replace(day=15)) & ~Exists(visits)
