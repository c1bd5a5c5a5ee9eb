"""The party-building score of every institution of a region in a year (SCORING.md).

Set-based: seven queries load what the rubric needs for the whole region as plain tuples
(the counts per institution are taken in SQL), then the rules run in Python on exact
integers. Each item is rounded to two decimals half up; the total is the sum of the
rounded items minus deductions, never below 0. All periods are inclusive at both ends; an
empty end means the period still holds.

Why integers: every item is (part / whole) × maximum, rounded half up to cents. With the
maximum × 100 as the exact fraction n / d (d is 1 for any two-decimal figure), the cents
are floor((2·part·n + whole·d) / (2·whole·d)), exactly what the rounding of the fraction
gives, without building a Fraction per item and institution.

Why the explanation is lazy: the month lists and dicts that explain a score (months in
scope, the branch covering each month, the four-ones items done each month) are what a
score page, an inspection or a report shows for the institutions it shows; the yearly run
stores the figures of every institution and shows none. So each score keeps its span of
months and a reference to the rows its run read, and builds those lists and dicts when
they are first read (the rows grouped by institution once per run, for all of them).
"""

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal
from fractions import Fraction
from operator import itemgetter

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Q, Subquery

from partybuild.activities.models import Activity
from partybuild.organisation.models import Branch, Coverage, Institution
from partybuild.points.models import PointEntry
from partybuild.visits.models import FOUR_ONES, Clue, Hazard, Visit

from .rubric import DEFAULT_RUBRIC, RubricValues, grade_for

ITEM_KEYS = ("coverage", "charter", "four_ones", "activities", "hazards", "red_points")
FOUR_ONES_KEYS = tuple(key for key, _label in FOUR_ONES)
CENT = Decimal("0.01")


def to_points(value: Fraction | Decimal | int) -> Decimal:
    """Round an exact value to two decimals, half up (0.625 → 0.63)."""
    if isinstance(value, Fraction):
        # Exact half-up on the fraction itself, so no binary or context rounding creeps in.
        cents = (value * 100 + Fraction(1, 2)).__floor__()
        return (Decimal(cents) / 100).quantize(CENT)
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def months_in_scope(opened_on: date, closed_on: date | None, year: int) -> list[int]:
    """Months of the year in which the institution operates on the 15th."""
    return [
        month for month in range(1, 13)
        if opened_on <= date(year, month, 15) and (closed_on is None
                                                   or date(year, month, 15) <= closed_on)
    ]


@dataclass(frozen=True)
class CoveragePeriod:
    branch_id: int
    branch_name: str
    start: date
    end: date | None
    founded_on: date
    dissolved_on: date | None

    def covers_on(self, day: date) -> bool:
        return (self.start <= day and (self.end is None or day <= self.end)
                and self.founded_on <= day
                and (self.dissolved_on is None or day <= self.dissolved_on))


_start = itemgetter(0)


def _ascending(by_month: dict[int, int]) -> bool:
    months = list(by_month)
    return all(earlier < later for earlier, later in zip(months, months[1:], strict=False))


