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
"""

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db import connections
from django.db.models import Case, Count, F, IntegerField, Max, Q, Sum, Value, When
from django.db.models.expressions import Func

from partybuild.activities.models import Activity  # noqa: F401 (the relation counted below)
from partybuild.organisation.models import Coverage, Institution
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


@dataclass
class InstitutionScore:
    """One institution's score for a year, with the figures that explain each item."""

    institution_id: int
    credit_code: str
    name: str
    region_code: str
    year: int
    months: list[int]
    covered_months: list[int]
    covering_branch_by_month: dict[int, str]
    items_by_month: dict[int, int]
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
    extra: dict = field(default_factory=dict)

    @property
    def items(self) -> dict[str, Decimal]:
        return {key: getattr(self, key) for key in ITEM_KEYS}


class _Month(Func):
    """The month of a date as an integer, natively on both databases (Django's ExtractMonth
    calls back into Python for every row on SQLite)."""

    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection,
                           template="CAST(strftime('%%%%m', %(expressions)s) AS integer)", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection,
                           template="CAST(EXTRACT(MONTH FROM %(expressions)s) AS integer)",
                           **extra)


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
        self.no_points = self.red_points(Decimal(0))
        # cents → the Decimal of the figure (20.00, not 20: as the pages print it).
        self.decimals = _Memo(lambda cents: Decimal(cents).scaleb(-2))
        # number of substantiated clues → the deduction in cents.
        self.deductions = _Memo(lambda clues: _as_cents(
            to_points(rubric.deduction_per_clue * clues)))
        # total in cents → (grade, whether the total reaches the red list).
        self.grades = _Memo(lambda cents: (grade_for(self.decimals[cents], rubric),
                                           self.decimals[cents] >= rubric.red_list_from))

    def red_points(self, points_sum: Decimal) -> int:
        return _as_cents(to_points(min(max(points_sum, Decimal(0)),
                                       self.rubric.red_points_max)))


