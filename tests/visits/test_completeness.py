"""The "who hasn't been visited" grid: its numbers, totals, filters, export, flag and access.

The constructed county A, in 2025, seen by alice (staff of 赫山区):

A1 开办机构   opened 2025-03-16: March is not in scope (not operating on the 15th), even
              though it was visited with all four items on 2025-03-20.
A2 停办机构   closed 2025-06-14: June is not in scope.
A3 两次走访   two visits in May by 周敏 (lesson + policy, then hazard check + ledger) = 4.
A4 他人走访   assigned to 李波 (bob) but visited in May by 周敏 with all four items = 4.
A5 只上党课   one visit in May by 周敏 with only a lesson = 1.
A6 未走访     never visited.
A7 早已停办   closed 2024-12-31: no month of 2025 in scope, so not in the grid.
On 2025-05-15 周敏 holds A3, A5, A6 and 李波 holds A4; A1 and A2 have no instructor.
County B (资阳区) has B1, visited with all four items in May, seen by eve and dave only.
"""

import io
from dataclasses import dataclass
from datetime import date
from unittest import mock

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partybuild.visits.completeness import (
    GridFilters,
    Progress,
    completeness_grid,
    unvisited_this_month,
)
from partybuild.visits.models import FOUR_ONES, Visit
from tests.factories import (
    AssignmentFactory,
    InstitutionFactory,
    InstructorFactory,
    RegionFactory,
)

GRID = reverse("visits:completeness")
ALL_FOUR = tuple(key for key, _label in FOUR_ONES)
AFTER_2025 = date(2026, 1, 10)


def visit(institution, instructor, day, *items) -> Visit:
    return Visit.objects.create(institution=institution, instructor=instructor, date=day,
                                **{key: True for key in items})


@dataclass
class County:
    institutions: dict
    zhou: object
    li: object
    other: object


@pytest.fixture
def county(county_a, county_b, bob) -> County:
    def institution(key, name, region=county_a, **dates):
        return key, InstitutionFactory(name=name, region=region, **dates)

    made = dict([
        institution("A1", "赫山区开办机构", opened_on=date(2025, 3, 16)),
        institution("A2", "赫山区停办机构", closed_on=date(2025, 6, 14)),
        institution("A3", "赫山区两次走访机构"),
        institution("A4", "赫山区他人走访机构"),
        institution("A5", "赫山区只上党课机构"),
        institution("A6", "赫山区未走访机构"),
        institution("A7", "赫山区早已停办机构", closed_on=date(2024, 12, 31)),
        institution("B1", "资阳区全勤机构", region=county_b),
    ])
    zhou = InstructorFactory(name="周敏", region=county_a)
    li = bob.instructor
    other = InstructorFactory(name="孙涛", region=county_b)
    for key in ("A3", "A5", "A6"):
        AssignmentFactory(instructor=zhou, institution=made[key], start=date(2024, 1, 1))
    AssignmentFactory(instructor=li, institution=made["A4"], start=date(2024, 1, 1))
    AssignmentFactory(instructor=other, institution=made["B1"], start=date(2024, 1, 1))

    visit(made["A1"], zhou, date(2025, 3, 20), *ALL_FOUR)
    visit(made["A1"], zhou, date(2025, 4, 8), "lesson", "policy")
    visit(made["A3"], zhou, date(2025, 5, 6), "lesson", "policy")
    visit(made["A3"], zhou, date(2025, 5, 27), "hazard_check", "ledger")
    visit(made["A4"], zhou, date(2025, 5, 12), *ALL_FOUR)
    visit(made["A5"], zhou, date(2025, 5, 30), "lesson")
    visit(made["A5"], zhou, date(2025, 6, 2), "policy", "ledger")
    visit(made["B1"], other, date(2025, 5, 9), *ALL_FOUR)
    return County(made, zhou, li, other)


def grid_of(user, day=AFTER_2025, **filters):
    return completeness_grid(user=user, filters=GridFilters(**{"year": 2025, "month": 5,
                                                               **filters}), day=day)


