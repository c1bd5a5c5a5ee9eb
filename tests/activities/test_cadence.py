"""The 三会一课 cadence: each required kind, period by period, for a chosen year."""

from datetime import date

import pytest

from partybuild.activities.models import Activity, CadenceRule
from partybuild.activities.selectors import branch_cadence, region_cadence
from tests.factories import BranchFactory
from tests.factories_activities import ActivityFactory

pytestmark = pytest.mark.django_db

DONE, MISSING, NOT_DUE, NOT_ACTIVE = "done", "missing", "not_due", "not_active"
END_OF_2025 = date(2026, 1, 15)
K = Activity.Kind


def grid(cadence) -> dict[str, list[str]]:
    return {row.rule.kind: [cell.state for cell in row.cells] for row in cadence.rows}


def hold(branch, kind, *days):
    for day in days:
        ActivityFactory(branch=branch, kind=kind, date=day)


def test_the_default_rules_are_those_of_the_branch_working_rules(db):
    assert {(r.kind, r.period, r.minimum) for r in CadenceRule.objects.all()} == {
        ("assembly", "quarter", 1), ("lecture", "quarter", 1),
        ("committee_meeting", "month", 1), ("group_meeting", "month", 1),
        ("life_meeting", "year", 1), ("appraisal", "year", 1),
    }


def test_a_branch_that_kept_every_rule_is_done_everywhere(committee_a):
    branch = BranchFactory(committee=committee_a, founded_on=date(2020, 1, 1))
    for month in range(1, 13):
        hold(branch, K.COMMITTEE_MEETING, date(2025, month, 5))
        hold(branch, K.GROUP_MEETING, date(2025, month, 6))
    for quarter_month in (2, 5, 8, 11):
        hold(branch, K.ASSEMBLY, date(2025, quarter_month, 10))
        hold(branch, K.LECTURE, date(2025, quarter_month, 11))
    hold(branch, K.LIFE_MEETING, date(2025, 1, 20))
    hold(branch, K.APPRAISAL, date(2025, 1, 21))
    cadence = branch_cadence(branch=branch, year=2025, today=END_OF_2025)
    assert all(state == DONE for states in grid(cadence).values() for state in states)
    assert cadence.missing == 0


def test_each_period_is_judged_on_its_own_activities(committee_a):
    branch = BranchFactory(committee=committee_a, founded_on=date(2020, 1, 1))
    # Two lectures in the first quarter do not make up for none in the second.
    hold(branch, K.LECTURE, date(2025, 1, 10), date(2025, 3, 31), date(2025, 7, 1),
         date(2025, 12, 31))
    hold(branch, K.COMMITTEE_MEETING, date(2025, 1, 31), date(2025, 2, 1))
    # A theme day is not a committee meeting.
    hold(branch, K.THEME_DAY, date(2025, 3, 15))
    states = grid(branch_cadence(branch=branch, year=2025, today=END_OF_2025))
    assert states["lecture"] == [DONE, MISSING, DONE, DONE]
    assert states["committee_meeting"] == [DONE, DONE] + [MISSING] * 10
    assert states["life_meeting"] == [MISSING]


def test_a_branch_founded_mid_year_owes_only_the_periods_from_its_founding(committee_a):
    branch = BranchFactory(committee=committee_a, founded_on=date(2025, 5, 20))
    hold(branch, K.ASSEMBLY, date(2025, 5, 20))
    hold(branch, K.COMMITTEE_MEETING, date(2025, 5, 25), date(2025, 6, 25))
    cadence = branch_cadence(branch=branch, year=2025, today=END_OF_2025)
    states = grid(cadence)
    # Founded on 20 May: May (a partial month) and the second quarter are owed.
    assert states["committee_meeting"] == [NOT_ACTIVE] * 4 + [DONE, DONE] + [MISSING] * 6
    assert states["assembly"] == [NOT_ACTIVE, DONE, MISSING, MISSING]
    assert states["lecture"] == [NOT_ACTIVE, MISSING, MISSING, MISSING]
    assert states["life_meeting"] == [MISSING]
    assert [row.required for row in cadence.rows if row.rule.kind == "group_meeting"] == [8]


def test_a_branch_dissolved_mid_year_owes_only_the_periods_it_lived_in(committee_a):
    branch = BranchFactory(committee=committee_a, founded_on=date(2020, 1, 1),
                           dissolved_on=date(2025, 4, 10))
    hold(branch, K.COMMITTEE_MEETING, date(2025, 1, 5), date(2025, 2, 5), date(2025, 3, 5))
    hold(branch, K.LECTURE, date(2025, 4, 9))
    states = grid(branch_cadence(branch=branch, year=2025, today=END_OF_2025))
    # Dissolved on 10 April: April and the second quarter are owed, nothing after.
    assert states["committee_meeting"] == [DONE, DONE, DONE, MISSING] + [NOT_ACTIVE] * 8
    assert states["lecture"] == [MISSING, DONE, NOT_ACTIVE, NOT_ACTIVE]
    assert states["appraisal"] == [MISSING]


