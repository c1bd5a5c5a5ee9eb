"""The scoring engine as it was before issue 16 (Fraction arithmetic on ORM dicts), kept
unchanged as the slow reference the fast engine is compared with (test_engine_reference.py).
Not used by the product."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractMonth

from partybuild.activities.models import Activity
from partybuild.organisation.models import Coverage, Institution
from partybuild.points.models import PointEntry
from partybuild.scoring.rubric import DEFAULT_RUBRIC, RubricValues, grade_for
from partybuild.visits.models import FOUR_ONES, Clue, Hazard, Visit

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


def _score(score: InstitutionScore, rubric: RubricValues) -> InstitutionScore:
    months = len(score.months)
    score.coverage = to_points(Fraction(len(score.covered_months), months)
                               * Fraction(rubric.coverage_max))
    score.charter = to_points(rubric.charter_max if score.charter_in_place else 0)
    items_done = sum(score.items_by_month.get(month, 0) for month in score.months)
    score.four_ones = to_points(Fraction(items_done, 4 * months) * Fraction(rubric.four_ones_max))
    counted = min(score.activities_counted, rubric.activities_target)
    score.activities = to_points(Fraction(counted, rubric.activities_target)
                                 * Fraction(rubric.activities_max))
    if score.hazards_found == 0:
        score.hazards = to_points(rubric.hazards_max)
    else:
        score.hazards = to_points(Fraction(score.hazards_on_time, score.hazards_found)
                                  * Fraction(rubric.hazards_max))
    score.red_points = to_points(min(max(score.points_sum, Decimal(0)), rubric.red_points_max))
    score.deductions = to_points(rubric.deduction_per_clue * score.substantiated_clues)
    total = sum(score.items.values(), Decimal(0)) - score.deductions
    score.total = max(total, Decimal(0)).quantize(CENT)
    score.grade = grade_for(score.total, rubric)
    score.red_list = (
        score.total >= rubric.red_list_from
        and score.substantiated_clues == 0
        and len(score.covered_months) == months
        and score.overdue_hazards_at_year_end == 0
    )
    return score


def score_institutions(*, institutions, year: int,
                       rubric: RubricValues = DEFAULT_RUBRIC) -> list[InstitutionScore]:
    """Score every institution of the queryset that has a month in scope in the year.

    Seven queries whatever the number of institutions. Sorted by total descending, then
    credit code, as the reports list them.
    """
    first_15th, last_15th = date(year, 1, 15), date(year, 12, 15)
    year_start, year_end = date(year, 1, 1), date(year, 12, 31)
    in_scope_somewhere = (institutions.filter(opened_on__lte=last_15th)
                          .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=first_15th)))
    candidates = list(in_scope_somewhere.values(
        "pk", "credit_code", "name", "region__code", "opened_on", "closed_on",
        "charter_includes_party_building",
    ))
    if not candidates:
        return []
    # A subquery rather than a list of ids: 20,000 parameters would strain some databases.
    ids = in_scope_somewhere.values("pk")
    in_year = {"date__gte": year_start, "date__lte": year_end}

    coverage_by_institution: dict[int, list[CoveragePeriod]] = defaultdict(list)
    branches_covering: dict[int, list[CoveragePeriod]] = defaultdict(list)
    coverages_in_year = (Coverage.objects.filter(institution_id__in=ids, start__lte=year_end)
                         .filter(Q(end__isnull=True) | Q(end__gte=year_start)))
    for row in coverages_in_year.values("institution_id", "branch_id", "branch__name", "start",
                                        "end", "branch__founded_on", "branch__dissolved_on"):
        period = CoveragePeriod(row["branch_id"], row["branch__name"], row["start"], row["end"],
                                row["branch__founded_on"], row["branch__dissolved_on"])
        coverage_by_institution[row["institution_id"]].append(period)
        branches_covering[row["branch_id"]].append(period)

    items_by_institution: dict[int, dict[int, int]] = defaultdict(dict)
    item_counts = {key: Count("pk", filter=Q(**{key: True})) for key in FOUR_ONES_KEYS}
    for row in (Visit.objects.filter(institution_id__in=ids, **in_year)
                .annotate(month=ExtractMonth("date")).order_by()
                .values("institution_id", "month").annotate(**item_counts)):
        done = sum(1 for key in FOUR_ONES_KEYS if row[key])
        items_by_institution[row["institution_id"]][row["month"]] = done

    # An activity counts for every institution its branch covered on the activity's date.
    activity_ids_by_institution: dict[int, set[int]] = defaultdict(set)
    institution_of_period = {
        id(period): institution_id
        for institution_id, periods in coverage_by_institution.items() for period in periods
    }
    for row in (Activity.objects.filter(branch_id__in=coverages_in_year.values("branch_id"),
                                        **in_year)
                .values("pk", "branch_id", "date")):
        for period in branches_covering[row["branch_id"]]:
            if period.covers_on(row["date"]):
                activity_ids_by_institution[institution_of_period[id(period)]].add(row["pk"])

    hazards_found: dict[int, int] = defaultdict(int)
    hazards_on_time: dict[int, int] = defaultdict(int)
    overdue: dict[int, int] = defaultdict(int)
    for row in (Hazard.objects.filter(institution_id__in=ids, found_on__lte=year_end)
                .filter(Q(found_on__gte=year_start) | Q(deadline__lt=year_end))
                .values("institution_id", "found_on", "deadline", "rectified_on")):
        institution_id, rectified_on = row["institution_id"], row["rectified_on"]
        if row["found_on"] >= year_start:
            hazards_found[institution_id] += 1
            if rectified_on is not None and rectified_on <= row["deadline"]:
                hazards_on_time[institution_id] += 1
        if row["deadline"] < year_end and (rectified_on is None or rectified_on > year_end):
            overdue[institution_id] += 1

    points = dict(
        PointEntry.objects.filter(institution_id__in=ids, **in_year).order_by()
        .values("institution_id").annotate(total=Sum("points"))
        .values_list("institution_id", "total")
    )
    clues = dict(
        Clue.objects.filter(institution_id__in=ids, substantiated=True, **in_year).order_by()
        .values("institution_id").annotate(n=Count("pk")).values_list("institution_id", "n")
    )

    scores = []
    for row in candidates:
        months = months_in_scope(row["opened_on"], row["closed_on"], year)
        if not months:
            continue
        pk = row["pk"]
        covering = {}
        for month in months:
            fifteenth = date(year, month, 15)
            for period in coverage_by_institution.get(pk, ()):
                if period.covers_on(fifteenth):
                    covering[month] = period.branch_name
                    break
        score = InstitutionScore(
            institution_id=pk, credit_code=row["credit_code"], name=row["name"],
            region_code=row["region__code"], year=year, months=months,
            covered_months=sorted(covering), covering_branch_by_month=covering,
            items_by_month=dict(sorted(items_by_institution.get(pk, {}).items())),
            activities_counted=len(activity_ids_by_institution.get(pk, ())),
            hazards_found=hazards_found.get(pk, 0), hazards_on_time=hazards_on_time.get(pk, 0),
            overdue_hazards_at_year_end=overdue.get(pk, 0),
            points_sum=Decimal(points.get(pk) or 0), substantiated_clues=clues.get(pk, 0),
            charter_in_place=row["charter_includes_party_building"],
        )
        scores.append(_score(score, rubric))
    scores.sort(key=lambda s: (-s.total, s.credit_code))
    return scores


def score_region(*, region_path: str, year: int,
                 rubric: RubricValues = DEFAULT_RUBRIC) -> list[InstitutionScore]:
    """Scores of every institution in the region with this path and everything under it."""
    institutions = Institution.objects.filter(region__path__startswith=region_path)
    return score_institutions(institutions=institutions, year=year, rubric=rubric)
