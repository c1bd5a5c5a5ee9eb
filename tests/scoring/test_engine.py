"""The rules of SCORING.md on small constructed cases, boundaries first."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from partybuild.activities.models import Activity
from partybuild.organisation.models import Institution
from partybuild.points.models import PointEntry
from partybuild.scoring.engine import months_in_scope, score_institutions, to_points
from partybuild.visits.models import Clue, Hazard, Visit
from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    CoverageFactory,
    InstitutionFactory,
    InstructorFactory,
)

YEAR = 2024


def score_of(institution, year=YEAR):
    scores = score_institutions(institutions=Institution.objects.filter(pk=institution.pk),
                                year=year)
    return scores[0] if scores else None


def visit(institution, instructor, day, items=("lesson", "policy", "hazard_check", "ledger"),
          **extra):
    return Visit.objects.create(instructor=instructor, institution=institution, date=day,
                                **{key: True for key in items}, **extra)


def hazard(institution, found_on, deadline, rectified_on=None, description=None):
    return Hazard.objects.create(
        institution=institution, found_on=found_on, deadline=deadline,
        rectified_on=rectified_on, category=Hazard.Category.FIRE,
        severity=Hazard.Severity.GENERAL,
        description=description or f"消防通道堵塞 {found_on} {deadline} {rectified_on}",
    )


@pytest.fixture
def instructor(db):
    return InstructorFactory()


@pytest.fixture
def branch(committee_a):
    return BranchFactory(committee=committee_a, founded_on=date(2020, 1, 1))


def test_half_up_rounding_is_exact_on_fractions():
    assert to_points(Fraction(10, 16)) == Decimal("0.63")
    assert to_points(Fraction(1, 3) * 20) == Decimal("6.67")
    assert to_points(Fraction(5, 1000)) == Decimal("0.01")
    assert to_points(Fraction(4, 1000)) == Decimal("0.00")


@pytest.mark.parametrize(("opened_on", "months"), [
    (date(YEAR, 3, 14), list(range(3, 13))),
    (date(YEAR, 3, 15), list(range(3, 13))),
    (date(YEAR, 3, 16), list(range(4, 13))),
])
def test_an_institution_opened_around_the_15th_is_in_scope_from_the_right_month(opened_on,
                                                                                 months):
    assert months_in_scope(opened_on, None, YEAR) == months


@pytest.mark.parametrize(("closed_on", "months"), [
    (date(YEAR, 6, 14), list(range(1, 6))),
    (date(YEAR, 6, 15), list(range(1, 7))),
    (date(YEAR, 6, 16), list(range(1, 7))),
])
def test_an_institution_closed_around_the_15th_leaves_scope_after_the_right_month(closed_on,
                                                                                   months):
    assert months_in_scope(date(2019, 1, 1), closed_on, YEAR) == months


def test_an_institution_closed_before_the_15th_of_january_gets_no_score(county_a):
    institution = InstitutionFactory(region=county_a, opened_on=date(2019, 1, 1),
                                     closed_on=date(YEAR, 1, 14))
    assert score_of(institution) is None


def test_coverage_ending_the_day_before_the_15th_leaves_that_month_uncovered(county_a, branch):
    institution = InstitutionFactory(region=county_a, opened_on=date(2019, 1, 1))
    CoverageFactory(branch=branch, institution=institution, start=date(2020, 1, 1),
                    end=date(YEAR, 5, 14))
    score = score_of(institution)
    assert score.covered_months == [1, 2, 3, 4]
    assert score.coverage == Decimal("6.67")  # 4/12 × 20
    assert score.red_list is False


def test_a_branch_dissolved_on_the_15th_still_covers_that_month(county_a, committee_a):
    branch = BranchFactory(committee=committee_a, founded_on=date(2020, 1, 1),
                           dissolved_on=date(YEAR, 5, 15))
    institution = InstitutionFactory(region=county_a, opened_on=date(2019, 1, 1))
    # The coverage itself runs on: only the branch's dissolution ends the cover.
    CoverageFactory(branch=branch, institution=institution, start=date(2020, 1, 1), end=None)
    score = score_of(institution)
    assert score.covered_months == [1, 2, 3, 4, 5]
    assert score.coverage == Decimal("8.33")


def test_items_spread_over_two_visits_complete_the_month(county_a, instructor):
    institution = InstitutionFactory(region=county_a, opened_on=date(2019, 1, 1))
    visit(institution, instructor, date(YEAR, 4, 3), items=("lesson", "policy"))
    visit(institution, instructor, date(YEAR, 4, 28), items=("hazard_check", "ledger", "lesson"))
    visit(institution, instructor, date(YEAR, 5, 2), items=("ledger",))
    score = score_of(institution)
    assert score.items_by_month == {4: 4, 5: 1}
    # (1 + 0.25) / 12 × 40 = 4.1666…
    assert score.four_ones == Decimal("4.17")


def test_visits_in_months_out_of_scope_do_not_count(county_a, instructor):
    institution = InstitutionFactory(region=county_a, opened_on=date(YEAR, 3, 16))
    visit(institution, instructor, date(YEAR, 3, 20))
    visit(institution, instructor, date(YEAR, 4, 20))
    score = score_of(institution)
    assert score.months == list(range(4, 13))
    assert score.four_ones == Decimal("4.44")  # 1/9 × 40


def test_an_activity_the_day_before_joining_a_joint_branch_does_not_count(county_a, branch):
    institution = InstitutionFactory(region=county_a, opened_on=date(2019, 1, 1))
    CoverageFactory(branch=branch, institution=institution, start=date(YEAR, 3, 10))
    for day, title in [(date(YEAR, 3, 9), "前一天"), (date(YEAR, 3, 10), "加入当天"),
                       (date(YEAR, 7, 1), "七一主题党日")]:
        Activity.objects.create(branch=branch, date=day, kind=Activity.Kind.THEME_DAY,
                                title=title)
    score = score_of(institution)
    assert score.activities_counted == 2
    assert score.activities == Decimal("2.50")  # 2/12 × 15


def test_activities_are_capped_at_twelve(county_a, branch):
    institution = InstitutionFactory(region=county_a, opened_on=date(2019, 1, 1))
    CoverageFactory(branch=branch, institution=institution, start=date(2020, 1, 1))
    for n in range(15):
        Activity.objects.create(branch=branch, date=date(YEAR, 1 + n % 12, 1 + n // 12),
                                kind=Activity.Kind.LECTURE, title=f"党课{n}")
    assert score_of(institution).activities == Decimal("15.00")


def test_sixteen_hazards_with_one_on_time_give_0_63(county_a):
    institution = InstitutionFactory(region=county_a, opened_on=date(2019, 1, 1))
    hazard(institution, date(YEAR, 2, 1), date(YEAR, 2, 10), date(YEAR, 2, 10))  # on the day
    for n in range(15):
        hazard(institution, date(YEAR, 3, 1 + n), date(YEAR, 3, 20), date(YEAR, 3, 21))
    score = score_of(institution)
    assert (score.hazards_found, score.hazards_on_time) == (16, 1)
    assert score.hazards == Decimal("0.63")


def test_no_hazard_found_gives_full_hazard_points(county_a):
    institution = InstitutionFactory(region=county_a, opened_on=date(2019, 1, 1))
    hazard(institution, date(YEAR - 1, 12, 1), date(YEAR - 1, 12, 20), date(YEAR - 1, 12, 30))
    assert score_of(institution).hazards == Decimal("10.00")


@pytest.mark.parametrize(("entries", "expected"), [
    (["6.5", "5.0"], "10.00"),
    (["3.5", "-1.0"], "2.50"),
    (["2.0", "-4.5"], "0.00"),
])
def test_red_list_points_are_clamped_between_0_and_10(county_a, entries, expected):
    institution = InstitutionFactory(region=county_a, opened_on=date(2019, 1, 1))
    for n, points in enumerate(entries):
        PointEntry.objects.create(institution=institution, date=date(YEAR, 5, 1 + n),
                                  points=Decimal(points), reason=f"事由{n}")
    PointEntry.objects.create(institution=institution, date=date(YEAR + 1, 1, 1),
                              points=Decimal("9.0"), reason="下一年度的积分不计入")
    assert score_of(institution).red_points == Decimal(expected)


def test_deductions_floor_the_total_at_zero(county_a):
    institution = InstitutionFactory(region=county_a, opened_on=date(2019, 1, 1),
                                     charter_includes_party_building=False)
    for n in range(3):
        Clue.objects.create(institution=institution, date=date(YEAR, 6, 1 + n),
                            description=f"违规收费线索{n}", substantiated=True)
    Clue.objects.create(institution=institution, date=date(YEAR, 7, 1),
                        description="未查实的线索", substantiated=False)
    score = score_of(institution)
    assert score.hazards == Decimal("10.00")
    assert score.deductions == Decimal("30.00")
    assert score.total == Decimal("0.00")
    assert score.grade == "不合格"


def full_marks(institution, branch, instructor):
    CoverageFactory(branch=branch, institution=institution, start=date(2020, 1, 1))
    AssignmentFactory(instructor=instructor, institution=institution, start=date(2020, 1, 1))
    for month in range(1, 13):
        visit(institution, instructor, date(YEAR, month, 5), case_talk=True)
        Activity.objects.create(branch=branch, date=date(YEAR, month, 8),
                                kind=Activity.Kind.COMMITTEE_MEETING, title=f"{month}月支委会")
    PointEntry.objects.create(institution=institution, date=date(YEAR, 9, 1),
                              points=Decimal("12.0"), reason="党建公益活动表彰")


def test_an_institution_with_everything_done_scores_100_and_is_on_the_red_list(
        county_a, branch, instructor):
    institution = InstitutionFactory(region=county_a, opened_on=date(2019, 1, 1))
    full_marks(institution, branch, instructor)
    score = score_of(institution)
    assert score.items == {key: Decimal(value) for key, value in [
        ("coverage", "20.00"), ("charter", "5.00"), ("four_ones", "40.00"),
        ("activities", "15.00"), ("hazards", "10.00"), ("red_points", "10.00")]}
    assert (score.total, score.grade, score.red_list) == (Decimal("100.00"), "优秀", True)


def test_a_hazard_from_an_earlier_year_still_overdue_keeps_it_off_the_red_list(
        county_a, branch, instructor):
    institution = InstitutionFactory(region=county_a, opened_on=date(2019, 1, 1))
    full_marks(institution, branch, instructor)
    hazard(institution, date(YEAR - 1, 11, 1), date(YEAR - 1, 11, 30))
    score = score_of(institution)
    assert score.total == Decimal("100.00")  # found last year: not in this year's H
    assert score.red_list is False


def test_a_hazard_rectified_after_the_year_end_was_overdue_on_31_december(
        county_a, branch, instructor):
    institution = InstitutionFactory(region=county_a, opened_on=date(2019, 1, 1))
    full_marks(institution, branch, instructor)
    hazard(institution, date(YEAR, 12, 1), date(YEAR, 12, 20), date(YEAR + 1, 1, 5))
    score = score_of(institution)
    assert score.hazards == Decimal("0.00")
    assert score.red_list is False


def test_a_hazard_due_on_31_december_is_not_yet_overdue(county_a, branch, instructor):
    institution = InstitutionFactory(region=county_a, opened_on=date(2019, 1, 1))
    full_marks(institution, branch, instructor)
    hazard(institution, date(YEAR - 1, 12, 1), date(YEAR, 12, 31))
    assert score_of(institution).red_list is True


def test_a_substantiated_clue_keeps_a_high_scorer_off_the_red_list(county_a, branch,
                                                                    instructor):
    institution = InstitutionFactory(region=county_a, opened_on=date(2019, 1, 1))
    full_marks(institution, branch, instructor)
    Clue.objects.create(institution=institution, date=date(YEAR, 6, 1),
                        description="超前收费", substantiated=True)
    score = score_of(institution)
    assert (score.total, score.red_list) == (Decimal("90.00"), False)


def test_scores_are_sorted_by_total_then_credit_code(county_a, branch, instructor):
    low = InstitutionFactory(region=county_a, opened_on=date(2019, 1, 1))
    ties = [InstitutionFactory(region=county_a, opened_on=date(2019, 1, 1)) for _ in range(2)]
    full_marks(ties[0], branch, instructor)
    other_branch = BranchFactory(committee=branch.committee, founded_on=date(2020, 1, 1))
    full_marks(ties[1], other_branch, InstructorFactory())
    scores = score_institutions(institutions=Institution.objects.all(), year=YEAR)
    assert [s.credit_code for s in scores] == sorted(t.credit_code for t in ties) + [
        low.credit_code]


def test_scoring_runs_a_constant_number_of_queries(county_a, branch, instructor,
                                                   django_assert_num_queries):
    def build(count):
        for _ in range(count):
            institution = InstitutionFactory(region=county_a, opened_on=date(2019, 1, 1))
            CoverageFactory(branch=BranchFactory(committee=branch.committee),
                            institution=institution)
            visit(institution, instructor, date(YEAR, 3, 3))
            hazard(institution, date(YEAR, 3, 3), date(YEAR, 3, 9), date(YEAR, 3, 8))

    build(3)
    with django_assert_num_queries(7):
        assert len(score_institutions(institutions=Institution.objects.all(), year=YEAR)) == 3
    build(60)
    with django_assert_num_queries(7):
        assert len(score_institutions(institutions=Institution.objects.all(), year=YEAR)) == 63