def test_periods_not_yet_over_are_not_yet_due(committee_a):
    branch = BranchFactory(committee=committee_a, founded_on=date(2020, 1, 1))
    hold(branch, K.COMMITTEE_MEETING, date(2025, 5, 6))
    states = grid(branch_cadence(branch=branch, year=2025, today=date(2025, 5, 31)))
    # 31 May is the last day of May: the branch can still meet today.
    assert states["committee_meeting"] == [MISSING] * 4 + [DONE] + [NOT_DUE] * 7
    assert states["group_meeting"] == [MISSING] * 4 + [NOT_DUE] * 8
    assert states["assembly"] == [MISSING, NOT_DUE, NOT_DUE, NOT_DUE]
    assert states["life_meeting"] == [NOT_DUE]


def test_a_branch_dissolved_this_month_is_missing_once_its_last_day_has_passed(committee_a):
    branch = BranchFactory(committee=committee_a, founded_on=date(2020, 1, 1),
                           dissolved_on=date(2025, 5, 10))
    states = grid(branch_cadence(branch=branch, year=2025, today=date(2025, 5, 20)))
    assert states["committee_meeting"][4] == MISSING
    assert states["life_meeting"] == [MISSING]
    states = grid(branch_cadence(branch=branch, year=2025, today=date(2025, 5, 10)))
    assert states["committee_meeting"][4] == NOT_DUE


def test_changing_a_rule_changes_the_result(committee_a):
    branch = BranchFactory(committee=committee_a, founded_on=date(2020, 1, 1))
    hold(branch, K.LECTURE, date(2025, 2, 1), date(2025, 5, 1), date(2025, 8, 1),
         date(2025, 11, 1))
    assert grid(branch_cadence(branch=branch, year=2025, today=END_OF_2025))["lecture"] == [
        DONE] * 4
    CadenceRule.objects.filter(kind="lecture").update(period="month")
    assert grid(branch_cadence(branch=branch, year=2025, today=END_OF_2025))["lecture"] == [
        MISSING, DONE, MISSING, MISSING, DONE, MISSING, MISSING, DONE, MISSING, MISSING,
        DONE, MISSING]
    CadenceRule.objects.filter(kind="lecture").update(period="year", minimum=5)
    assert grid(branch_cadence(branch=branch, year=2025, today=END_OF_2025))["lecture"] == [
        MISSING]
    CadenceRule.objects.create(kind="theme_day", period="month", minimum=1)
    assert "theme_day" in grid(branch_cadence(branch=branch, year=2025, today=END_OF_2025))


def test_the_region_lists_branches_behind_their_cadence_most_missing_first(
        committee_a, committee_b, alice):
    diligent = BranchFactory(name="勤勉党支部", committee=committee_a,
                             founded_on=date(2020, 1, 1))
    for month in range(1, 13):
        hold(diligent, K.COMMITTEE_MEETING, date(2025, month, 5))
        hold(diligent, K.GROUP_MEETING, date(2025, month, 6))
    for quarter_month in (1, 4, 7, 10):
        hold(diligent, K.ASSEMBLY, date(2025, quarter_month, 10))
        hold(diligent, K.LECTURE, date(2025, quarter_month, 11))
    hold(diligent, K.LIFE_MEETING, date(2025, 12, 1))
    hold(diligent, K.APPRAISAL, date(2025, 12, 2))
    idle = BranchFactory(name="懈怠党支部", committee=committee_a, founded_on=date(2020, 1, 1))
    late = BranchFactory(name="新成立党支部", committee=committee_a,
                         founded_on=date(2025, 12, 1))
    BranchFactory(name="早已撤销党支部", committee=committee_a, founded_on=date(2020, 1, 1),
                  dissolved_on=date(2024, 12, 31))
    BranchFactory(name="外县党支部", committee=committee_b, founded_on=date(2020, 1, 1))
    result = region_cadence(user=alice, year=2025, today=END_OF_2025)
    assert result.branches_checked == 3
    assert [(c.branch, c.missing) for c in result.behind] == [
        (idle, 12 + 12 + 4 + 4 + 1 + 1), (late, 1 + 1 + 1 + 1 + 1 + 1)]
    kinds = [rule.kind for rule in result.rules]
    assert kinds == ["assembly", "committee_meeting", "group_meeting", "lecture",
                     "life_meeting", "appraisal"]
    assert [row.missing for row in result.behind[0].rows] == [4, 12, 12, 4, 1, 1]
