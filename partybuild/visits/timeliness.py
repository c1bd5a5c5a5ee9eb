"""Timeliness (及时率): how soon after a visit it was entered, and the on-time rate.

Definitions:

- A visit's *entry day* is the local date (settings.TIME_ZONE, Asia/Shanghai) of its
  `created_at`, the moment the row was first stored: typed in, synced from the phone's
  outbox, or imported (an imported visit counts as entered on its import day; the visits
  file of FORMATS.md has no column saying otherwise). Later edits do not move it.
- Its *entry delay* is entry day − visit date, in whole days (0 = entered the same day).
- A visit is *on time* when its entry delay is at most settings.PARTYBUILD_ON_TIME_DAYS
  (default 5): dated the 1st, entered by the 6th is on time; entered the 7th is not.
- The visits *counted* are the complete four-ones visits (上党课, 讲政策, 排隐患 and 核台账
  all recorded in the one visit) dated in the period (the grid's month, the report's year)
  at the institutions in scope (the user's region and the page's region and instructor
  filters). An instructor's line counts the visits that instructor made; a region's line the
  visits to institutions of that region (and below).
- *On-time rate* = on-time visits / counted visits, shown as a percentage with one decimal
  (half up), or "—" when no visit is counted.

Each page reads all of it in ONE aggregate query, grouped by (institution region, visit
instructor): the rows grow with regions × instructors, never with institutions.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Func, IntegerField, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from partybuild.accounts.scoping import region_path
from partybuild.core.periods import holding_on_q
from partybuild.instructors.models import Assignment
from partybuild.organisation.models import Institution
from partybuild.organisation.scoping import institutions_visible_to

from .completeness import kept_for_grid, mid_month
from .models import FOUR_ONES, Visit

COMPLETE_VISIT_Q = Q(**{key: True for key, _label in FOUR_ONES})


def on_time_days() -> int:
    return getattr(settings, "PARTYBUILD_ON_TIME_DAYS", 5)


def entry_day(visit: Visit) -> date:
    """The local day the visit was entered."""
    return timezone.localtime(visit.created_at).date()


def entry_delay(visit: Visit) -> int:
    """Days from the visit's date to the day it was entered."""
    return (entry_day(visit) - visit.date).days


def is_on_time(visit: Visit) -> bool:
    return entry_delay(visit) <= on_time_days()


class EntryDelay(Func):
    """entry day − visit date in days, in SQL (the local entry day, as entry_delay())."""

    output_field = IntegerField()

    def __init__(self, **extra):
        entered = TruncDate("created_at", tzinfo=timezone.get_default_timezone())
        super().__init__(entered, "date", **extra)

    def _parts(self, compiler):
        entered, dated = (compiler.compile(expression) for expression in
                          self.get_source_expressions())
        return entered, dated

    def as_sql(self, compiler, connection, **extra):
        # PostgreSQL: date − date is an integer number of days.
        (entered, entered_params), (dated, dated_params) = self._parts(compiler)
        return f"(({entered}) - ({dated}))", (*entered_params, *dated_params)

    def as_sqlite(self, compiler, connection, **extra):
        (entered, entered_params), (dated, dated_params) = self._parts(compiler)
        return (f"CAST(ROUND(julianday({entered}) - julianday({dated})) AS INTEGER)",
                (*entered_params, *dated_params))


@dataclass
class OnTime:
    counted: int = 0
    on_time: int = 0

    @property
    def rate(self) -> Decimal | None:
        if not self.counted:
            return None
        return (Decimal(self.on_time) * 100 / self.counted).quantize(Decimal("0.1"),
                                                                     ROUND_HALF_UP)

    @property
    def display(self) -> str:
        rate = self.rate
        return "—" if rate is None else f"{rate}%"

    def add(self, counted: int, on_time: int) -> None:
        self.counted += counted
        self.on_time += on_time


@dataclass
class InstructorOnTime(OnTime):
    pk: int = 0
    number: str = ""
    name: str = ""


@dataclass
class OnTimeFigures:
    days: int
    total: OnTime = field(default_factory=OnTime)
    # By the code of the reporting region (the child of the base region at `depth`).
    regions: dict[str, OnTime] = field(default_factory=dict)
    instructors: dict[int, InstructorOnTime] = field(default_factory=dict)

    def for_region(self, code: str) -> OnTime:
        return self.regions.get(code) or OnTime()

    def for_instructor(self, pk: int) -> OnTime:
        return self.instructors.get(pk) or OnTime()

    @property
    def instructor_lines(self) -> list[InstructorOnTime]:
        """Instructors with counted visits, the lowest rate first (they need a call)."""
        return sorted(self.instructors.values(),
                      key=lambda line: (line.on_time / line.counted, line.number))


def reporting_code(path: str, depth: int) -> str:
    """The code of the region at `depth` on a materialised path (or its last one)."""
    codes = path.strip("/").split("/")
    return codes[min(depth, len(codes) - 1)]


def on_time_figures(*, institutions: QuerySet[Institution], first: date, last: date,
                    base_path: str) -> OnTimeFigures:
    """The on-time figures of the visits to `institutions` dated first..last, in one query.

    `institutions` must already be scoped to the user. Regions are reported one level
    below `base_path` (a city by district, a district by street), like the grid.
    """
    days = on_time_days()
    rows = (
        Visit.objects
        .filter(COMPLETE_VISIT_Q, date__gte=first, date__lte=last,
                institution__in=institutions.values("pk"))
        .annotate(delay=EntryDelay())
        .values("institution__region__path", "instructor_id", "instructor__number",
                "instructor__name")
        .annotate(counted=Count("pk"), punctual=Count("pk", filter=Q(delay__lte=days)))
        .values_list("institution__region__path", "instructor_id", "instructor__number",
                     "instructor__name", "counted", "punctual")
        .order_by()
    )
    depth = base_path.count("/") - 1
    figures = OnTimeFigures(days=days)
    regions: dict[str, OnTime] = defaultdict(OnTime)
    for path, instructor_pk, number, name, counted, punctual in rows:
        figures.total.add(counted, punctual)
        regions[reporting_code(path, depth)].add(counted, punctual)
        line = figures.instructors.setdefault(
            instructor_pk, InstructorOnTime(pk=instructor_pk, number=number, name=name))
        line.add(counted, punctual)
    figures.regions = dict(regions)
    return figures


def month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def grid_on_time(*, user, filters) -> OnTimeFigures:
    """counted_grid_on_time, kept while nothing it counts has changed (like the grid's)."""
    filters = replace(filters, progress="")
    return kept_for_grid(f"grid-on-time-{on_time_days()}", user, filters,
                         lambda: counted_grid_on_time(user=user, filters=filters))


def counted_grid_on_time(*, user, filters) -> OnTimeFigures:
    """The completeness grid's on-time figures: its month, region and instructor filters."""
    institutions = institutions_visible_to(user)
    if filters.region is not None:
        institutions = institutions.filter(region__path__startswith=filters.region.path)
    if filters.instructors is not None:
        # The grid's rule: institutions assigned to one of them on the month's 15th.
        assigned = Assignment.objects.filter(
            holding_on_q(mid_month(filters.year, filters.month)),
            instructor__in=filters.instructors)
        institutions = institutions.filter(pk__in=assigned.values("institution_id"))
    first, last = month_bounds(filters.year, filters.month)
    base = filters.region.path if filters.region else region_path(user) or "/"
    return on_time_figures(institutions=institutions, first=first, last=last, base_path=base)