def rows_by_name(grid) -> dict:
    return {row.institution.name: row for row in grid.rows}


def cells(row) -> list[str]:
    """A row's twelve cells as the page shows them: — not operating, blank future, items."""
    return [cell.label for cell in row.cells]


# The grid's numbers ----------------------------------------------------------------------


def test_a_month_is_out_of_scope_when_the_institution_opened_after_the_15th(alice, county):
    row = rows_by_name(grid_of(alice))["赫山区开办机构"]
    assert cells(row) == ["—", "—", "—", "2", "0", "0", "0", "0", "0", "0", "0", "0"]


def test_a_month_is_out_of_scope_when_the_institution_closed_before_the_15th(alice, county):
    row = rows_by_name(grid_of(alice))["赫山区停办机构"]
    assert cells(row) == ["0", "0", "0", "0", "0", "—", "—", "—", "—", "—", "—", "—"]


def test_items_of_two_visits_in_one_month_add_up_to_a_complete_month(alice, county):
    rows = rows_by_name(grid_of(alice))
    assert cells(rows["赫山区两次走访机构"])[4] == "4✓"
    assert cells(rows["赫山区只上党课机构"])[4:6] == ["1", "2"]
    assert cells(rows["赫山区未走访机构"]) == ["0"] * 12


def test_another_instructors_visit_counts_for_the_institution(alice, county):
    row = rows_by_name(grid_of(alice))["赫山区他人走访机构"]
    assert cells(row)[4] == "4✓"
    assert row.institution.instructor_name == "李波"


def test_an_institution_with_no_month_in_scope_is_left_out(alice, county):
    assert set(rows_by_name(grid_of(alice))) == {
        "赫山区开办机构", "赫山区停办机构", "赫山区两次走访机构", "赫山区他人走访机构",
        "赫山区只上党课机构", "赫山区未走访机构",
    }


def test_months_after_today_are_not_yet_due(alice, county):
    rows = rows_by_name(grid_of(alice, day=date(2025, 5, 21)))
    assert cells(rows["赫山区只上党课机构"]) == ["0", "0", "0", "0", "1"] + [""] * 7
    # Not operating is shown before "not yet": June of A2 is known to be out of scope.
    assert cells(rows["赫山区停办机构"])[5:] == ["—"] * 7


def test_the_month_totals_count_expected_visited_complete_and_missing(alice, county):
    totals = grid_of(alice).totals
    assert (totals.expected, totals.visited, totals.complete, totals.missing) == (6, 3, 2, 3)
    june = grid_of(alice, month=6).totals
    # A2 closed on 14 June: five expected; only A5 was visited, with two items.
    assert (june.expected, june.visited, june.complete, june.missing) == (5, 1, 0, 4)
    march = grid_of(alice, month=3).totals
    # A1's visit on 20 March is in a month out of its scope, so it is not counted.
    assert (march.expected, march.visited, march.complete) == (5, 0, 0)


def test_each_instructor_has_their_caseload_and_how_many_are_done(alice, county):
    lines = {line.name: line for line in grid_of(alice).instructors}
    assert set(lines) == {"周敏", "李波"}
    zhou, li = lines["周敏"], lines["李波"]
    assert (zhou.caseload, zhou.visited, zhou.complete, zhou.missing) == (3, 2, 1, 1)
    assert (li.caseload, li.visited, li.complete, li.missing) == (1, 1, 1, 0)


def test_a_city_user_gets_the_figures_per_district(dave, county):
    grid = grid_of(dave)
    lines = {line.label: line for line in grid.regions}
    assert set(lines) == {"赫山区", "资阳区"}
    assert (lines["赫山区"].expected, lines["赫山区"].complete) == (6, 2)
    assert (lines["资阳区"].expected, lines["资阳区"].complete) == (1, 1)
    assert (grid.totals.expected, grid.totals.visited, grid.totals.complete) == (7, 4, 3)


