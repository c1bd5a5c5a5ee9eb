"""The member list (today's branch and employer, filters, exports) and the member detail page."""

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from partybuild.organisation.services import member_transfer
from tests.factories import BranchFactory, InstitutionFactory, MembershipFactory
from tests.pages_data import build_county

LIST = reverse("organisation:member_list")


@pytest.fixture
def county(county_a, committee_a):
    return build_county(county_a, committee_a)


@pytest.fixture
def other_county(county_b, committee_b):
    return build_county(county_b, committee_b)


def rows_by_name(response) -> dict:
    return {row.record.name: row.record for row in response.context["table"].paginated_rows}


def detail_url(member) -> str:
    return reverse("organisation:member_detail", args=[member.pk])


@pytest.mark.parametrize("user_fixture", ["alice", "carol", "dave"])
def test_structure_readers_open_the_list_and_a_detail(client, county, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(LIST).status_code == 200
    assert client.get(detail_url(county.members["m1"])).status_code == 200


def test_the_outsider_sees_no_county_a_member_and_gets_404_for_one(client, county,
                                                                  other_county, eve):
    client.force_login(eve)
    assert all(name.startswith("资阳区") for name in rows_by_name(client.get(LIST)))
    assert client.get(detail_url(county.members["m1"])).status_code == 404


def test_instructors_are_refused_the_member_pages(client, county, bob):
    client.force_login(bob)
    assert client.get(LIST).status_code == 403
    assert client.get(detail_url(county.members["m1"])).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, county):
    for url in (LIST, detail_url(county.members["m1"])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_each_member_shows_todays_branch_and_employer(client, county, alice):
    client.force_login(alice)
    rows = rows_by_name(client.get(LIST))
    assert rows["赫山区刘洋"].branch_name == "赫山区第一联合党支部"
    assert rows["赫山区刘洋"].employer_name == "赫山区明德培训学校"
    assert rows["赫山区刘洋"].is_secretary_today
    assert rows["赫山区黄磊"].branch_name is None  # transferred out in 2022


@pytest.mark.parametrize(("query", "expected"), [
    ("status=probationary", {"杨帆", "何军"}),
    ("current=no", {"黄磊", "胡静"}),
    ("q=刘洋", {"刘洋"}),
])
def test_filters_narrow_the_list(client, county, alice, query, expected):
    client.force_login(alice)
    assert set(rows_by_name(client.get(f"{LIST}?{query}"))) == {f"赫山区{n}" for n in expected}


def test_the_branch_filter_uses_todays_branch(client, county, alice):
    client.force_login(alice)
    response = client.get(f"{LIST}?branch={county.branches['J1'].pk}")
    assert set(rows_by_name(response)) == {"赫山区刘洋", "赫山区陈芳", "赫山区杨帆"}


def test_a_member_moved_to_another_county_shows_no_branch_there(client, county, other_county,
                                                                alice, eve):
    member = county.members["m2"]
    member.memberships.update(end=date(2024, 1, 31))
    MembershipFactory(member=member, branch=other_county.branches["J1"], start=date(2024, 2, 1))
    client.force_login(alice)
    row = rows_by_name(client.get(LIST))["赫山区陈芳"]
    assert row.branch_name is None
    detail = client.get(detail_url(member)).context["detail"]
    assert [m.branch.name for m in detail.memberships] == ["赫山区第一联合党支部"]
    assert "资阳区" not in client.get(detail_url(member)).content.decode().split("<main")[1]
    client.force_login(eve)
    assert rows_by_name(client.get(LIST))["赫山区陈芳"].branch_name == "资阳区第一联合党支部"


def test_detail_shows_the_membership_history_after_a_transfer(client, county, alice):
    member = county.members["m3"]
    member_transfer(acting_user=alice, member=member, to_branch=county.branches["S1"],
                    on=date(2024, 4, 1))
    client.force_login(alice)
    response = client.get(detail_url(member))
    detail = response.context["detail"]
    assert [(m.branch.name, m.start, m.end) for m in detail.memberships] == [
        ("赫山区飞跃体育党支部", date(2024, 4, 1), None),
        ("赫山区第一联合党支部", date(2021, 3, 1), date(2024, 3, 31)),
    ]
    actions = [(e.action, e.target) for e in detail.timeline if e.user == "张丽"]
    assert ("新增", "赫山区飞跃体育党支部") in actions
    assert ("修改", "赫山区第一联合党支部") in actions


@pytest.fixture
def sixty(committee_a, county_a):
    branch = BranchFactory(committee=committee_a)
    employer = InstitutionFactory(region=county_a)
    for n in range(60):
        MembershipFactory(member__name=f"党员{n:02d}", branch=branch, employer=employer)


def test_the_list_takes_a_constant_number_of_queries(client, sixty, alice,
                                                     django_assert_max_num_queries):
    client.force_login(alice)
    with django_assert_max_num_queries(10):
        response = client.get(LIST)
    assert len(response.context["table"].paginated_rows) == 50


def test_csv_and_xlsx_exports_have_all_rows(client, sixty, alice):
    client.force_login(alice)
    text = client.get(f"{LIST}?_export=csv").content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:2] == ["党员编号", "姓名"] and len(rows) == 61
    assert rows[1][3] == "正式党员" and rows[1][7] == "否"
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(f"{LIST}?_export=xlsx").content)).active
    assert sheet.max_row == 61
