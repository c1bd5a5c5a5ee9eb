"""A small city with known scores: the figures every report test looks for.

赫山区 (county A): 甲机构 (well run, 90.00, 优秀, red list, inspected) and 乙机构 (opened
1 July, 27.50); 资阳区 (county B): 丙机构 (uncovered, 15.00). Instructor 刘红 serves A's two.
"""

from datetime import date
from decimal import Decimal

import pytest

from partybuild.activities.models import Activity
from partybuild.organisation.models import SchoolBranch
from partybuild.scoring.models import Inspection
from partybuild.visits.models import Clue, Hazard, Visit
from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    CoverageFactory,
    InstitutionFactory,
    InstructorFactory,
    MembershipFactory,
    PairingFactory,
)

YEAR = 2024


@pytest.fixture
def small_city(county_a, county_b, committee_a, committee_b):
    """(甲, 乙, 丙): the records of tests/scoring/test_commands.py plus an inspection."""
    instructor = InstructorFactory(name="刘红", source_org="赫山区第一中学", title="副校长",
                                   phone="13900001111",
                                   phone_publish_consent=True)
    branch_a = BranchFactory(committee=committee_a, name="赫山区培训机构联合党支部",
                             founded_on=date(2020, 1, 1))
    good = InstitutionFactory(region=county_a, name="甲机构", opened_on=date(2019, 1, 1))
    weak = InstitutionFactory(region=county_a, name="乙机构", opened_on=date(YEAR, 7, 1),
                              charter_includes_party_building=False)
    other = InstitutionFactory(region=county_b, name="丙机构", opened_on=date(2019, 1, 1))
    for institution in (good, weak):
        CoverageFactory(branch=branch_a, institution=institution, start=institution.opened_on)
        AssignmentFactory(instructor=instructor, institution=institution,
                          start=institution.opened_on)
    MembershipFactory(branch=branch_a, is_secretary=True, start=date(2020, 1, 1))
    MembershipFactory(branch=branch_a, start=date(2020, 1, 1), end=date(YEAR, 6, 30))
    school_branch = SchoolBranch.objects.create(name="第一党支部", school="赫山区第一中学")
    PairingFactory(branch=branch_a, school_branch=school_branch, start=date(2022, 1, 1))
    for month in range(1, 13):
        Visit.objects.create(instructor=instructor, institution=good, date=date(YEAR, month, 3),
                             lesson=True, policy=True, hazard_check=True, ledger=True,
                             case_talk=month % 2 == 0)
        Activity.objects.create(branch=branch_a, date=date(YEAR, month, 9),
                                kind=Activity.Kind.PAIRING if month < 4 else Activity.Kind.LECTURE,
                                school_branch=school_branch if month < 4 else None,
                                title=f"{month}月活动")
    Hazard.objects.create(institution=weak, found_on=date(YEAR, 8, 1), deadline=date(YEAR, 8, 31),
                          rectified_on=date(YEAR, 8, 20), category="fire", severity="general",
                          description="灭火器过期")
    Clue.objects.create(institution=weak, date=date(YEAR, 9, 1), description="无证办学",
                        substantiated=True, enforcement=True)
    BranchFactory(committee=committee_b, kind="standalone", founded_on=date(2020, 1, 1))
    Inspection.objects.create(
        institution=good, year=YEAR, party_building_computed=Decimal("90.00"),
        conditions=Decimal("80"), conditions_comment="教室宽敞明亮", teaching=Decimal("90"),
        finance=Decimal("70"), safety=Decimal("100"),
    )
    return good, weak, other
