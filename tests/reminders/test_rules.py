"""Each rule's boundaries: the day a reminder starts, and who receives it.

The county of the conftest (赫山区): alice is its staff, bob its instructor, carol its
reviewer; 陈敏 is the city's staff, the level above alice.
"""

from datetime import date, timedelta

import pytest

from partybuild.accounts.models import User
from partybuild.instructors.models import Instructor
from partybuild.reminders.models import RegionThresholds, Rule
from partybuild.reminders.rules import all_items
from partybuild.scoring.models import Inspection
from partybuild.visits.attention import awaiting_review_q
from partybuild.visits.models import Clue
from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    CoverageFactory,
    InstitutionFactory,
    UserFactory,
)
from tests.factories_activities import ActivityFactory
from tests.factories_visits import ClueFactory, HazardFactory, VisitFactory

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 24)


@pytest.fixture
def chen(city):
    return UserFactory(username="chenmin", display_name="陈敏", role=User.Role.STAFF,
                       region=city)


@pytest.fixture
def assigned(bob, institution_a):
    instructor = Instructor.objects.get(user=bob)
    AssignmentFactory(instructor=instructor, institution=institution_a, start=date(2026, 1, 1))
    return instructor


def items(today: date, rule: str) -> list[tuple[str, str, str]]:
    return [(item.recipient.username, item.text, item.url)
            for item in all_items(today) if item.rule == rule]


# Rule 1: the four ones of the month, from the 20th ----------------------------------------

def test_an_instructor_hears_of_an_unfinished_month_from_the_20th(assigned, institution_a):
    VisitFactory(instructor=assigned, institution=institution_a, date=date(2026, 11, 3),
                 lesson=True, policy=True)
    assert items(date(2026, 11, 19), Rule.VISIT_MONTH) == []
    assert items(date(2026, 11, 20), Rule.VISIT_MONTH) == [(
        "bob", "赫山区阳光艺术培训学校：11月“四个一”尚缺 2 项（排隐患、核台账）",
        f"/organisation/institutions/{institution_a.pk}/")]


def test_a_complete_month_is_not_reminded(assigned, institution_a):
    VisitFactory(instructor=assigned, institution=institution_a, date=date(2026, 11, 3),
                 lesson=True, policy=True, hazard_check=True, ledger=True)
    assert items(date(2026, 11, 25), Rule.VISIT_MONTH) == []


def test_a_region_may_start_the_month_reminder_on_another_day(assigned, county_a):
    RegionThresholds.objects.create(region=county_a, visit_from_day=25)
    assert items(date(2026, 11, 24), Rule.VISIT_MONTH) == []
    assert len(items(date(2026, 11, 25), Rule.VISIT_MONTH)) == 1


# Rule 2: hazards --------------------------------------------------------------------------

def test_a_hazard_due_within_3_days_goes_to_its_instructor(assigned, alice, institution_a):
    hazard = HazardFactory(institution=institution_a, instructor=assigned,
                           found_on=date(2026, 11, 1), deadline=DAY + timedelta(days=4),
                           description="二楼消防通道堆放杂物")
    assert items(DAY, Rule.HAZARD_DUE) == []
    assert items(DAY + timedelta(days=1), Rule.HAZARD_DUE) == [(
        "bob", "隐患赫山区阳光艺术培训学校“二楼消防通道堆放杂物”整改期限 2026-11-28（3 天后）到期",
        f"/visits/hazards/{hazard.pk}/")]


def test_an_overdue_hazard_goes_to_the_instructor_and_the_staff(assigned, alice, eve,
                                                                institution_a):
    HazardFactory(institution=institution_a, instructor=assigned, found_on=date(2026, 11, 1),
                  deadline=date(2026, 11, 23), description="灭火器过期")
    assert items(date(2026, 11, 23), Rule.HAZARD_OVERDUE) == []
    overdue = items(date(2026, 11, 24), Rule.HAZARD_OVERDUE)
    assert [who for who, _text, _url in overdue] == ["bob", "alice"]  # not eve: other county
    assert overdue[0][1] == ("隐患赫山区阳光艺术培训学校“灭火器过期”已逾期 1 天"
                             "（整改期限 2026-11-23）")


def test_a_hazard_overdue_14_days_goes_to_the_level_above(assigned, alice, chen, institution_a):
    HazardFactory(institution=institution_a, instructor=assigned, found_on=date(2026, 10, 1),
                  deadline=date(2026, 11, 1), description="灭火器过期")
    assert items(date(2026, 11, 14), Rule.HAZARD_ESCALATED) == []
    hazard = HazardFactory._meta.model.objects.get()
    assert items(date(2026, 11, 15), Rule.HAZARD_ESCALATED) == [(
        "chenmin", "隐患赫山区阳光艺术培训学校“灭火器过期”已逾期 14 天"
        "（整改期限 2026-11-01），超过 14 天仍未整改", f"/visits/hazards/{hazard.pk}/")]


