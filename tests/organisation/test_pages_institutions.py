"""The institution list (filters, sorting, paging, exports) and the institution detail page."""

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from partybuild.organisation.models import Institution
from partybuild.organisation.services import coverage_add, institution_update
from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    CoverageFactory,
    InstitutionFactory,
    InstructorFactory,
)
from tests.pages_data import build_county

LIST = reverse("organisation:institution_list")


@pytest.fixture
def county(county_a, committee_a):
    return build_county(county_a, committee_a)


@pytest.fixture
def other_county(county_b, committee_b):
    return build_county(county_b, committee_b)


def names(response) -> set[str]:
    return {row.record.name for row in response.context["table"].paginated_rows}


def detail_url(institution) -> str:
    return reverse("organisation:institution_detail", args=[institution.pk])


# Access --------------------------------------------------------------------------------


@pytest.mark.parametrize("user_fixture", ["alice", "carol", "dave"])
def test_staff_reviewers_and_admins_open_the_list(client, county, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(LIST)
    assert response.status_code == 200
    assert "赫山区明德培训学校" in response.content.decode()


def test_the_outsider_does_not_see_county_a_rows(client, county, other_county, eve):
    client.force_login(eve)
    response = client.get(LIST)
    assert response.status_code == 200
    assert names(response) == {i.name for i in other_county.institutions.values()}
    assert "赫山区" not in response.content.decode().split("<main")[1]


def test_anonymous_visitors_are_sent_to_login(client, county):
    response = client.get(LIST)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    response = client.get(detail_url(county.institutions["I1"]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_an_instructor_lists_only_institutions_they_are_or_were_assigned_to(client, county,
                                                                            bob):
    AssignmentFactory(instructor=bob.instructor, institution=county.institutions["I4"])
    AssignmentFactory(instructor=bob.instructor, institution=county.institutions["I5"],
                      start=date(2021, 1, 1), end=date(2021, 12, 31))
    client.force_login(bob)
    response = client.get(LIST)
    assert response.status_code == 200
    assert names(response) == {"赫山区创客科技培训学校", "赫山区已停办培训学校"}


def test_an_instructor_opens_an_assigned_institution_but_not_another(client, county, bob):
    AssignmentFactory(instructor=bob.instructor, institution=county.institutions["I4"])
    client.force_login(bob)
    assert client.get(detail_url(county.institutions["I4"])).status_code == 200
    assert client.get(detail_url(county.institutions["I1"])).status_code == 404


@pytest.mark.parametrize("user_fixture", ["alice", "carol", "dave"])
def test_allowed_users_open_a_county_a_institution(client, county, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(detail_url(county.institutions["I1"])).status_code == 200


def test_the_outsider_gets_404_for_a_county_a_institution(client, county, eve):
    client.force_login(eve)
    assert client.get(detail_url(county.institutions["I1"])).status_code == 404


# Filters and sorting --------------------------------------------------------------------


@pytest.mark.parametrize(("query", "expected"), [
    ("status=open", {"I1", "I2", "I3", "I4", "I6", "I8"}),
    ("status=operating", {"I1", "I2", "I3", "I6", "I8"}),
    ("status=suspended", {"I4"}),
    ("status=closed", {"I5"}),
    ("status=open&covered=no", {"I4", "I6"}),
    ("status=open&covered=yes", {"I1", "I2", "I3", "I8"}),
    ("status=open&instructor=no", {"I4", "I8"}),
    ("category=sports", {"I3"}),
    ("licence=licensed_unpermitted", {"I3"}),
    ("q=明德", {"I1"}),
])
def test_filters_narrow_the_list(client, county, other_county, alice, query, expected):
    client.force_login(alice)
    response = client.get(f"{LIST}?{query}")
    assert names(response) == {county.institutions[key].name for key in expected}
    assert response.context["table"].paginator.count == len(expected)


def test_searching_by_part_of_the_credit_code_finds_the_institution(client, county, alice):
    client.force_login(alice)
    code = county.institutions["I3"].credit_code
    assert names(client.get(f"{LIST}?q={code[-8:]}")) == {county.institutions["I3"].name}


def test_the_region_filter_offers_only_visible_regions_and_includes_subregions(
        client, county, other_county, alice, dave, county_a, county_b):
    client.force_login(alice)
    choices = client.get(LIST).context["filter"].form.fields["region"].queryset
    assert set(choices) == {county_a}
    assert names(client.get(f"{LIST}?region={county_b.pk}")) == set()

    client.force_login(dave)
    response = client.get(f"{LIST}?region={county_a.pk}")
    assert names(response) == {i.name for i in county.institutions.values()}


def test_an_empty_filter_result_says_how_to_get_rows_back(client, county, alice):
    client.force_login(alice)
    html = client.get(f"{LIST}?q=不存在的机构").content.decode()
    assert "没有符合筛选条件的记录" in html and "清除全部筛选" in html


def test_an_empty_county_tells_staff_to_register_the_first_institution(client, alice):
    client.force_login(alice)
    html = client.get(LIST).content.decode()
    assert "登记第一家机构" in html
    assert reverse("organisation:institution_create") in html


def test_sorting_by_name_descending_and_by_covering_branch(client, county, alice):
    client.force_login(alice)
    rows = client.get(f"{LIST}?sort=-name").context["table"].paginated_rows
    listed = [row.record.name for row in rows]
    assert listed == sorted(listed, reverse=True)

    rows = client.get(f"{LIST}?sort=covering_branch_name&covered=yes").context["table"]
    branches = [row.record.covering_branch_name for row in rows.paginated_rows]
    assert branches == sorted(branches)


def test_each_row_shows_todays_branch_instructor_and_status(client, county, alice):
    client.force_login(alice)
    html = client.get(f"{LIST}?q=飞跃体育").content.decode()
    assert "赫山区飞跃体育党支部" in html
    assert "赫山区吴刚" in html
    assert "正常办学" in html
    assert "有照无证" in html


# Paging and exports ----------------------------------------------------------------------


@pytest.fixture
def sixty(county_a, committee_a):
    """Sixty covered, assigned institutions: enough rows to page and to expose an N+1."""
    branch = BranchFactory(committee=committee_a)
    instructor = InstructorFactory(region=county_a)
    made = []
    for n in range(60):
        institution = InstitutionFactory(name=f"赫山区第{n:02d}培训学校", region=county_a)
        CoverageFactory(branch=branch, institution=institution)
        AssignmentFactory(instructor=instructor, institution=institution)
        made.append(institution)
    return made


def test_the_list_pages_by_the_configured_page_size(client, sixty, alice, settings):
    settings.LIST_PAGE_SIZE = 25
    client.force_login(alice)
    first = client.get(LIST)
    assert len(first.context["table"].paginated_rows) == 25
    third = client.get(f"{LIST}?page=3")
    assert len(third.context["table"].paginated_rows) == 10
    assert "共 60 条" in first.content.decode()


def test_the_list_takes_a_constant_number_of_queries(client, sixty, alice,
                                                     django_assert_max_num_queries):
    client.force_login(alice)
    client.get(LIST)
    with django_assert_max_num_queries(10):
        response = client.get(LIST)
    assert len(response.context["table"].paginated_rows) == 50


def test_csv_export_has_every_filtered_row_with_a_bom(client, sixty, county, alice):
    client.force_login(alice)
    response = client.get(f"{LIST}?status=open&_export=csv&page=2")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["机构名称", "统一社会信用代码", "所属区划"]
    # 60 extra institutions plus the county's 6 operating ones; the closed I5 is filtered out.
    assert len(rows) - 1 == 66
    by_name = {row[0]: row for row in rows[1:]}
    assert "赫山区已停办培训学校" not in by_name
    suspended = by_name["赫山区创客科技培训学校"]
    assert suspended[5] == "暂停办学" and suspended[6] == "" and suspended[7] == ""
    assert by_name["赫山区飞跃体育培训学校"][6] == "赫山区飞跃体育党支部"


def test_xlsx_export_has_every_filtered_row(client, county, alice):
    client.force_login(alice)
    response = client.get(f"{LIST}?covered=no&sort=name&_export=xlsx")
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "机构名称" and rows[0][5] == "今日状态"
    assert [row[0] for row in rows[1:]] == sorted(
        ["赫山区创客科技培训学校", "赫山区书香培训学校", "赫山区已停办培训学校"])
    assert {row[5] for row in rows[1:]} == {"暂停办学", "正常办学", "已停办"}


def test_exports_of_the_outsider_leave_out_county_a(client, county, other_county, eve):
    client.force_login(eve)
    text = client.get(f"{LIST}?_export=csv").content.decode("utf-8")
    assert "资阳区明德培训学校" in text and "赫山区" not in text


# Detail page -----------------------------------------------------------------------------


def test_detail_shows_coverage_assignment_and_member_history(client, county, alice):
    client.force_login(alice)
    response = client.get(detail_url(county.institutions["I6"]))
    html = response.content.decode()
    assert "赫山区第二联合党支部" in html  # the dissolved branch that covered it until 2023
    assert "2023-06-30" in html
    assert "未覆盖" in html
    assert "赫山区吴刚" in html
    assert "赫山区胡静" in html  # the member who worked there


def test_detail_timeline_records_who_changed_what(client, county, alice):
    institution = county.institutions["I4"]
    institution_update(acting_user=alice, institution=institution, name="赫山区创客科技学校",
                       staff_count=30)
    coverage_add(acting_user=alice, branch=county.branches["J1"], institution=institution,
                 start=date(2024, 3, 1))
    client.force_login(alice)
    entries = client.get(detail_url(institution)).context["detail"].timeline
    assert [(e.action, e.subject, e.user) for e in entries[:2]] == [
        ("新增", "支部覆盖", "张丽"), ("修改", "培训机构", "张丽")]
    changes = {c.label: (c.old, c.new) for c in entries[1].changes}
    assert changes == {"机构名称": ("赫山区创客科技培训学校", "赫山区创客科技学校"),
                       "从业人员数": ("12", "30")}
    assert entries[0].target == "赫山区第一联合党支部"
    assert entries[-1].action == "新增" and entries[-1].user == "系统"


def test_detail_takes_a_constant_number_of_queries(client, county, alice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    institution = county.institutions["I1"]
    client.force_login(alice)

    def queries_for_detail() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(detail_url(institution)).status_code == 200
        return len(captured)

    institution_update(acting_user=alice, institution=institution, staff_count=20)
    few_changes = queries_for_detail()
    for n in range(12):
        institution_update(acting_user=alice, institution=institution, staff_count=21 + n)
    # The structure, the timeline and the visits, activities and points panels: a fixed set.
    assert queries_for_detail() == few_changes <= 25


def test_the_reviewer_sees_no_edit_buttons(client, county, carol):
    client.force_login(carol)
    html = client.get(detail_url(county.institutions["I1"])).content.decode()
    assert reverse("organisation:institution_update", args=[county.institutions["I1"].pk]) \
        not in html


def test_status_on_the_detail_page_matches_the_model(client, county, alice):
    client.force_login(alice)
    institution = county.institutions["I5"]
    response = client.get(detail_url(institution))
    assert institution.status_on(date.today()) == Institution.Status.CLOSED
    assert "已停办" in response.content.decode()
