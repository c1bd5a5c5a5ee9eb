"""The "who hasn't been visited" grid: institutions × months of the four-ones items done.

A month m of year Y is in scope for an institution when it operates on the 15th of m
(SCORING.md). The items done in m are the distinct four-ones items of all visits to the
institution dated in m, whoever made them; four items make the month complete.

Everything is set-based: one aggregate query gives the items per (institution, month), one
the month's figures per region and instructor, and the grid page reads one page of
institutions. The number of queries does not depend on the number of institutions.
"""

import calendar
import operator
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache, reduce
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db import connection, models
from django.db.models import (
    Count,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    Q,
    QuerySet,
)
from django.db.models.functions import Cast
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from partybuild.accounts.scoping import region_path, regions_visible_to
from partybuild.core.periods import holding_on_q
from partybuild.instructors.models import Assignment, Instructor
from partybuild.organisation.figures_stamp import kept
from partybuild.organisation.models import Institution
from partybuild.organisation.scoping import institutions_visible_to
from partybuild.organisation.selectors import operating_on_q, today_or
from partybuild.regions.models import Region

from .models import FOUR_ONES, Visit

GRID_PAGE_SIZE = 100
INSTRUCTOR_LINES_SHOWN = 100
HOME_FLAG_NAMES = 10
# "After the 20th": from the 21st on, an institution without a visit this month is flagged.
FLAG_AFTER_DAY = 20
ITEM_KEYS = tuple(key for key, _label in FOUR_ONES)
ALL_ITEMS = len(ITEM_KEYS)
MONTHS = tuple(range(1, 13))


class Progress(models.TextChoices):
    """The state filter: how far an in-scope institution got in the chosen month."""

    COMPLETE = "complete", _("四项全部完成")
    INCOMPLETE = "incomplete", _("未完成四项")
    NOT_VISITED = "not_visited", _("尚未走访")


def mid_month(year: int, month: int) -> date:
    """The 15th, the day that decides whether a month is in scope (SCORING.md)."""
    return date(year, month, 15)


@cache
def mid_months(year: int) -> tuple[date, ...]:
    return tuple(mid_month(year, m) for m in MONTHS)


def month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def items_done():
    """Distinct four-ones items among a group of visits: the sum of one MAX per item."""
    return reduce(operator.add, (Max(Cast(key, IntegerField())) for key in ITEM_KEYS))


@dataclass(frozen=True)
class GridFilters:
    year: int
    month: int
    region: Region | None = None
    # The instructors the instructor filter matched (already scoped), or None for everyone.
    instructors: QuerySet[Instructor] | None = None
    progress: str = ""


# Cells and rows ----------------------------------------------------------------------------


# A row keeps its months as one small int each: the items done (0–4) in an operating month
# that has come, or one of these. A page holds 1,200 cells: a tuple of ints per row (and the
# cells' HTML looked up by it) costs a fraction of building a Cell object per month.
FUTURE = -1  # operating on the 15th, not come yet
OFF = -2  # not operating on the 15th
OFF_FUTURE = -3  # not operating, not come yet (shown as not operating)


@dataclass(slots=True)
class Cell:
    """One institution in one month: not operating, not yet come, or 0–4 items done."""

    month: int
    operating: bool
    future: bool
    items: int = 0

    @classmethod
    def of(cls, month: int, state: int) -> "Cell":
        """The cell a month's state stands for."""
        if state >= 0:
            return cls(month=month, operating=True, future=False, items=state)
        return cls(month=month, operating=state == FUTURE,
                   future=state in (FUTURE, OFF_FUTURE))

    @property
    def complete(self) -> bool:
        return self.operating and not self.future and self.items >= ALL_ITEMS

    @property
    def label(self) -> str:
        """What the page shows: — not operating, blank not yet, else the items (✓ complete)."""
        if not self.operating:
            return "—"
        if self.future:
            return ""
        return f"{self.items}✓" if self.complete else str(self.items)

    @property
    def css(self) -> str:
        if not self.operating:
            return "off"
        if self.future:
            return "future"
        if self.items >= ALL_ITEMS:
            return "done"
        return "partial" if self.items else "none"


class GridInstitution(NamedTuple):
    """The columns of an institution a grid row shows (read as plain values, not a model)."""

    pk: int
    name: str
    opened_on: date
    closed_on: date | None
    region_name: str
    instructor_pk: int | None  # the instructor assigned on the chosen month's 15th
    instructor_name: str | None