def test_a_rectified_hazard_is_not_reminded(assigned, alice, institution_a):
    HazardFactory(institution=institution_a, instructor=assigned, found_on=date(2026, 11, 1),
                  deadline=date(2026, 11, 2), rectified_on=date(2026, 11, 2))
    assert [i for i in all_items(DAY) if i.rule.startswith("hazard")] == []


# Rule 3: clues ----------------------------------------------------------------------------

def test_a_clue_may_wait_7_days_before_the_staff_hear_of_it(alice, institution_a):
    clue = ClueFactory(institution=institution_a, date=date(2026, 11, 17),
                       description="疑似超范围招收学科类学员")
    assert items(date(2026, 11, 24), Rule.CLUE_REVIEW) == []
    assert items(date(2026, 11, 25), Rule.CLUE_REVIEW) == [(
        "alice", "线索：赫山区阳光艺术培训学校“疑似超范围招收学科类学员”（2026-11-17）8 天未核查",
        f"/visits/clues/{clue.pk}/")]
    clue.reviewed_on = date(2026, 11, 25)
    clue.save()
    assert items(date(2026, 11, 26), Rule.CLUE_REVIEW) == []


def test_the_reminder_starts_the_day_the_home_page_counts_the_clue(alice, institution_a):
    """One boundary: the day the reminder goes out, the staff home and the clue list's
    ?awaiting_review=1 count the clue too, and not the day before."""
    ClueFactory(institution=institution_a, date=date(2026, 11, 17))
    for day in (date(2026, 11, 24), date(2026, 11, 25)):
        reminded = bool(items(day, Rule.CLUE_REVIEW))
        counted = Clue.objects.filter(awaiting_review_q(day)).exists()
        assert reminded == counted, day


# Rule 4: 三同步 ---------------------------------------------------------------------------

def test_a_new_institution_30_days_after_opening_without_a_branch(alice, county_a):
    new = InstitutionFactory(name="赫山区新开美术培训学校", region=county_a,
                             opened_on=date(2026, 10, 24), charter_includes_party_building=False)
    assert items(date(2026, 11, 23), Rule.THREE_SYNC) == []
    assert items(date(2026, 11, 24), Rule.THREE_SYNC) == [(
        "alice", "新机构赫山区新开美术培训学校（2026-10-24 开办）三同步期限 2026-11-23 已过，"
        "尚缺：支部覆盖、党建指导员、党建入章程", f"/organisation/institutions/{new.pk}/")]
    CoverageFactory(institution=new, branch=BranchFactory(committee__region=county_a),
                    start=date(2026, 11, 24))
    assert "尚缺：党建指导员、党建入章程" in items(date(2026, 11, 25), Rule.THREE_SYNC)[0][1]


# Rule 5: inspections ----------------------------------------------------------------------

def test_unfinished_inspections_go_to_reviewers_from_1_december(carol, institution_a):
    assert items(date(2026, 11, 30), Rule.INSPECTION) == []
    assert items(date(2026, 12, 1), Rule.INSPECTION) == [(
        "carol", "赫山区阳光艺术培训学校：2026 年度年检尚未开始",
        f"/scores/2026/institutions/{institution_a.pk}/")]
    Inspection.objects.create(institution=institution_a, year=2026)
    assert items(date(2026, 12, 1), Rule.INSPECTION)[0][1] == \
        "赫山区阳光艺术培训学校：2026 年度年检尚未定稿"


# Rule 6: 三会一课 at the quarter's end ---------------------------------------------------

def test_a_branch_behind_its_cadence_is_reminded_after_the_quarter_ends(alice, committee_a):
    branch = BranchFactory(name="赫山区第一联合党支部", committee=committee_a,
                           founded_on=date(2020, 1, 1))
    for month in (7, 8, 9):
        ActivityFactory(branch=branch, kind="committee_meeting", date=date(2026, month, 5))
        ActivityFactory(branch=branch, kind="group_meeting", date=date(2026, month, 6))
    ActivityFactory(branch=branch, kind="assembly", date=date(2026, 8, 20))
    assert items(date(2026, 9, 30), Rule.CADENCE) == []
    assert items(date(2026, 10, 1), Rule.CADENCE) == [(
        "alice", "赫山区第一联合党支部：2026年第3季度三会一课未达要求（党课第三季度 0/1）",
        f"/organisation/branches/{branch.pk}/")]
    assert items(date(2026, 10, 15), Rule.CADENCE) != []
    assert items(date(2026, 10, 16), Rule.CADENCE) == []  # past the 15-day window