class _Explanation:
    """The rows one run read that explain its scores month by month, grouped by institution
    on first use: the coverage periods as month ranges (latest start first) and the
    four-ones items done per month (in month order)."""

    def __init__(self, fifteenths: list[date], coverages: list[tuple], visits: list[tuple]):
        self.fifteenths = fifteenths
        self.coverages = coverages
        self.visits = visits
        self._periods: dict[int, list[tuple[str, int, int]]] | None = None
        self._covering: dict[tuple[int, int, int], dict[int, str]] = {}
        self._items: dict[int, dict[int, int]] | None = None

    def covering(self, institution_id: int, first: int, last: int) -> dict[int, str]:
        """The branch that covers each month in scope (index first..last-1) on its 15th:
        the first period, latest start first, that covers it; in month order. Kept for
        the next read (a page reads it once for the months and once for the count)."""
        key = (institution_id, first, last)
        covering = self._covering.get(key)
        if covering is not None:
            return covering
        if self._periods is None:
            periods: dict[int, list[tuple[str, int, int]]] = {}
            fifteenths = self.fifteenths
            for pk, branch_name, start, end, founded_on, dissolved_on in self.coverages:
                begins = bisect_left(fifteenths, max(start, founded_on))
                if end is None or (dissolved_on is not None and dissolved_on < end):
                    end = dissolved_on
                ends = 12 if end is None else bisect_right(fifteenths, end)
                if begins < ends:
                    periods.setdefault(pk, []).append((start, branch_name, begins, ends))
            # Latest start first (an institution's periods never start on the same day:
            # no two branches cover it on one day).
            for institution_periods in periods.values():
                if len(institution_periods) > 1:
                    institution_periods.sort(key=_start, reverse=True)
            self._periods = periods
        covering: dict[int, str] = {}
        for _start_day, branch_name, start, end in self._periods.get(institution_id, ()):
            for index in range(max(start, first), min(end, last)):
                if index + 1 not in covering:
                    covering[index + 1] = branch_name
        if len(covering) > 1:
            covering = dict(sorted(covering.items()))
        self._covering[key] = covering
        return covering

    def items_by_month(self, institution_id: int) -> dict[int, int]:
        """Month → distinct items done, in month order whatever order the rows came in
        (PostgreSQL returns a GROUP BY in the order of the plan it picks, which changes with
        the table's statistics; the stored explanation and the pages must not)."""
        if self._items is None:
            items: dict[int, dict[int, int]] = {}
            for pk, month, done in self.visits:
                by_month = items.get(pk)
                if by_month is None:
                    by_month = items[pk] = {}
                by_month[month] = done
            self._items = items
        by_month = self._items.get(institution_id)
        if not by_month:
            return {}
        if len(by_month) > 1 and not _ascending(by_month):
            by_month = self._items[institution_id] = dict(sorted(by_month.items()))
        return by_month


@dataclass(slots=True)
class InstitutionScore:
    """One institution's score for a year, with the figures that explain each item.

    `months`, `covered_months`, `covering_branch_by_month` and `items_by_month` are built
    from the run's rows when read (see the module's note)."""

    institution_id: int
    credit_code: str
    name: str
    region_code: str
    year: int
    activities_counted: int
    hazards_found: int
    hazards_on_time: int
    overdue_hazards_at_year_end: int
    points_sum: Decimal
    substantiated_clues: int
    coverage: Decimal = Decimal("0.00")
    charter: Decimal = Decimal("0.00")
    four_ones: Decimal = Decimal("0.00")
    activities: Decimal = Decimal("0.00")
    hazards: Decimal = Decimal("0.00")
    red_points: Decimal = Decimal("0.00")
    deductions: Decimal = Decimal("0.00")
    total: Decimal = Decimal("0.00")
    grade: str = ""
    red_list: bool = False
    charter_in_place: bool = False
    # The months in scope as indices first..last-1 of the year's months (0 is January).
    month_span: tuple[int, int] = (0, 0)
    explanation: _Explanation | None = field(default=None, repr=False, compare=False)
    extra: dict = field(default_factory=dict)

    @property
    def items(self) -> dict[str, Decimal]:
        return {key: getattr(self, key) for key in ITEM_KEYS}

    @property
    def months(self) -> list[int]:
        """The months in scope (1–12)."""
        first, last = self.month_span
        return list(range(first + 1, last + 1))

    @property
    def months_in_scope(self) -> int:
        """How many months are in scope (the stored score's months_in_scope)."""
        first, last = self.month_span
        return last - first

    @property
    def covering_branch_by_month(self) -> dict[int, str]:
        """Month in scope → the name of the branch that covered the institution on its 15th,
        for the covered months, in month order."""
        if self.explanation is None:
            return {}
        return self.explanation.covering(self.institution_id, *self.month_span)

    @property
    def covered_months(self) -> list[int]:
        return list(self.covering_branch_by_month)

    @property
    def items_by_month(self) -> dict[int, int]:
        """Month of the year → distinct four-ones items done in visits dated in it."""
        if self.explanation is None:
            return {}
        return self.explanation.items_by_month(self.institution_id)


def _scaled(maximum) -> tuple[int, int]:
    """maximum × 100 as an exact fraction (numerator, denominator)."""
    scaled = Fraction(maximum) * 100
    return scaled.numerator, scaled.denominator


def _cents(part: int, whole: int, scaled: tuple[int, int]) -> int:
    """part / whole × maximum in cents, rounded half up, exactly (see the module's note)."""
    numerator, denominator = scaled
    return (2 * part * numerator + whole * denominator) // (2 * whole * denominator)


def _as_cents(points: Decimal) -> int:
    return int(points * 100)


