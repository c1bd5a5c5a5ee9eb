"""The integer engine against the previous Fraction engine (reference_engine.py), on
randomised but realistic regions: institutions opening and closing in the year, branches
founded and dissolved mid-year, coverages that change branch, visits, activities, hazards
(on time, late, open, overdue from the year before), red-list points and clues; several
years and rubric versions, including maxima that do not divide evenly. Every figure must be
identical to the cent, and so must the explanation the pages and PDFs show."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from partybuild.activities.models import Activity
from partybuild.organisation.models import Coverage, Institution
from partybuild.points.models import PointEntry
from partybuild.scoring.engine import score_institutions
from partybuild.scoring.rubric import DEFAULT_RUBRIC, RubricValues
from partybuild.visits.models import Clue, Hazard, Visit
from tests.factories import BranchFactory, InstitutionFactory, InstructorFactory

from . import reference_engine

YEARS = (2023, 2024, 2025)
RUBRICS = (
    DEFAULT_RUBRIC,
    # An administrator's version: odd maxima (thirds and sevenths round both ways), a lower
    # activity target and thresholds off the round numbers.
    RubricValues(coverage_max=Decimal("33.33"), charter_max=Decimal("1.67"),
                 four_ones_max=Decimal("35.00"), activities_max=Decimal("14.50"),
                 activities_target=7, hazards_max=Decimal("7.25"),
                 red_points_max=Decimal("8.25"), deduction_per_clue=Decimal("2.50"),
                 excellent_from=Decimal("85.5"), good_from=Decimal("70.25"),
                 pass_from=Decimal("55"), red_list_from=Decimal("80.01")),
    RubricValues(coverage_max=Decimal("0"), charter_max=Decimal("0"),
                 four_ones_max=Decimal("60"), activities_max=Decimal("25.10"),
                 activities_target=13, hazards_max=Decimal("4.90"),
                 red_points_max=Decimal("10"), deduction_per_clue=Decimal("0.35"),
                 excellent_from=Decimal("95"), good_from=Decimal("80"),
                 pass_from=Decimal("33.33"), red_list_from=Decimal("66.67")),
)
FIGURES = ("institution_id", "credit_code", "name", "region_code", "year", "months",
           "covered_months", "covering_branch_by_month", "items_by_month",
           "activities_counted", "hazards_found", "hazards_on_time",
           "overdue_hazards_at_year_end", "points_sum", "substantiated_clues", "coverage",
           "charter", "four_ones", "activities", "hazards", "red_points", "deductions",
           "total", "grade", "red_list", "charter_in_place", "extra")


def some_day(rng, first: date, last: date) -> date:
    last = max(first, last)
    return first + timedelta(days=rng.randint(0, (last - first).days))


def build_region(rng, county, committee, institutions: int) -> None:
    """A county's worth of records over 2022–2026, drawn from the seeded generator."""
    span = (date(2022, 1, 1), date(2026, 6, 30))
    branches = []
    for _ in range(max(3, institutions // 6)):
        founded = some_day(rng, date(2021, 1, 1), date(2025, 9, 1))
        dissolved = (some_day(rng, founded, date(2026, 6, 1)) if rng.random() < 0.25
                     else None)
        branches.append(BranchFactory(committee=committee, founded_on=founded,
                                      dissolved_on=dissolved))
    instructors = [InstructorFactory() for _ in range(4)]
    coverages, visits, hazards, points, clues, activities = [], [], [], [], [], []
    for index in range(institutions):
        opened = (date(2019, 1, 1) if rng.random() < 0.6
                  else some_day(rng, date(2022, 6, 1), date(2025, 12, 31)))
        closed = (some_day(rng, opened, date(2026, 6, 1)) if rng.random() < 0.2 else None)
        institution = InstitutionFactory(
            region=county, opened_on=opened, closed_on=closed,
            charter_includes_party_building=rng.random() < 0.7)
        # Zero to three coverage periods, possibly by different branches, some ended.
        start = some_day(rng, date(2021, 6, 1), date(2024, 6, 1))
        for _ in range(rng.choice((0, 1, 1, 1, 2, 3))):
            end = some_day(rng, start, date(2026, 3, 1)) if rng.random() < 0.5 else None
            coverages.append(Coverage(branch=rng.choice(branches), institution=institution,
                                      start=start, end=end))
            if end is None:
                break
            start = end + timedelta(days=rng.randint(1, 60))
        taken = set()
        # A diligent instructor visits every month; the others now and then.
        diligent = rng.random() < 0.5
        days = ([date(year, month, rng.randint(1, 28)) for year in YEARS
                 for month in range(1, 13) if rng.random() < 0.99] if diligent
                else [some_day(rng, *span) for _ in range(rng.randint(0, 40))])
        for day in days:
            instructor = rng.choice(instructors)
            if (day, instructor.pk) in taken:
                continue
            taken.add((day, instructor.pk))
            visits.append(Visit(instructor=instructor, institution=institution, date=day,
                                **{key: rng.random() < (0.99 if diligent else 0.5) for key in
                                   ("lesson", "policy", "hazard_check", "ledger")}))
        for number in range(rng.choice((0, 0, 1, 2, 4))):
            found = some_day(rng, *span)
            deadline = found + timedelta(days=rng.randint(0, 90))
            rectified = (found + timedelta(days=rng.randint(0, 120))
                         if rng.random() < 0.7 else None)
            hazards.append(Hazard(institution=institution, found_on=found, deadline=deadline,
                                  rectified_on=rectified, category=Hazard.Category.FIRE,
                                  severity=Hazard.Severity.GENERAL,
                                  description=f"隐患{index}-{number}"))
        for number in range(rng.choice((0, 0, 1, 3, 5))):
            points.append(PointEntry(
                institution=institution, date=some_day(rng, *span),
                points=Decimal(rng.choice((-30, -5, 5, 15, 25, 40, 65, 120, 35, 55))) / 10,
                reason=f"积分{index}-{number}"))
        for number in range(rng.choice((0, 0, 0, 0, 1, 2))):
            clues.append(Clue(institution=institution, date=some_day(rng, *span),
                              description=f"线索{index}-{number}",
                              substantiated=rng.random() < 0.5))
    for branch in branches:
        for number in range(rng.randint(0, 60)):
            activities.append(Activity(branch=branch, date=some_day(rng, *span),
                                       kind=Activity.Kind.THEME_DAY, title=f"活动{number}",
                                       attendees=10, description="学习"))
    Coverage.objects.bulk_create(coverages)
    Visit.objects.bulk_create(visits)
    Hazard.objects.bulk_create(hazards)
    PointEntry.objects.bulk_create(points)
    Clue.objects.bulk_create(clues)
    Activity.objects.bulk_create(activities)


def as_compared(score) -> dict:
    # str() as well: 20.00 and 20 are equal Decimals but print differently on the pages.
    return {key: (value, str(value)) for key in FIGURES
            for value in (getattr(score, key),)}


@pytest.mark.parametrize("seed", [16, 1016])
def test_the_integer_engine_gives_the_reference_figures(seed, county_a, county_b,
                                                        committee_a, committee_b):
    rng = random.Random(seed)
    build_region(rng, county_a, committee_a, 90)
    build_region(rng, county_b, committee_b, 60)
    checked = 0
    for year in YEARS:
        for rubric in RUBRICS:
            for institutions in (Institution.objects.all(),
                                 Institution.objects.filter(region=county_b)):
                expected = reference_engine.score_institutions(
                    institutions=institutions, year=year, rubric=rubric)
                actual = score_institutions(institutions=institutions, year=year,
                                            rubric=rubric)
                assert [as_compared(score) for score in actual] == [
                    as_compared(score) for score in expected], (year, rubric)
                checked += len(actual)
    # The data are not trivial: many scores, spread over every grade and both red-list sides.
    assert checked > 1000
    everything = score_institutions(institutions=Institution.objects.all(), year=2024)
    assert len({score.grade for score in everything}) >= 3
    assert any(score.red_list for score in everything)
    assert any(score.red_points for score in everything)
    assert any(score.deductions for score in everything)
    assert any(0 < len(score.covered_months) < len(score.months) for score in everything)
