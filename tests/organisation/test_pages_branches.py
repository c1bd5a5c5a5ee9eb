"""The branch list (today's counts, filters, exports) and the branch detail page."""

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from partybuild.organisation.models import Branch
from partybuild.organisation.services import branch_dissolve, secretary_set
from tests.factories import BranchFactory, CoverageFactory, MembershipFactory
from tests.pages_data import build_county

LIST = reverse("organisation:branch_list")


@pytest.fixture
def county(county_a, committee_a):
    return build_county(county_a, committee_a)


@pytest.fixture
def other_county(county_b, committee_b):
    return build_county(county_b, committee_b)


def rows_by_name(response) -> dict:
    return {row.record.name: row.record for row in response.context["table"].paginated_rows}


def detail_url(branch) -> str:
    return reverse("organisation:branch_detail", args=[branch.pk])


@pytest.mark.parametrize("user_fixture", ["alice", "carol", "dave"])
def test_structure_readers_open_the_list_and_a_detail(client, county, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(LIST).status_code == 200
    assert client.get(detail_url(county.branches["J1"])).status_code == 200


def test_the_outsider_sees_no_county_a_branch_and_gets_404_for_one(client, county, other_county,
                                                                  eve):
    client.force_login(eve)
    assert set(rows_by_name(client.get(LIST))) == {
        b.name for b in other_county.branches.values()}
    assert client.get(detail_url(county.branches["J1"])).status_code == 404


def test_instructors_are_refused_the_branch_pages(client, county, bob):
    client.force_login(bob)
    assert client.get(LIST).status_code == 403
    assert client.get(detail_url(county.branches["J1"])).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, county):
    for url in (LIST, detail_url(county.branches["J1"])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_each_branch_shows_todays_counts_and_secretary(client, county, alice):
    client.force_login(alice)
    rows = rows_by_name(client.get(LIST))
    j1, s2 = rows["赫山区第一联合党支部"], rows["赫山区启航党支部"]
    d1 = rows["赫山区第二联合党支部"]
    assert (j1.institutions_today, j1.members_today, j1.full_members_today) == (2, 3, 2)
    assert j1.secretary_name == "赫山区刘洋" and j1.active_today
    assert (s2.members_today, s2.full_members_today, s2.secretary_name) == (3, 2, None)
    assert not d1.active_today
    assert (d1.institutions_today, d1.members_today) == (0, 0)


@pytest.mark.parametrize(("query", "expected"), [
    ("kind=joint", {"J1", "D1"}),
    ("kind=standalone", {"S1", "S2"}),
    ("active=yes", {"J1", "S1", "S2"}),
    ("active=no", {"D1"}),
    ("active=yes&secretary=no", {"S2"}),
    ("active=yes&secretary=yes", {"J1", "S1"}),
    ("q=启航", {"S2"}),
])
def test_filters_narrow_the_list(client, county, alice, query, expected):
    client.force_login(alice)
    assert set(rows_by_name(client.get(f"{LIST}?{query}"))) == {
        county.branches[key].name for key in expected}


def test_the_committee_filter_offers_only_visible_committees(client, county, other_county,
                                                             alice, committee_a):
    client.force_login(alice)
    response = client.get(f"{LIST}?committee={committee_a.pk}")
    assert set(response.context["filter"].form.fields["committee"].queryset) == {committee_a}
    assert len(rows_by_name(response)) == 4


def test_sorting_by_members_today(client, county, alice):
    client.force_login(alice)
    rows = client.get(f"{LIST}?sort=-members_today").context["table"].paginated_rows
    counts = [row.record.members_today for row in rows]
    assert counts == sorted(counts, reverse=True)


def test_an_empty_list_tells_staff_to_found_a_branch(client, alice):
    client.force_login(alice)
    html = client.get(LIST).content.decode()
    assert "成立第一个支部" in html


@pytest.fixture
def sixty(committee_a, county_a):
    """Sixty branches, each covering an institution and with two members."""
    for n in range(60):
        branch = BranchFactory(name=f"赫山区第{n:02d}联合党支部", committee=committee_a)
        CoverageFactory(branch=branch, institution__region=county_a)
        MembershipFactory(branch=branch, is_secretary=True)
        MembershipFactory(branch=branch)


def test_the_list_takes_a_constant_number_of_queries(client, sixty, alice,
                                                     django_assert_max_num_queries):
    client.force_login(alice)
    with django_assert_max_num_queries(10):
        response = client.get(LIST)
    assert len(response.context["table"].paginated_rows) == 50


def test_csv_export_has_all_sixty_rows(client, sixty, alice):
    client.force_login(alice)
    text = client.get(f"{LIST}?_export=csv").content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][0] == "支部名称" and len(rows) == 61
    assert rows[1][6:9] == ["1", "2", "2"]


def test_xlsx_export_shows_kind_and_state_in_chinese(client, county, alice):
    client.force_login(alice)
    response = client.get(f"{LIST}?sort=name&_export=xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active
                .iter_rows(values_only=True))
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["赫山区第二联合党支部"][1] == "联合党支部"
    assert by_name["赫山区第二联合党支部"][5] == "已撤销"
    assert by_name["赫山区飞跃体育党支部"][9] == "赫山区赵敏"


def test_detail_shows_coverage_members_secretaries_and_pairings(client, county, alice):
    client.force_login(alice)
    response = client.get(detail_url(county.branches["J1"]))
    html = response.content.decode()
    detail = response.context["detail"]
    assert {m.member.name for m in detail.memberships} == {
        "赫山区刘洋", "赫山区陈芳", "赫山区杨帆", "赫山区黄磊"}
    assert "已转出" in html  # 黄磊 left in 2022
    assert [m.member.name for m in detail.secretaries] == ["赫山区刘洋"]
    assert "赫山区已停办培训学校" in html  # past coverage stays in the history
    assert "赫山区第1中学" in html and "赫山区第2中学" in html


def test_secretary_history_and_timeline_after_changing_the_secretary(client, county, alice):
    branch = county.branches["J1"]
    secretary_set(acting_user=alice, branch=branch, member=county.members["m2"],
                  on=date(2024, 5, 1))
    client.force_login(alice)
    detail = client.get(detail_url(branch)).context["detail"]
    assert [(m.member.name, m.start, m.end) for m in detail.secretaries] == [
        ("赫山区陈芳", date(2024, 5, 1), None),
        ("赫山区刘洋", date(2021, 3, 1), date(2024, 4, 30)),
    ]
    by_alice = [e for e in detail.timeline if e.user == "张丽"]
    assert {(e.action, e.subject) for e in by_alice} == {("修改", "组织关系"),
                                                         ("新增", "组织关系")}
    ended = next(e for e in by_alice if e.action == "修改" and e.target == "赫山区刘洋（"
                 + county.members["m1"].number + "）")
    assert [(c.label, c.old, c.new) for c in ended.changes] == [
        ("结束日期", "—", "2024-04-30")]


def test_a_dissolved_branch_detail_shows_its_state_and_ended_periods(client, county, alice):
    branch = county.branches["S2"]
    branch_dissolve(acting_user=alice, branch=branch, on=date(2024, 3, 31))
    client.force_login(alice)
    response = client.get(detail_url(branch))
    assert "已撤销" in response.content.decode()
    assert not any(c.holding_today for c in response.context["detail"].coverages)
    assert Branch.objects.get(pk=branch.pk).dissolved_on == date(2024, 3, 31)