class _Memo(dict):
    """A dict that computes a missing value once: lookups of known keys stay at C speed."""

    def __init__(self, compute):
        super().__init__()
        self.compute = compute

    def __missing__(self, key):
        value = self[key] = self.compute(key)
        return value


class _Rules:
    """The rubric turned into integers once per run, and the Decimal of each total seen."""

    def __init__(self, rubric: RubricValues):
        self.rubric = rubric
        self.coverage = _scaled(rubric.coverage_max)
        self.four_ones = _scaled(rubric.four_ones_max)
        self.activities = _scaled(rubric.activities_max)
        self.hazards = _scaled(rubric.hazards_max)
        self.target = rubric.activities_target
        # Items that do not depend on a ratio: rounded as before, once.
        self.charter_yes = _as_cents(to_points(rubric.charter_max))
        self.charter_no = _as_cents(to_points(0))
        self.no_hazards = _as_cents(to_points(rubric.hazards_max))
        # cents → the Decimal of the figure (20.00, not 20: as the pages print it).
        self.decimals = _Memo(lambda cents: Decimal(cents).scaleb(-2))
        # number of substantiated clues → the deduction in cents.
        self.deductions = _Memo(lambda clues: _as_cents(
            to_points(rubric.deduction_per_clue * clues)))
        # sum of the year's point entries → its red-list points in cents.
        self.red_points = _Memo(lambda points_sum: _as_cents(to_points(
            min(max(points_sum, Decimal(0)), rubric.red_points_max))))
        # total in cents → (grade, whether the total reaches the red list).
        self.grades = _Memo(lambda cents: (grade_for(self.decimals[cents], rubric),
                                           self.decimals[cents] >= rubric.red_list_from))


_rank = itemgetter(0, 1)


class _Reader:
    """The run's hand-written queries (the ORM builds only the institutions' own query):
    each reads one table for the year, restricted to the institutions scored unless the
    run reads the tables whole (see `rows`), and returns plain tuples."""

    def __init__(self, connection, ids: tuple[str, list] | None):
        self.connection = connection
        self.sqlite = connection.vendor == "sqlite"
        self.ids = ids

    def table(self, model) -> str:
        return self.connection.ops.quote_name(model._meta.db_table)

    def rows(self, sql: str, params: list, column: str) -> list[tuple]:
        """The query's rows; `{restricted}` in it becomes `AND column IN (the institutions)`,
        or nothing when every institution is read (see score_institutions)."""
        if self.ids is None:
            sql = sql.replace("{restricted}", "")
        else:
            ids_sql, ids_params = self.ids
            head, _, tail = sql.partition("{restricted}")
            params = params[:head.count("%s")] + ids_params + params[head.count("%s"):]
            sql = f"{head} AND {column} IN ({ids_sql}){tail}"
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


def reads_whole_tables(*, scored: int, largest_id: int) -> bool:
    """Whether a run reads each table's rows of the year whole and leaves the other
    institutions' rows aside in Python: when the institutions scored hold at least half of
    the table's ids (a province's yearly run), as filtering every row by a list of 20,000
    ids in SQL costs more than the rows it saves. Fewer (a county, one institution's page)
    read only their own rows, through the institution's index."""
    return 2 * scored >= largest_id


