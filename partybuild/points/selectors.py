"""Reads of the red-list points ledger, scoped to the user first.

Totals always come from aggregates over the entries, never from a stored balance; the
running total of the ledger page is worked out from the ordered entries when shown.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from partybuild.organisation.models import Institution
from partybuild.organisation.scoping import institutions_visible_to

from .models import PointEntry

ZERO = Decimal("0.0")
# SCORING.md: the red-list item of the year's score is the year's net points, clamped.
SCORE_MIN, SCORE_MAX = Decimal("0"), Decimal("10")
PANEL_ENTRIES = 5


def score_of(net: Decimal) -> Decimal:
    """What the year's net points are worth in the party-building score: clamp(net, 0, 10)."""
    return min(max(net, SCORE_MIN), SCORE_MAX)


def year_range(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def in_year_q(year: int, prefix: str = "") -> Q:
    """Entries dated in the year; a date range, so that an index on date can serve it."""
    first, last = year_range(year)
    return Q(**{f"{prefix}date__gte": first, f"{prefix}date__lte": last})


def decimal_sum(field: str, condition: Q | None = None) -> Coalesce:
    """SUM of a points column (with an optional filter), 0 when there is nothing to add."""
    output = DecimalField(max_digits=9, decimal_places=1)
    return Coalesce(Sum(field, filter=condition), Value(ZERO), output_field=output)


def entries_visible_to(user) -> QuerySet[PointEntry]:
    """Point entries of the institutions the user may see."""
    return PointEntry.objects.filter(institution__in=institutions_visible_to(user))


# The region ranking ------------------------------------------------------------------------


def point_ranking(*, user, year: int) -> QuerySet[Institution]:
    """Institutions the user may see with their net points of the year, highest first."""
    in_year = in_year_q(year, "point_entries__")
    return (
        institutions_visible_to(user)
        .select_related("region")
        .annotate(
            net=decimal_sum("point_entries__points", in_year),
            added=decimal_sum("point_entries__points", in_year & Q(point_entries__points__gt=0)),
            deducted=decimal_sum("point_entries__points",
                                 in_year & Q(point_entries__points__lt=0)),
            entries=Count("point_entries", filter=in_year),
        )
        .order_by("-net", "name_key", "pk")
    )


# One institution's ledger ----------------------------------------------------------------------


@dataclass
class LedgerLine:
    entry: PointEntry
    running: Decimal


@dataclass
class Ledger:
    institution: Institution
    year: int
    lines: list[LedgerLine]
    net: Decimal
    added: Decimal
    deducted: Decimal
    years: list[int]

    @property
    def score(self) -> Decimal:
        return score_of(self.net)


def ledger(*, user, institution_pk: int, year: int) -> Ledger:
    """One institution's entries of the year in date order, with running and net totals."""
    institution = get_object_or_404(
        institutions_visible_to(user).select_related("region"), pk=institution_pk
    )
    entries = list(
        institution.point_entries.filter(in_year_q(year))
        .select_related("created_by", "corrects", "correction")
        .order_by("date", "pk")
    )
    totals = institution.point_entries.filter(in_year_q(year)).aggregate(
        net=decimal_sum("points"),
        # A correction offsets what it corrects: it counts with the entry it corrects (the
        # reversal of a deduction lowers 扣分合计; it is no addition).
        added=decimal_sum("points", Q(corrects__isnull=True, points__gt=0)
                          | Q(corrects__points__gt=0)),
        deducted=decimal_sum("points", Q(corrects__isnull=True, points__lt=0)
                             | Q(corrects__points__lt=0)),
    )
    lines, running = [], ZERO
    for entry in entries:
        running += entry.points
        lines.append(LedgerLine(entry, running))
    # Years with entries, and always this year, for the year links.
    years = {day.year for day in institution.point_entries.dates("date", "year")}
    years |= {timezone.localdate().year, year}
    return Ledger(institution=institution, year=year, lines=lines, years=sorted(years),
                  **totals)


# The panel on the institution page -------------------------------------------------------------


@dataclass
class PointsPanel:
    year: int
    entries: list[PointEntry]
    count: int
    net: Decimal
    previous_net: Decimal
    previous_count: int

    @property
    def score(self) -> Decimal:
        return score_of(self.net)

    @property
    def more(self) -> int:
        return self.count - len(self.entries)


def points_panel(*, user, institution: Institution, year: int | None = None) -> PointsPanel:
    """The year's latest entries and net total for the institution page (two queries)."""
    year = year or timezone.localdate().year
    entries = entries_visible_to(user).filter(institution=institution)
    totals = entries.aggregate(
        net=decimal_sum("points", in_year_q(year)),
        count=Count("pk", filter=in_year_q(year)),
        previous_net=decimal_sum("points", in_year_q(year - 1)),
        previous_count=Count("pk", filter=in_year_q(year - 1)),
    )
    latest = list(entries.filter(in_year_q(year)).select_related("corrects", "correction")
                  .order_by("-date", "-pk")[:PANEL_ENTRIES])
    return PointsPanel(year=year, entries=latest, **totals)


def entry_for_correction(*, user, pk: int) -> PointEntry:
    """An entry the user may see, with what the correction page shows about it."""
    return get_object_or_404(
        entries_visible_to(user).select_related("institution__region", "created_by"), pk=pk
    )


def institution_for_points(*, user, pk: int) -> Institution:
    """An institution the user may see, to add a points entry to."""
    return get_object_or_404(institutions_visible_to(user).select_related("region"), pk=pk)