# The grid_institutions() columns a GridInstitution is made of, in its order.
ROW_COLUMNS = ("pk", "name", "opened_on", "closed_on", "region__name", "instructor_pk",
               "instructor_name")


@dataclass(slots=True)
class GridRow:
    institution: GridInstitution
    # Per month, January first: the items done, or FUTURE, OFF, OFF_FUTURE.
    states: tuple[int, ...]

    @property
    def cells(self) -> list[Cell]:
        return [Cell.of(month, state) for month, state in enumerate(self.states, start=1)]


@cache
def _unvisited_states(first: int, last: int, come: int) -> tuple[int, ...]:
    """The months of a row without visits: operating from month `first` to `last`, the
    months up to `come` come."""
    return tuple(
        (0 if first <= month <= last else OFF) if month <= come
        else (FUTURE if first <= month <= last else OFF_FUTURE)
        for month in MONTHS
    )


def month_states(institution: GridInstitution, year: int, items: dict[int, int],
                 day: date) -> tuple[int, ...]:
    """The twelve months of an institution's row; months after `day` have not come yet."""
    fifteenths = mid_months(year)
    # Institution.is_operating_on each 15th: from the first 15th on or after the opening
    # to the last on or before the closing.
    first = bisect_left(fifteenths, institution.opened_on) + 1
    last = 12 if institution.closed_on is None else bisect_right(fifteenths,
                                                                 institution.closed_on)
    # The last month of `year` that has come by `day` (0: none, 12: all).
    come = 12 if year < day.year else day.month if year == day.year else 0
    states = _unvisited_states(first, last, come)
    if not items:
        return states
    states = list(states)
    for month, done in items.items():
        if states[month - 1] == 0:  # operating, and come
            states[month - 1] = done
    return tuple(states)


def grid_row(institution: GridInstitution, year: int, items: dict[int, int],
             day: date) -> GridRow:
    return GridRow(institution, month_states(institution, year, items, day))


# Figures -----------------------------------------------------------------------------------


@dataclass
class Figures:
    """Institutions expected in the month (in scope), visited, complete; missing = no visit."""

    label: str = ""
    region: Region | None = None
    expected: int = 0
    visited: int = 0
    complete: int = 0

    @property
    def missing(self) -> int:
        return self.expected - self.visited

    @property
    def complete_rate(self) -> int | None:
        return round(100 * self.complete / self.expected) if self.expected else None

    def add(self, other: "Figures") -> None:
        self.expected += other.expected
        self.visited += other.visited
        self.complete += other.complete


@dataclass
class InstructorLine:
    """An instructor's caseload in the month (in-scope institutions assigned on the 15th)."""

    pk: int
    number: str
    name: str
    caseload: int
    visited: int
    complete: int

    @property
    def missing(self) -> int:
        return self.caseload - self.visited

    @property
    def complete_rate(self) -> int | None:
        return round(100 * self.complete / self.caseload) if self.caseload else None


@dataclass
class CompletenessGrid:
    filters: GridFilters
    day: date
    totals: Figures
    regions: list[Figures]
    instructors: list[InstructorLine]
    rows: list[GridRow] = field(default_factory=list)
    page: Page | None = None

    @property
    def instructors_shown(self) -> list[InstructorLine]:
        return self.instructors[:INSTRUCTOR_LINES_SHOWN]

    @property
    def months(self) -> tuple[int, ...]:
        return MONTHS


# Queries -----------------------------------------------------------------------------------


# The visits below are read only through institutions already scoped to the user, and every
# instructor's visits count (the grid is for staff), so they start from Visit itself.
# They are uncorrelated sub-queries (`pk IN (...)`): the database reads the month's visits
# once, through the (date, institution) index, whatever the number of institutions; a
# correlated sub-query per institution made the grid's cost grow with the whole region.


def _month_visits(year: int, month: int) -> QuerySet[Visit]:
    """The visits of the month, every institution."""
    first, last = month_range(year, month)
    return Visit.objects.filter(date__gte=first, date__lte=last).order_by()


def visited_in_month(year: int, month: int) -> QuerySet:
    """The pks of institutions with at least one visit in the month (a sub-query)."""
    return _month_visits(year, month).values("institution_id")