def score_institutions(*, institutions, year: int,
                       rubric: RubricValues = DEFAULT_RUBRIC) -> list[InstitutionScore]:
    """Score every institution of the queryset that has a month in scope in the year.

    Seven queries whatever the number of institutions. Sorted by total descending, then
    credit code, as the reports list them.
    """
    fifteenths = [date(year, month, 15) for month in range(1, 13)]
    first_15th, last_15th = fifteenths[0], fifteenths[-1]
    year_start, year_end = date(year, 1, 1), date(year, 12, 31)
    in_scope_somewhere = (institutions.filter(opened_on__lte=last_15th)
                          .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=first_15th)))
    connection = connections[institutions.db]
    # The largest id of the whole table, read from its primary key in the same query.
    largest_id = Subquery(Institution._base_manager.using(institutions.db)
                          .order_by("-pk").values("pk")[:1])
    # Unordered: the scores are sorted by total and credit code, which is unique, so the
    # queryset's order (a sort of 20,000 names in SQL) would not change the result.
    query = (in_scope_somewhere.order_by().annotate(largest_id=largest_id)
             .values_list("pk", "credit_code", "name", "region__code", "opened_on",
                          "closed_on", "charter_includes_party_building", "largest_id")
             .query)
    try:
        sql, params = query.get_compiler(using=institutions.db).as_sql()
    except EmptyResultSet:  # institutions.none(): nothing to score
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        candidates = cursor.fetchall()
    if not candidates:
        return []
    if reads_whole_tables(scored=len(candidates), largest_id=candidates[0][7]):
        ids = None
    else:
        # A subquery rather than a list of ids: 20,000 parameters would strain some databases.
        ids = (in_scope_somewhere.order_by().values("pk").query
               .get_compiler(using=institutions.db).as_sql())
        ids = ids[0], list(ids[1])
    read = _Reader(connection, ids)
    sqlite = read.sqlite

    # The months in scope of each institution, as indices first..last-1 of fifteenths.
    scope: dict[int, tuple] = {}
    for row in candidates:
        opened_on, closed_on = row[4], row[5]
        first = bisect_left(fifteenths, opened_on)
        last = 12 if closed_on is None else bisect_right(fifteenths, closed_on)
        if first < last:
            scope[row[0]] = (first, last, row)
    if not scope:
        return []

    # Coverage periods (the explanation names the branch of each month); here only which
    # months they cover, as a bit mask per institution.
    coverage, branch = read.table(Coverage), read.table(Branch)
    coverages = read.rows(
        f'SELECT c.institution_id, b.name, c.start, c."end", b.founded_on, b.dissolved_on '
        f"FROM {coverage} c INNER JOIN {branch} b ON b.id = c.branch_id "
        f'WHERE c.start <= %s AND (c."end" IS NULL OR c."end" >= %s){{restricted}}',
        [year_end, year_start], "c.institution_id")
    bits = [(1 << index) for index in range(13)]
    covered_mask: dict[int, int] = {}
    for pk, _name, start, end, founded_on, dissolved_on in coverages:
        first = bisect_left(fifteenths, founded_on if founded_on > start else start)
        if end is None or (dissolved_on is not None and dissolved_on < end):
            end = dissolved_on
        last = 12 if end is None else bisect_right(fifteenths, end)
        if first < last:
            covered_mask[pk] = covered_mask.get(pk, 0) | (bits[last] - bits[first])

    # Distinct four-ones items per institution and month, counted in SQL (a flag is 0 or 1).
    flag = "MAX({})" if sqlite else "MAX({}::integer)"
    done = " + ".join(flag.format(key) for key in FOUR_ONES_KEYS)
    month = ("CAST(strftime('%%m', date) AS integer)" if sqlite
             else "CAST(EXTRACT(MONTH FROM date) AS integer)")
    visits = read.rows(
        f"SELECT institution_id, {month}, {done} FROM {read.table(Visit)} "
        f"WHERE date >= %s AND date <= %s{{restricted}} GROUP BY 1, 2",
        [year_start, year_end], "institution_id")
    items_done: dict[int, int] = {}
    for pk, month_number, count in visits:
        found = scope.get(pk)
        if found is not None and found[0] < month_number <= found[1]:
            items_done[pk] = items_done.get(pk, 0) + count

    # An activity counts for every institution its branch covered on the activity's date
    # (the branch active then); one join, distinct activities per institution.
    activities = dict(read.rows(
        f"SELECT c.institution_id, COUNT(DISTINCT a.id) FROM {read.table(Activity)} a "
        f"INNER JOIN {branch} b ON b.id = a.branch_id "
        f"INNER JOIN {coverage} c ON c.branch_id = b.id "
        f"WHERE a.date >= %s AND a.date <= %s AND c.start <= a.date "
        f'AND (c."end" IS NULL OR a.date <= c."end") AND b.founded_on <= a.date '
        f"AND (b.dissolved_on IS NULL OR a.date <= b.dissolved_on){{restricted}} GROUP BY 1",
        [year_start, year_end], "c.institution_id"))

    # Hazards found in the year (and those rectified by their deadline), and those overdue
    # on 31 December (found by then, deadline before it, not rectified by then).
    hazards = {row[0]: row[1:] for row in read.rows(
        f"SELECT institution_id, "
        f"SUM(CASE WHEN found_on >= %s THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN found_on >= %s AND rectified_on <= deadline THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN deadline < %s AND (rectified_on IS NULL OR rectified_on > %s) "
        f"THEN 1 ELSE 0 END) FROM {read.table(Hazard)} "
        f"WHERE found_on <= %s AND (found_on >= %s OR deadline < %s){{restricted}} GROUP BY 1",
        [year_start, year_start, year_end, year_end, year_end, year_start, year_end],
        "institution_id")}

    # The sum of the year's point entries as the ORM reads it: on SQLite a number cast as
    # NUMERIC (an integer, or a float) kept to 15 significant digits; PostgreSQL's numeric.
    points_sql = "CAST(SUM(points) AS NUMERIC)" if sqlite else "SUM(points)"
    points = read.rows(
        f"SELECT institution_id, {points_sql} FROM {read.table(PointEntry)} "
        f"WHERE date >= %s AND date <= %s{{restricted}} GROUP BY 1",
        [year_start, year_end], "institution_id")
    if sqlite:
        as_decimal = Context(prec=15).create_decimal_from_float
        points = {pk: None if total is None else as_decimal(total) for pk, total in points}
    else:
        points = dict(points)

    clues = dict(read.rows(
        f"SELECT institution_id, COUNT(*) FROM {read.table(Clue)} "
        f"WHERE substantiated AND date >= %s AND date <= %s{{restricted}} GROUP BY 1",
        [year_start, year_end], "institution_id"))

    explanation = _Explanation(fifteenths, coverages, visits)
    rules = _Rules(rubric)
    decimal, deduction, grades = rules.decimals, rules.deductions, rules.grades
    red_points_of = rules.red_points
    # Each ratio item is part / whole × maximum in cents, half up (see _cents), written out
    # in the loop below: at 20,000 institutions the function calls alone would cost more.
    coverage_n, coverage_d = rules.coverage
    four_ones_n, four_ones_d = rules.four_ones
    activities_n, activities_d = rules.activities
    hazards_n, hazards_d = rules.hazards
    target = rules.target
    charter_yes, charter_no, no_hazards = rules.charter_yes, rules.charter_no, rules.no_hazards
    no_points = red_points_of[Decimal(0)]
    no_hazard = (0, 0, 0)
    zero = Decimal(0)
    ranked = []
    for pk, (first, last, row) in scope.items():
        credit_code, charter = row[1], row[6]
        months = last - first
        covered = (covered_mask.get(pk, 0) & (bits[last] - bits[first])).bit_count()
        items = items_done.get(pk, 0)
        counted = activities.get(pk, 0)
        found, on_time, overdue = hazards.get(pk, no_hazard)
        # As before: no entries, or entries summing to 0.0, give the integer 0 (its "0").
        points_sum = points.get(pk) or zero
        substantiated = clues.get(pk, 0)

        coverage_points = ((2 * covered * coverage_n + months * coverage_d)
                           // (2 * months * coverage_d))
        charter_points = charter_yes if charter else charter_no
        four_ones = ((2 * items * four_ones_n + 4 * months * four_ones_d)
                     // (8 * months * four_ones_d))
        activity_points = ((2 * (target if counted > target else counted) * activities_n
                            + target * activities_d) // (2 * target * activities_d))
        hazard_points = (no_hazards if found == 0 else
                         (2 * on_time * hazards_n + found * hazards_d) // (2 * found * hazards_d))
        red_points = red_points_of[points_sum] if points_sum else no_points
        deductions = deduction[substantiated]
        total = (coverage_points + charter_points + four_ones + activity_points
                 + hazard_points + red_points - deductions)
        if total < 0:
            total = 0
        grade, high_enough = grades[total]
        ranked.append((-total, credit_code, InstitutionScore(
            pk, credit_code, row[2], row[3], year, counted, found, on_time, overdue,
            points_sum, substantiated, decimal[coverage_points], decimal[charter_points],
            decimal[four_ones], decimal[activity_points], decimal[hazard_points],
            decimal[red_points], decimal[deductions], decimal[total], grade,
            high_enough and substantiated == 0 and covered == months and overdue == 0,
            charter, (first, last), explanation,
        )))
    # Sorted on the integers (the key of the reports: total descending, then credit code);
    # a stable sort on the key alone, so the scores themselves are never compared.
    ranked.sort(key=_rank)
    return [score for _total, _code, score in ranked]


def score_region(*, region_path: str, year: int,
                 rubric: RubricValues = DEFAULT_RUBRIC) -> list[InstitutionScore]:
    """Scores of every institution in the region with this path and everything under it."""
    institutions = Institution.objects.filter(region__path__startswith=region_path)
    return score_institutions(institutions=institutions, year=year, rubric=rubric)