def test_a_county_user_gets_its_streets_and_the_county_itself(alice, county, county_a):
    street = RegionFactory(code="430903001", name="赫山街道", level="street", parent=county_a)
    InstitutionFactory(name="赫山街道培训学校", region=street)
    lines = {line.label: line.expected for line in grid_of(alice).regions}
    assert lines == {"赫山区（本级）": 6, "赫山街道": 1}


# Filters ---------------------------------------------------------------------------------


def names_on(response) -> set[str]:
    return {row.institution.name for row in response.context["grid"].rows}


@pytest.mark.parametrize(("state", "expected"), [
    (Progress.COMPLETE, {"赫山区两次走访机构", "赫山区他人走访机构"}),
    (Progress.INCOMPLETE, {"赫山区开办机构", "赫山区停办机构", "赫山区只上党课机构",
                           "赫山区未走访机构"}),
    (Progress.NOT_VISITED, {"赫山区开办机构", "赫山区停办机构", "赫山区未走访机构"}),
])
def test_the_state_filter_narrows_the_grid_but_not_the_totals(client, alice, county, state,
                                                             expected):
    client.force_login(alice)
    response = client.get(GRID, {"year": 2025, "month": 5, "state": state})
    assert response.status_code == 200
    assert names_on(response) == expected
    assert response.context["grid"].totals.expected == 6


@pytest.mark.parametrize("search", ["number", "name"])
def test_the_instructor_filter_shows_their_institutions_on_the_15th(client, alice, county,
                                                                   search):
    client.force_login(alice)
    text = county.zhou.number.lower() if search == "number" else "周"
    response = client.get(GRID, {"year": 2025, "month": 5, "instructor": text})
    assert names_on(response) == {"赫山区两次走访机构", "赫山区只上党课机构", "赫山区未走访机构"}
    totals = response.context["grid"].totals
    assert (totals.expected, totals.visited, totals.complete) == (3, 2, 1)
    assert [line.name for line in response.context["grid"].instructors] == ["周敏"]


def test_the_region_filter_shows_one_county(client, dave, county, county_b):
    client.force_login(dave)
    response = client.get(GRID, {"year": 2025, "month": 5, "region": county_b.pk})
    assert names_on(response) == {"资阳区全勤机构"}
    assert response.context["grid"].totals.complete == 1


def test_the_page_shows_coloured_cells_a_legend_and_the_totals(client, alice, county):
    client.force_login(alice)
    response = client.get(GRID, {"year": 2025, "month": 5})
    page = response.content.decode()
    assert '<td class="cell done chosen">4✓</td>' in page
    assert '<td class="cell partial chosen">1</td>' in page
    assert '<td class="cell off">—</td>' in page
    assert "四项全部完成" in page and "当月15日未办学" in page
    assert response.context["form"]["year"].value() == "2025"


def test_without_a_year_the_grid_shows_this_year_and_this_month(client, alice, county):
    client.force_login(alice)
    with mock.patch("django.utils.timezone.localdate", return_value=date(2025, 5, 21)):
        response = client.get(GRID)
    filters = response.context["grid"].filters
    assert (filters.year, filters.month) == (2025, 5)
    assert response.context["grid"].totals.complete == 2


def test_a_past_year_without_a_month_gives_december_totals(client, alice, county):
    client.force_login(alice)
    response = client.get(GRID, {"year": 2025})
    assert response.context["grid"].filters.month == 12
    assert response.context["grid"].totals.expected == 5


def test_many_institutions_are_paged_but_the_totals_cover_them_all(client, alice, county_a):
    InstitutionFactory.create_batch(105, region=county_a)
    client.force_login(alice)
    first = client.get(GRID, {"year": 2025, "month": 5})
    second = client.get(GRID, {"year": 2025, "month": 5, "page": 2})
    assert len(first.context["grid"].rows) == 100
    assert len(second.context["grid"].rows) == 5
    assert first.context["grid"].totals.expected == 105
    assert "下一页" in first.content.decode()


# Export ----------------------------------------------------------------------------------


def month_column(month: int) -> int:
    """Columns: name, region, instructor, then January to December."""
    return 2 + month