def complete_in_month(year: int, month: int) -> QuerySet:
    """The pks of institutions whose visits of the month did all four items (a sub-query)."""
    return (_month_visits(year, month).values("institution_id")
            .annotate(n=items_done()).filter(n__gte=ALL_ITEMS).values("institution_id"))


def _assignments_on(day: date) -> QuerySet[Assignment]:
    return Assignment.objects.filter(holding_on_q(day))


def kept_parts(user, filters: GridFilters) -> tuple | None:
    """What a region-wide figure of the grid depends on besides the database, or None.

    The figures count every institution of the region (the totals, the number of rows),
    so they are kept under the stamp's tokens (organisation/figures_stamp.py) and counted
    once per change. An instructor filter (a queryset) and an instructor's own view are
    counted every time.
    """
    if filters.instructors is not None or (user.is_authenticated and user.is_instructor):
        return None
    return (region_path(user), filters.year, filters.month,
            filters.region.pk if filters.region is not None else None, filters.progress,
            get_language())


def kept_for_grid(name: str, user, filters: GridFilters, compute):
    parts = kept_parts(user, filters)
    return compute() if parts is None else kept(name, parts, compute)


class CountingPaginator(Paginator):
    """A paginator that counts a cheaper queryset with the same rows (no outer join)."""

    def __init__(self, object_list, per_page, *, counting, kept_as=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        # A function giving the queryset to count: built only when the count is not kept.
        self.counting = counting
        # (user, filters): the count is kept like the grid's figures.
        self.kept_as = kept_as

    @cached_property
    def counted(self) -> QuerySet:
        return self.counting()

    @cached_property
    def count(self) -> int:
        if self.kept_as is None:
            return self.counted.count()
        user, filters = self.kept_as
        return kept_for_grid("grid-count", user, filters, lambda: self.counted.count())


def grid_institutions(*, user, filters: GridFilters,
                      with_instructor: bool = True) -> QuerySet[Institution]:
    """Institutions the user may see that operate in some month of the year, filtered.

    Each carries the instructor assigned on the chosen month's 15th (instructor_pk,
    instructor_name), read by one outer join: periods of one institution never overlap, so
    at most one assignment holds on a day. The items done come from items_by_month, for the
    rows shown only. A state filter keeps the institutions in scope in the chosen month
    (operating on its 15th) only.
    """
    year, month = filters.year, filters.month
    fifteenth = mid_month(year, month)
    institutions = institutions_visible_to(user).filter(
        Q(opened_on__lte=mid_month(year, 12))
        & (Q(closed_on__isnull=True) | Q(closed_on__gte=mid_month(year, 1)))
    )
    if filters.region is not None:
        institutions = institutions.filter(region__path__startswith=filters.region.path)
    if filters.instructors is not None:
        institutions = institutions.filter(pk__in=_assignments_on(fifteenth).filter(
            instructor__in=filters.instructors).values("institution_id"))
    if filters.progress == Progress.COMPLETE:
        institutions = institutions.filter(operating_on_q(fifteenth),
                                           pk__in=complete_in_month(year, month))
    elif filters.progress == Progress.INCOMPLETE:
        institutions = institutions.filter(operating_on_q(fifteenth)).exclude(
            pk__in=complete_in_month(year, month))
    elif filters.progress == Progress.NOT_VISITED:
        institutions = institutions.filter(operating_on_q(fifteenth)).exclude(
            pk__in=visited_in_month(year, month))
    if not with_instructor:
        return institutions.order_by()
    return institutions.select_related("region").annotate(
        on_duty=FilteredRelation("assignments", condition=holding_on_q(
            fifteenth, "assignments__start", "assignments__end")),
        instructor_pk=F("on_duty__instructor_id"),
        instructor_name=F("on_duty__instructor__name"),
    ).order_by("name_key", "pk")


@cache
def _items_by_month_sql(vendor: str) -> str:
    """The SQL of items_by_month, with {institutions} where the institutions' pks go.

    Written out rather than built by the ORM: building and compiling the aggregate took
    three times as long as running it, on every page. The same figure as items_done():
    the distinct items of the visits, one MAX per item. Months by SQLite's own strftime
    (Django's SQLite EXTRACT calls back into Python for every row).
    """
    visit = Visit._meta
    quote = connection.ops.quote_name

    def column(name: str) -> str:
        return f"grid_visit.{quote(visit.get_field(name).column)}"

    dated, institution = column("date"), column("institution")
    if vendor == "sqlite":
        month = f"CAST(strftime('%%m', {dated}) AS integer)"
    else:
        month = f"CAST(EXTRACT(MONTH FROM {dated}) AS integer)"
    items = " + ".join(f"MAX(CAST({column(key)} AS integer))" for key in ITEM_KEYS)
    return (f"SELECT {institution}, {month}, {items} FROM {quote(visit.db_table)} grid_visit "
            f"WHERE {institution} IN ({{institutions}}) AND {dated} >= %s AND {dated} <= %s "
            f"GROUP BY {institution}, {month}")


def items_by_month(*, institutions: QuerySet | Iterable[int],
                   year: int) -> dict[int, dict[int, int]]:
    """Items done per institution and month of the year, in one aggregate query.

    `institutions` must already be scoped to the user: pks from grid_institutions, or a
    queryset of their pks (values("pk")), read as a sub-query.
    """
    if isinstance(institutions, QuerySet):
        listed, params = institutions.query.sql_with_params()
    else:
        params = list(institutions)
        if not params:
            return {}
        listed = ", ".join(["%s"] * len(params))
    adapt = connection.ops.adapt_datefield_value
    sql = _items_by_month_sql(connection.vendor).format(institutions=listed)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, adapt(date(year, 1, 1)), adapt(date(year, 12, 31))])
        rows = cursor.fetchall()
    done: dict[int, dict[int, int]] = defaultdict(dict)
    for institution_id, month, items in rows:
        done[institution_id][month] = items
    return done