def _rows(queryset) -> list[tuple]:
    """The queryset's rows as the driver returns them, skipping Django's conversion of every
    value of every row (most of the engine's time at 20,000 institutions). Only for columns
    the driver already returns as Django would: integers, text, dates and booleans (both
    backends parse dates and booleans themselves); a sum of decimals still goes through
    the ORM, which rounds SQLite's float sum to the field's places."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _flag(key: str) -> Max:
    return Max(Case(When(**{key: True}, then=Value(1)), default=Value(0)))


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
    # Unordered: the scores are sorted by total and credit code, which is unique, so the
    # queryset's order (a sort of 20,000 names in SQL) would not change the result.
    candidates = _rows(in_scope_somewhere.order_by().values_list(
        "pk", "credit_code", "name", "region__code", "opened_on", "closed_on",
        "charter_includes_party_building",
    ))
    if not candidates:
        return []
    # A subquery rather than a list of ids: 20,000 parameters would strain some databases.
    ids = in_scope_somewhere.values("pk")
    in_year = {"date__gte": year_start, "date__lte": year_end}

    # Coverage periods as month ranges: the first period (latest start first) that covers
    # the 15th of a month names the month's branch, as the explanation shows it.
    periods: dict[int, list[tuple[str, int, int]]] = {}
    for institution_id, branch_name, start, end, founded_on, dissolved_on in _rows(
            Coverage.objects.filter(institution_id__in=ids, start__lte=year_end)
            .filter(Q(end__isnull=True) | Q(end__gte=year_start))
            .values_list("institution_id", "branch__name", "start", "end",
                         "branch__founded_on", "branch__dissolved_on")):
        first = bisect_left(fifteenths, max(start, founded_on))
        if end is None or (dissolved_on is not None and dissolved_on < end):
            end = dissolved_on
        last = 12 if end is None else bisect_right(fifteenths, end)
        if first < last:
            periods.setdefault(institution_id, []).append((branch_name, first, last))

    # Distinct four-ones items per institution and month, counted in SQL.
    done_items = sum((_flag(key) for key in FOUR_ONES_KEYS[1:]), _flag(FOUR_ONES_KEYS[0]))
    items_by_institution: dict[int, dict[int, int]] = {}
    for institution_id, month, done in _rows(
            Visit.objects.filter(institution_id__in=ids, **in_year)
            .annotate(month=_Month("date")).order_by()
            .values_list("institution_id", "month").annotate(done=done_items)):
        by_month = items_by_institution.get(institution_id)
        if by_month is None:
            by_month = items_by_institution[institution_id] = {}
        by_month[month] = done

    # An activity counts for every institution its branch covered on the activity's date
    # (the branch active then); one join, distinct activities per institution.
    activity_date = F("branch__activities__date")
    activities = dict(_rows(
        Coverage.objects.filter(
            Q(end__isnull=True) | Q(end__gte=activity_date),
            Q(branch__dissolved_on__isnull=True) | Q(branch__dissolved_on__gte=activity_date),
            institution_id__in=ids, branch__activities__date__gte=year_start,
            branch__activities__date__lte=year_end, start__lte=activity_date,
            branch__founded_on__lte=activity_date,
        ).order_by().values("institution_id")
        .annotate(n=Count("branch__activities", distinct=True))
        .values_list("institution_id", "n")))

    found_in_year = Q(found_on__gte=year_start)
    hazards = {
        row[0]: row[1:] for row in _rows(
            Hazard.objects.filter(institution_id__in=ids, found_on__lte=year_end)
            .filter(found_in_year | Q(deadline__lt=year_end)).order_by()
            .values("institution_id")
            .annotate(
                found=Count("pk", filter=found_in_year),
                on_time=Count("pk", filter=found_in_year & Q(rectified_on__isnull=False,
                                                             rectified_on__lte=F("deadline"))),
                overdue=Count("pk", filter=Q(deadline__lt=year_end) & (
                    Q(rectified_on__isnull=True) | Q(rectified_on__gt=year_end))))
            .values_list("institution_id", "found", "on_time", "overdue"))
    }
    points = dict(
        PointEntry.objects.filter(institution_id__in=ids, **in_year).order_by()
        .values("institution_id").annotate(total=Sum("points"))
        .values_list("institution_id", "total")
    )
    clues = dict(_rows(
        Clue.objects.filter(institution_id__in=ids, substantiated=True, **in_year).order_by()
        .values("institution_id").annotate(n=Count("pk")).values_list("institution_id", "n")
    ))

    rules = _Rules(rubric)
    decimal, deduction, grades = rules.decimals, rules.deductions, rules.grades
    # Each ratio item is part / whole × maximum in cents, half up (see _cents), written out
    # in the loop below: at 20,000 institutions the function calls alone would cost more.
    coverage_n, coverage_d = rules.coverage
    four_ones_n, four_ones_d = rules.four_ones
    activities_n, activities_d = rules.activities
    hazards_n, hazards_d = rules.hazards
    target = rules.target
    charter_yes, charter_no, no_hazards = rules.charter_yes, rules.charter_no, rules.no_hazards
    no_hazard = (0, 0, 0)
    zero = Decimal(0)
    ranked = []
    for pk, credit_code, name, region_code, opened_on, closed_on, charter in candidates:
        first = bisect_left(fifteenths, opened_on)
        last = 12 if closed_on is None else bisect_right(fifteenths, closed_on)
        months = last - first
        if months <= 0:
            continue
        covering: dict[int, str] = {}
        for branch_name, start, end in periods.get(pk, ()):
            for index in range(max(start, first), min(end, last)):
                if index + 1 not in covering:
                    covering[index + 1] = branch_name
        if len(covering) > 1:
            covering = dict(sorted(covering.items()))
        covered = len(covering)
        by_month = items_by_institution.get(pk)
        if by_month is None:
            by_month, items_done = {}, 0
        elif months == 12:
            items_done = sum(by_month.values())
        else:
            items_done = sum(done for month, done in by_month.items() if first < month <= last)
        counted = activities.get(pk, 0)
        if counted > target:
            counted_points = target
        else:
            counted_points = counted
        found, on_time, overdue = hazards.get(pk, no_hazard)
        # As before: no entries, or entries summing to 0.0, give the integer 0 (its "0").
        points_sum = points.get(pk) or zero
        substantiated = clues.get(pk, 0)

        coverage = (2 * covered * coverage_n + months * coverage_d) // (2 * months * coverage_d)
        charter_points = charter_yes if charter else charter_no
        four_ones = ((2 * items_done * four_ones_n + 4 * months * four_ones_d)
                     // (8 * months * four_ones_d))
        activity_points = ((2 * counted_points * activities_n + target * activities_d)
                           // (2 * target * activities_d))
        hazard_points = (no_hazards if found == 0 else
                         (2 * on_time * hazards_n + found * hazards_d) // (2 * found * hazards_d))
        red_points = rules.red_points(points_sum) if points_sum else rules.no_points
        deductions = deduction[substantiated]
        total = (coverage + charter_points + four_ones + activity_points + hazard_points
                 + red_points - deductions)
        if total < 0:
            total = 0
        grade, high_enough = grades[total]
        score = InstitutionScore(
            pk, credit_code, name, region_code, year, list(range(first + 1, last + 1)),
            list(covering), covering, by_month, counted, found, on_time, overdue, points_sum,
            substantiated, decimal[coverage], decimal[charter_points], decimal[four_ones],
            decimal[activity_points], decimal[hazard_points], decimal[red_points],
            decimal[deductions], decimal[total], grade,
            high_enough and substantiated == 0 and covered == months and overdue == 0,
            charter,
        )
        ranked.append((-total, credit_code, score))
    # Sorted on the integers (the key of the reports: total descending, then credit code);
    # the index keeps equal keys in the queryset's order, as a stable sort of the scores did.
    ranked = [(key, code, index, score) for index, (key, code, score) in enumerate(ranked)]
    ranked.sort()
    return [score for *_key, score in ranked]


def score_region(*, region_path: str, year: int,
                 rubric: RubricValues = DEFAULT_RUBRIC) -> list[InstitutionScore]:
    """Scores of every institution in the region with this path and everything under it."""
    institutions = Institution.objects.filter(region__path__startswith=region_path)
    return score_institutions(institutions=institutions, year=year, rubric=rubric)
