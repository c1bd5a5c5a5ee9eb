"""The floor of the scoring engine: the same figures from hand-written SQL and plain Python.

Seven raw queries over the whole database (every institution, as the yearly run scores
them), each returning only the tuples or counts the rubric needs, and integer cents. No
ORM, no model rows, no explanation objects: nothing the engine could do faster by hand.
bench_scoring.py asserts that its figures equal the engine's, to the cent.
"""

from bisect import bisect_left, bisect_right
from datetime import date
from decimal import Context, Decimal
from fractions import Fraction

from django.db import connection

from partybuild.activities.models import Activity
from partybuild.organisation.models import Branch, Coverage, Institution
from partybuild.points.models import PointEntry
from partybuild.scoring.rubric import RubricValues, grade_for
from partybuild.visits.models import Clue, Hazard, Visit

# (institution_id, months in scope, coverage, charter, four_ones, activities, hazards, red_points,
#  deductions, total — all in cents —, grade, red_list)
FloorScore = tuple


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _half_up_cents(value: Fraction) -> int:
    return (value * 100 + Fraction(1, 2)).__floor__()


def floor_scores(*, year: int, rubric: RubricValues) -> list[FloorScore]:
    sqlite = connection.vendor == "sqlite"
    fifteenths = [date(year, month, 15) for month in range(1, 13)]
    start, end = date(year, 1, 1), date(year, 12, 31)
    institution, coverage, branch = _table(Institution), _table(Coverage), _table(Branch)
    visit, activity, hazard = _table(Visit), _table(Activity), _table(Hazard)
    points_table, clue = _table(PointEntry), _table(Clue)
    month = ("CAST(strftime('%%m', date) AS integer)" if sqlite
             else "CAST(EXTRACT(MONTH FROM date) AS integer)")
    flag = "MAX({})" if sqlite else "MAX({}::integer)"
    done = " + ".join(flag.format(key) for key in ("lesson", "policy", "hazard_check",
                                                   "ledger"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, credit_code, opened_on, closed_on, charter_includes_party_building "
            f"FROM {institution} WHERE opened_on <= %s AND (closed_on IS NULL OR closed_on >= %s)",
            [fifteenths[-1], fifteenths[0]])
        candidates = cursor.fetchall()
        cursor.execute(
            f'SELECT c.institution_id, c.start, c."end", b.founded_on, b.dissolved_on '
            f"FROM {coverage} c JOIN {branch} b ON b.id = c.branch_id "
            f'WHERE c.start <= %s AND (c."end" IS NULL OR c."end" >= %s)', [end, start])
        periods = cursor.fetchall()
        cursor.execute(
            f"SELECT institution_id, {month}, {done} FROM {visit} "
            f"WHERE date >= %s AND date <= %s GROUP BY 1, 2", [start, end])
        visits = cursor.fetchall()
        cursor.execute(
            f"SELECT c.institution_id, COUNT(DISTINCT a.id) FROM {activity} a "
            f"JOIN {branch} b ON b.id = a.branch_id JOIN {coverage} c ON c.branch_id = b.id "
            f'WHERE a.date >= %s AND a.date <= %s AND c.start <= a.date '
            f'AND (c."end" IS NULL OR a.date <= c."end") AND b.founded_on <= a.date '
            f"AND (b.dissolved_on IS NULL OR a.date <= b.dissolved_on) GROUP BY 1",
            [start, end])
        activities = dict(cursor.fetchall())
        cursor.execute(
            f"SELECT institution_id, "
            f"SUM(CASE WHEN found_on >= %s THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN found_on >= %s AND rectified_on <= deadline THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN deadline < %s AND (rectified_on IS NULL OR rectified_on > %s) "
            f"THEN 1 ELSE 0 END) FROM {hazard} "
            f"WHERE found_on <= %s AND (found_on >= %s OR deadline < %s) GROUP BY 1",
            [start, start, end, end, end, start, end])
        hazards = {row[0]: row[1:] for row in cursor.fetchall()}
        cursor.execute(f"SELECT institution_id, SUM(points) FROM {points_table} "
                       f"WHERE date >= %s AND date <= %s GROUP BY 1", [start, end])
        points = cursor.fetchall()
        cursor.execute(f"SELECT institution_id, COUNT(*) FROM {clue} WHERE substantiated "
                       f"AND date >= %s AND date <= %s GROUP BY 1", [start, end])
        clues = dict(cursor.fetchall())

    def as_date(value):
        return date.fromisoformat(value) if isinstance(value, str) else value

    # SQLite sums decimals as floats; read them back as Django does (15 digits, one decimal).
    context = Context(prec=15)
    points_sum = {
        pk: (context.create_decimal_from_float(total).quantize(Decimal("0.1"))
             if isinstance(total, float) else Decimal(total))
        for pk, total in points}

    scope = {}
    for pk, code, opened_on, closed_on, charter in candidates:
        first = bisect_left(fifteenths, as_date(opened_on))
        last = 12 if closed_on is None else bisect_right(fifteenths, as_date(closed_on))
        if first < last:
            scope[pk] = (first, last, code, charter)
    covered_mask: dict[int, int] = {}
    for pk, begin, finish, founded_on, dissolved_on in periods:
        low = max(as_date(begin), as_date(founded_on))
        ends = [as_date(day) for day in (finish, dissolved_on) if day is not None]
        first = bisect_left(fifteenths, low)
        last = bisect_right(fifteenths, min(ends)) if ends else 12
        if first < last:
            covered_mask[pk] = covered_mask.get(pk, 0) | ((1 << last) - (1 << first))
    items_done: dict[int, int] = {}
    for pk, month_number, count in visits:
        found = scope.get(pk)
        if found is not None and found[0] < month_number <= found[1]:
            items_done[pk] = items_done.get(pk, 0) + count

    def scale(value) -> tuple[int, int]:
        scaled = Fraction(value) * 100
        return scaled.numerator, scaled.denominator

    def cents(part: int, whole: int, scaled: tuple[int, int]) -> int:
        """part / whole × maximum, in cents, half up: integers only."""
        numerator, denominator = scaled
        return (2 * part * numerator + whole * denominator) // (2 * whole * denominator)

    coverage_max, four_ones_max = scale(rubric.coverage_max), scale(rubric.four_ones_max)
    activities_max, hazards_max = scale(rubric.activities_max), scale(rubric.hazards_max)
    charter_max = int(Decimal(rubric.charter_max).quantize(Decimal("0.01")) * 100)
    no_hazard_points = int(Decimal(rubric.hazards_max).quantize(Decimal("0.01")) * 100)
    target, red_max = rubric.activities_target, Decimal(rubric.red_points_max)
    thresholds: dict[int, tuple[str, bool]] = {}
    scores = []
    for pk, (first, last, code, charter) in scope.items():
        months = last - first
        covered = (covered_mask.get(pk, 0) & ((1 << last) - (1 << first))).bit_count()
        found, on_time, overdue = hazards.get(pk, (0, 0, 0))
        clue_count = clues.get(pk, 0)
        points = points_sum.get(pk)
        items = (
            cents(covered, months, coverage_max),
            charter_max if charter else 0,
            cents(items_done.get(pk, 0), 4 * months, four_ones_max),
            cents(min(activities.get(pk, 0), target), target, activities_max),
            cents(on_time, found, hazards_max) if found else no_hazard_points,
            _half_up_cents(Fraction(min(max(points, Decimal(0)), red_max))) if points else 0,
        )
        deductions = (_half_up_cents(Fraction(Decimal(rubric.deduction_per_clue) * clue_count))
                      if clue_count else 0)
        total = max(sum(items) - deductions, 0)
        if total not in thresholds:
            decimal_total = Decimal(total) / 100
            thresholds[total] = (grade_for(decimal_total, rubric),
                                 decimal_total >= rubric.red_list_from)
        grade, high = thresholds[total]
        scores.append((pk, months, *items, deductions, total, grade,
                       high and clue_count == 0 and covered == months and overdue == 0, code))
    scores.sort(key=lambda row: (-row[9], row[12]))
    return [row[:12] for row in scores]


def engine_figures(scores) -> list[FloorScore]:
    """The engine's scores in the floor's shape, to compare them."""
    return [(score.institution_id, len(score.months), *(int(getattr(score, key) * 100) for key in (
        "coverage", "charter", "four_ones", "activities", "hazards", "red_points",
        "deductions", "total")), score.grade, score.red_list) for score in scores]