def _reporting_regions(user, filters: GridFilters) -> tuple[int, dict[str, Region]]:
    """The depth of the path segment to report by, and the regions by code.

    Figures are given per child of the chosen region (or of the user's home region), so a
    city sees its districts and a district its streets.
    """
    base = filters.region.path if filters.region else region_path(user) or "/"
    depth = base.count("/") - 1
    regions = {region.code: region for region in regions_visible_to(user)
               .filter(path__startswith=base).only("code", "name", "path")}
    return depth, regions


@dataclass
class MonthFigures:
    totals: Figures
    regions: list[Figures]
    instructors: list[InstructorLine]


def month_figures(*, user, filters: GridFilters) -> MonthFigures:
    """counted_month_figures, kept while nothing they count has changed."""
    filters = replace(filters, progress="")
    return kept_for_grid("grid-month-figures", user, filters,
                         lambda: counted_month_figures(user=user, filters=filters))


def counted_month_figures(*, user, filters: GridFilters) -> MonthFigures:
    """The chosen month's totals, per reporting region and per instructor, in two queries.

    One query counts the in-scope institutions by (region, instructor on the 15th); the
    regions and the instructors are summed from its rows, so both agree with the totals.
    Instructors come with the lowest share of complete institutions first: they need a call.
    The state filter is left out: the figures describe the whole filtered set.
    """
    year, month = filters.year, filters.month
    institutions = (grid_institutions(user=user, filters=replace(filters, progress=""))
                    .filter(operating_on_q(mid_month(year, month))).order_by())
    # The instructor's number and name ride along in the grouping (one instructor, one of
    # each): no second query with thousands of instructor pks.
    rows = (
        institutions.values("region__path", "instructor_pk", "on_duty__instructor__number",
                            "instructor_name")
        .annotate(
            expected=Count("pk"),
            visited_n=Count("pk", filter=Q(pk__in=visited_in_month(year, month))),
            complete=Count("pk", filter=Q(pk__in=complete_in_month(year, month))),
        )
        .values_list("region__path", "instructor_pk", "on_duty__instructor__number",
                     "instructor_name", "expected", "visited_n", "complete")
    )
    depth, regions = _reporting_regions(user, filters)
    # Plain [expected, visited, complete] counters: a large city has thousands of rows here.
    by_path: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    by_instructor: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    names: dict[int, tuple[str, str]] = {}
    for path, instructor_pk, number, name, expected, visited, complete in rows:
        names[instructor_pk] = (number, name)
        for counter in (by_path[path], by_instructor[instructor_pk]):
            counter[0] += expected
            counter[1] += visited
            counter[2] += complete
    by_region: dict[str, Figures] = {}
    for path, (expected, visited, complete) in by_path.items():
        codes = path.strip("/").split("/")
        code = codes[min(depth, len(codes) - 1)]
        if code not in by_region:
            region = regions.get(code)
            label = region.name if region else code
            if len(codes) <= depth:
                # Institutions registered at the reported region itself, not below it.
                label = _("%(region)s（本级）") % {"region": label}
            by_region[code] = Figures(label=str(label), region=region)
        by_region[code].add(Figures(expected=expected, visited=visited, complete=complete))
    by_instructor.pop(None, None)
    totals = Figures(label=str(_("合计")))
    lines = sorted(by_region.values(), key=lambda f: f.region.code if f.region else f.label)
    for line in lines:
        totals.add(line)
    instructors = [
        InstructorLine(pk, *names[pk], *counts) for pk, counts in by_instructor.items()
    ]
    instructors.sort(key=lambda line: (line.complete / line.caseload, -line.caseload,
                                       line.number))
    return MonthFigures(totals, lines, instructors)