def test_the_excel_export_holds_the_whole_filtered_grid_in_colour(client, alice, county):
    client.force_login(alice)
    response = client.get(GRID, {"year": 2025, "month": 5, "_export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    grid_sheet, summary, instructors = workbook.worksheets
    header = [c.value for c in grid_sheet[1]]
    assert header[:4] == ["机构", "区划", "指导员（5月15日）", "1月"]
    rows = {row[0].value: row for row in grid_sheet.iter_rows(min_row=2) if row
            and row[0].value and row[0].value.startswith("赫山区")}
    assert len(rows) == 6
    may = month_column(5)
    assert rows["赫山区两次走访机构"][may].value == 4
    assert rows["赫山区两次走访机构"][may].fill.fgColor.rgb.endswith("CDEBD3")
    assert rows["赫山区只上党课机构"][may].value == 1
    assert rows["赫山区只上党课机构"][may].fill.fgColor.rgb.endswith("FCE8B2")
    assert rows["赫山区未走访机构"][may].fill.fgColor.rgb.endswith("F8D3CF")
    assert rows["赫山区开办机构"][month_column(3)].value == "未办学"
    assert rows["赫山区他人走访机构"][2].value == "李波"
    # The last column is the on-time rate (timeliness): these visits of 2025 were entered
    # by the test, long after their dates.
    assert [c.value for c in summary[2]] == ["赫山区（本级）", 6, 3, 2, 3, 33, "0.0%"]
    assert [c.value for c in list(summary.iter_rows())[-1]] == ["合计", 6, 3, 2, 3, 33, "0.0%"]
    by_name = {row[1].value: [c.value for c in row[2:6]]
               for row in instructors.iter_rows(min_row=2)}
    assert by_name == {"周敏": [3, 2, 1, 1], "李波": [1, 1, 1, 0]}


def test_the_export_follows_the_state_filter(client, alice, county):
    client.force_login(alice)
    response = client.get(GRID, {"year": 2025, "month": 5, "state": "not_visited",
                                 "_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    names = {row[0].value for row in sheet.iter_rows(min_row=2, max_col=1)
             if row[0].value and row[0].value.startswith("赫山区")}
    assert names == {"赫山区开办机构", "赫山区停办机构", "赫山区未走访机构"}


# The staff home page flag ----------------------------------------------------------------


def test_no_flag_is_raised_up_to_the_20th(alice, county):
    assert unvisited_this_month(user=alice, day=date(2025, 5, 20)) is None


def test_after_the_20th_institutions_without_a_visit_this_month_are_flagged(alice, county):
    flag = unvisited_this_month(user=alice, day=date(2025, 5, 21))
    assert flag.count == 3
    assert {i.name for i in flag.institutions} == {"赫山区开办机构", "赫山区停办机构",
                                                   "赫山区未走访机构"}


def test_the_flag_is_not_raised_for_instructors(bob, county):
    assert unvisited_this_month(user=bob, day=date(2025, 5, 25)) is None


def test_the_home_page_shows_the_flag_with_a_link_to_the_grid(client, alice, county):
    client.force_login(alice)
    with mock.patch("django.utils.timezone.localdate", return_value=date(2025, 5, 21)):
        page = client.get(reverse("home")).content.decode()
    assert "5 月尚未走访的机构" in page
    assert "赫山区未走访机构" in page and "赫山区两次走访机构" not in page
    assert f"{GRID}?year=2025&amp;month=5&amp;state=not_visited" in page
    with mock.patch("django.utils.timezone.localdate", return_value=date(2025, 5, 20)):
        page = client.get(reverse("home")).content.decode()
    assert "尚未走访的机构" not in page


# Access ----------------------------------------------------------------------------------


@pytest.mark.parametrize("user_fixture", ["alice", "carol", "dave"])
def test_staff_reviewers_and_admins_open_the_grid(client, county, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(GRID, {"year": 2025})
    assert response.status_code == 200
    assert "赫山区两次走访机构" in response.content.decode()


def test_instructors_may_not_open_the_grid(client, bob, county):
    client.force_login(bob)
    assert client.get(GRID).status_code == 403
    assert client.get(GRID, {"_export": "xlsx"}).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, county):
    response = client.get(GRID)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_outsider_sees_only_her_own_county(client, eve, county, county_a):
    client.force_login(eve)
    response = client.get(GRID, {"year": 2025, "month": 5, "region": county_a.pk,
                                 "instructor": county.zhou.number})
    assert response.status_code == 200
    assert names_on(response) == {"资阳区全勤机构"}
    assert response.context["form"].errors.keys() == {"region", "instructor"}
    assert "赫山区" not in response.content.decode().split("<main")[1]
    export = client.get(GRID, {"year": 2025, "region": county_a.pk, "_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).worksheets[0]
    assert {row[0].value for row in sheet.iter_rows(min_row=2, max_row=2)} == {"资阳区全勤机构"}


# Query count -----------------------------------------------------------------------------


def county_of(region, size: int, instructors: list) -> None:
    """`size` institutions with an instructor each and visits in most months of 2025."""
    institutions = InstitutionFactory.create_batch(size, region=region)
    for n, institution in enumerate(institutions):
        instructor = instructors[n % len(instructors)]
        AssignmentFactory(instructor=instructor, institution=institution,
                          start=date(2024, 1, 1))
        for month in range(1, 13, 1 + n % 3):
            visit(institution, instructor, date(2025, month, 10), *ALL_FOUR[: 1 + n % 4])


def page_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(GRID, params).status_code == 200
    return len(queries)


def test_the_grid_runs_the_same_number_of_queries_for_5_or_130_institutions(
        client, alice, county_a, county_b, django_assert_max_num_queries):
    instructors = InstructorFactory.create_batch(4, region=county_a)
    params = {"year": 2025, "month": 5, "instructor": instructors[0].number}
    county_of(county_a, 5, instructors)
    client.force_login(alice)
    small = page_queries(client, params)
    county_of(county_a, 125, instructors)
    large = page_queries(client, params)
    assert small == large
    with django_assert_max_num_queries(15):
        client.get(GRID, {"year": 2025, "month": 5, "page": 2})


def test_the_export_runs_a_constant_number_of_queries(client, alice, county_a):
    instructors = InstructorFactory.create_batch(3, region=county_a)
    county_of(county_a, 5, instructors)
    client.force_login(alice)
    params = {"year": 2025, "_export": "xlsx"}
    small = page_queries(client, params)
    county_of(county_a, 60, instructors)
    assert page_queries(client, params) == small


def test_rows_and_instructor_lines_written_in_python_escape_stored_text_and_link_right(
        client, alice, county, county_a):
    """The rows, instructor lines and filter selects are written in Python, not a template:
    stored text is still escaped, and each instructor's link is the page's query string
    without its page, with their number (what {% querystring %} wrote)."""
    sly = InstitutionFactory(name="赫山区<b>加粗</b>培训学校", region=county_a)
    sly_instructor = InstructorFactory(name="王<i>斜</i>", number="Z&1", region=county_a)
    AssignmentFactory(instructor=sly_instructor, institution=sly, start=date(2024, 1, 1))
    client.force_login(alice)
    page = client.get(GRID, {"year": 2025, "month": 5, "page": 1, "state": ""}).content.decode()
    assert "赫山区&lt;b&gt;加粗&lt;/b&gt;培训学校" in page and "<b>加粗" not in page
    assert "王&lt;i&gt;斜&lt;/i&gt;" in page and "<i>斜" not in page
    detail = reverse("organisation:institution_detail", args=[sly.pk])
    assert f'<a href="{detail}">赫山区&lt;b&gt;加粗&lt;/b&gt;培训学校</a>' in page
    instructor_detail = reverse("instructors:instructor_detail", args=[sly_instructor.pk])
    assert f'<a href="{instructor_detail}">王&lt;i&gt;斜&lt;/i&gt;</a>' in page
    assert 'href="?year=2025&amp;month=5&amp;state=&amp;instructor=Z%261"' in page
    assert f'<option value="{county_a.pk}">' in page
    assert '<option value="2025" selected>2025</option>' in page
