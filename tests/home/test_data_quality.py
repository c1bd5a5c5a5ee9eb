"""The gaps page's data-quality lists: members without a branch, one school written several
ways, instructors leaving within 30 days with nobody to take over."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    InstitutionFactory,
    MemberFactory,
    MembershipFactory,
    PairingFactory,
    SchoolBranchFactory,
)

GAPS = reverse("coverage_gaps")


@pytest.fixture
def today():
    return timezone.localdate()


def page(client, user):
    client.force_login(user)
    response = client.get(GAPS)
    assert response.status_code == 200
    return response


def test_members_of_a_dissolved_branch_are_listed_with_where_they_were(
        client, alice, committee_a, committee_b, today):
    dissolved = BranchFactory(name="赫山区第三联合党支部", committee=committee_a,
                              dissolved_on=today - timedelta(days=10))
    MembershipFactory(branch=dissolved, member=MemberFactory(name="黄磊"),
                      end=today - timedelta(days=10))
    MembershipFactory(branch=BranchFactory(committee=committee_a),
                      member=MemberFactory(name="王芳"))
    other = BranchFactory(committee=committee_b, dissolved_on=today - timedelta(days=5))
    MembershipFactory(branch=other, member=MemberFactory(name="资阳党员"),
                      end=today - timedelta(days=5))
    response = page(client, alice)
    rows = [(m.name, m.last_branch_name) for m in response.context["without_branch"]]
    assert rows == [("黄磊", "赫山区第三联合党支部")]
    assert "资阳党员" not in response.content.decode()


def test_one_school_written_two_ways_is_flagged(client, alice, committee_a):
    branch = BranchFactory(committee=committee_a)
    PairingFactory(branch=branch, school_branch=SchoolBranchFactory(school="益阳市第一中学"))
    PairingFactory(branch=BranchFactory(committee=committee_a),
                   school_branch=SchoolBranchFactory(school="益阳市 第一中学"))
    PairingFactory(branch=BranchFactory(committee=committee_a),
                   school_branch=SchoolBranchFactory(school="益阳市第二中学"))
    groups = page(client, alice).context["school_spellings"]
    assert [sorted(p.school_branch.school for p in pairings) for _, pairings in groups] == [
        ["益阳市 第一中学", "益阳市第一中学"]]


def test_an_assignment_ending_within_30_days_without_successor_links_to_assign_one(
        client, alice, county_a, today):
    leaving = InstitutionFactory(name="赫山区启航培训学校", region=county_a)
    AssignmentFactory(institution=leaving, end=today + timedelta(days=20))
    handed_over = InstitutionFactory(name="赫山区书香培训学校", region=county_a)
    AssignmentFactory(institution=handed_over, end=today + timedelta(days=10))
    AssignmentFactory(institution=handed_over, start=today + timedelta(days=11))
    later = InstitutionFactory(name="赫山区博雅培训学校", region=county_a)
    AssignmentFactory(institution=later, end=today + timedelta(days=45))
    response = page(client, alice)
    assert [a.institution.name for a in response.context["ending_soon"]] == ["赫山区启航培训学校"]
    assert (f"{reverse('instructors:assignment_create')}?institution={leaving.pk}"
            f"&amp;next=/gaps/") in response.content.decode()


def test_an_empty_city_shows_every_data_quality_list_as_clean(client, alice):
    text = page(client, alice).content.decode()
    assert "所有党员都有所在支部。" in text
    assert "结对学校的名称写法一致。" in text
    assert "没有即将结束且无人接任的派驻。" in text