def completeness_grid(*, user, filters: GridFilters, page: int | str = 1,
                      day: date | None = None, page_size: int = GRID_PAGE_SIZE,
                      ) -> CompletenessGrid:
    """One page of the grid, with the month's totals per region and per instructor."""
    day = today_or(day)
    # A row shows the name, the region's name, the instructor and the months operating,
    # read as plain values: building 100 model rows (and their regions) cost more than
    # the query.
    shown = grid_institutions(user=user, filters=filters).values_list(*ROW_COLUMNS)
    paginator = CountingPaginator(
        shown, page_size, kept_as=(user, filters),
        counting=lambda: grid_institutions(user=user, filters=filters, with_instructor=False))
    page_obj = paginator.get_page(page)
    institutions = [GridInstitution._make(values) for values in page_obj.object_list]
    done = items_by_month(institutions=[i.pk for i in institutions], year=filters.year)
    figures = month_figures(user=user, filters=filters)
    return CompletenessGrid(
        filters=filters, day=day, totals=figures.totals, regions=figures.regions,
        instructors=figures.instructors,
        rows=[grid_row(i, filters.year, done.get(i.pk, {}), day) for i in institutions],
        page=page_obj,
    )


def completeness_all_rows(*, user, filters: GridFilters,
                          day: date | None = None) -> Iterator[GridRow]:
    """Every row of the filtered grid (for the export), in two queries."""
    day = today_or(day)
    done = items_by_month(
        institutions=grid_institutions(user=user, filters=filters,
                                       with_instructor=False).values("pk"),
        year=filters.year)
    rows = grid_institutions(user=user, filters=filters).values_list(*ROW_COLUMNS)
    for values in rows.iterator(chunk_size=2000):
        institution = GridInstitution._make(values)
        yield grid_row(institution, filters.year, done.get(institution.pk, {}), day)


def completeness_export(*, user, filters: GridFilters,
                        day: date | None = None) -> CompletenessGrid:
    """The whole filtered grid with its figures, for the XLSX download."""
    day = today_or(day)
    figures = month_figures(user=user, filters=filters)
    return CompletenessGrid(
        filters=filters, day=day, totals=figures.totals, regions=figures.regions,
        instructors=figures.instructors,
        rows=list(completeness_all_rows(user=user, filters=filters, day=day)),
    )


# Home page flag ----------------------------------------------------------------------------


@dataclass
class UnvisitedFlag:
    """In-scope institutions with no visit yet this month, shown from the 21st on."""

    day: date
    count: int
    institutions: list[Institution]
    filters: GridFilters


def unvisited_this_month(*, user, day: date | None = None,
                         limit: int = HOME_FLAG_NAMES) -> UnvisitedFlag | None:
    """After the 20th, the user's institutions not yet visited this month; else None."""
    day = today_or(day)
    if day.day <= FLAG_AFTER_DAY or not user.can_view_structure:
        return None
    filters = GridFilters(year=day.year, month=day.month, progress=Progress.NOT_VISITED)
    # The count and the first names read the whole region: kept like the grid's figures.
    return kept_for_grid(f"home-unvisited-{day.isoformat()}-{limit}", user, filters,
                         lambda: _unvisited(user=user, day=day, filters=filters, limit=limit))


def _unvisited(*, user, day: date, filters: GridFilters, limit: int) -> UnvisitedFlag:
    institutions = grid_institutions(user=user, filters=filters)
    shown = list(institutions[:limit])
    count = len(shown) if len(shown) < limit else institutions.count()
    return UnvisitedFlag(day=day, count=count, institutions=shown, filters=filters)
