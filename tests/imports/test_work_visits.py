"""Importing visits (走访记录): four-ones items, operating period, the instructor's assignment."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partybuild.imports.engine import run_import
from partybuild.imports.kinds import KINDS
from partybuild.visits.models import Visit
from tests.factories import AssignmentFactory, InstitutionFactory, InstructorFactory

from .conftest import csv_bytes, xlsx_bytes

TODAY = date(2024, 6, 30)
HEADER = ["指导员编号", "统一社会信用代码", "走访日期", "上党课", "讲政策", "排隐患", "核台账",
          "以案说法", "内容摘要"]


def import_visits(data: bytes, filename: str = "visits.csv", **options):
    return run_import(KINDS["visits"], data, filename, today=TODAY, **options)


def stored_visits() -> list[dict]:
    return list(Visit.objects.order_by("pk").values())


@pytest.fixture
def zhou(institution_a):
    """Instructor 周敏, assigned to institution A since 2022."""
    instructor = InstructorFactory(number="ZDY001", name="周敏")
    AssignmentFactory(instructor=instructor, institution=institution_a, start=date(2022, 1, 1))
    return instructor


def visit_row(institution, day="2024-03-05", number="ZDY001", items=("是", "是", "否", "", ""),
              notes="讲授党章第一章"):
    return [number, institution.credit_code, day, *items, notes]


def test_a_visits_file_creates_one_visit_per_row_with_its_four_ones(zhou, institution_a, alice):
    data = csv_bytes([HEADER,
                     visit_row(institution_a, "2024-03-05", items=("是", "是", "否", "", "")),
                     visit_row(institution_a, "2024/4/8", items=("√", "", "√", "√", "是"),
                               notes="")])

    result = import_visits(data, user=alice)

    assert result.ok and (result.created, result.updated) == (2, 0)
    march, april = Visit.objects.order_by("date")
    assert (march.instructor, march.institution, march.date) == (zhou, institution_a,
                                                                 date(2024, 3, 5))
    assert march.items_done == ["lesson", "policy"] and not march.case_talk
    assert march.notes == "讲授党章第一章" and march.recorded_by == alice
    assert april.items_done == ["lesson", "hazard_check", "ledger"] and april.case_talk
    assert march.history.get().history_user == alice


def test_importing_the_same_visits_file_twice_changes_nothing(zhou, institution_a):
    data = csv_bytes([HEADER, visit_row(institution_a, "2024-03-05"),
                     visit_row(institution_a, "2024-04-08")])
    assert import_visits(data).summary_line() == "visits: 2 created, 0 updated"
    before = stored_visits()

    again = import_visits(data)

    assert again.summary_line() == "visits: 0 created, 0 updated" and again.unchanged == 2
    assert stored_visits() == before
    assert Visit.history.count() == 2


def test_changing_a_visits_notes_updates_that_visit_only(zhou, institution_a):
    import_visits(csv_bytes([HEADER, visit_row(institution_a, "2024-03-05"),
                            visit_row(institution_a, "2024-04-08")]))

    changed = visit_row(institution_a, "2024-04-08", notes="补充：核查台账")
    result = import_visits(csv_bytes([HEADER, visit_row(institution_a, "2024-03-05"), changed]))

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert Visit.objects.get(date=date(2024, 4, 8)).notes == "补充：核查台账"
    assert Visit.objects.count() == 2


def test_unticking_an_item_clears_the_text_recorded_for_it(zhou, institution_a):
    import_visits(csv_bytes([HEADER, visit_row(institution_a, items=("是", "是", "", "", ""))]))
    Visit.objects.update(lesson_topic="党章学习")

    unticked = visit_row(institution_a, items=("否", "是", "", "", ""))
    result = import_visits(csv_bytes([HEADER, unticked]))

    visit = Visit.objects.get()
    assert result.updated == 1 and not visit.lesson and visit.lesson_topic == ""


@pytest.fixture
def closed_institution(county_a, zhou):
    institution = InstitutionFactory(name="赫山区已停办培训学校", region=county_a,
                                     opened_on=date(2021, 1, 1), closed_on=date(2024, 2, 29))
    AssignmentFactory(instructor=zhou, institution=institution, start=date(2021, 1, 1))
    return institution


@pytest.mark.parametrize(("row", "column", "message"), [
    (lambda i: visit_row(i, number="ZDY999"), "指导员编号", "指导员编号“ZDY999”不存在"),
    (lambda i: ["ZDY001", i.credit_code[:17] + ("0" if i.credit_code[17] != "0" else "1"),
                "2024-03-05", "", "", "", "", "", ""], "统一社会信用代码", "校验位错误"),
    (lambda i: visit_row(i, day="2024-07-01"), "走访日期", "晚于今天（2024-06-30）"),
    (lambda i: visit_row(i, day="2019-12-31"), "走访日期", "于 2020-01-01 开办"),
    (lambda i: visit_row(i, day="2024-03-32"), "走访日期", "不存在"),
])
def test_a_bad_visit_row_is_rejected_with_its_row_and_column(zhou, institution_a, row, column,
                                                             message):
    data = csv_bytes([HEADER, visit_row(institution_a, "2024-01-10"), row(institution_a)])

    result = import_visits(data)

    assert not result.ok and Visit.objects.count() == 0
    [error] = result.errors
    assert (error.row, error.column) == (3, column)
    assert message in error.message


def test_an_unknown_institution_is_named_in_the_error(zhou, institution_a):
    from partybuild.core.credit_code import make_credit_code

    unknown = make_credit_code(777)
    result = import_visits(csv_bytes([HEADER, [
        "ZDY001", unknown, "2024-03-05", "", "", "", "", "", ""]]))

    assert [str(error) for error in result.errors] == [
        f"row 2, column 统一社会信用代码: 统一社会信用代码为“{unknown}”的机构不存在，"
        "请先导入该机构"]


def test_a_visit_after_the_institution_closed_is_rejected(closed_institution):
    result = import_visits(csv_bytes([HEADER, visit_row(closed_institution, "2024-03-01")]))

    assert [error.message for error in result.errors] == [
        "机构“赫山区已停办培训学校”已于 2024-02-29 停办，走访日期 2024-03-01 不在办学期间"]
    assert Visit.objects.count() == 0


def test_a_visit_on_the_day_the_institution_closed_is_accepted(closed_institution):
    assert import_visits(csv_bytes([HEADER, visit_row(closed_institution, "2024-02-29")])).ok


def test_a_visit_by_an_instructor_not_assigned_that_day_is_rejected(institution_a):
    """The application's own rule (visits/services.py check_assigned) applies to imports."""
    instructor = InstructorFactory(number="ZDY002", name="吴刚")
    AssignmentFactory(instructor=instructor, institution=institution_a, start=date(2022, 1, 1),
                      end=date(2023, 12, 31))
    AssignmentFactory(instructor=instructor, institution=institution_a, start=date(2024, 5, 1))

    result = import_visits(csv_bytes([HEADER, visit_row(institution_a, "2023-12-31", "ZDY002"),
                                     visit_row(institution_a, "2024-03-05", "ZDY002"),
                                     visit_row(institution_a, "2024-05-01", "ZDY002")]))

    [error] = result.errors
    assert (error.row, error.column) == (3, "走访日期")
    assert error.message == (
        "指导员吴刚（ZDY002）在 2024-03-05 没有派驻到机构“赫山区阳光艺术培训学校”，不能录入走访；"
        "其派驻期间为 2022-01-01 至 2023-12-31、2024-05-01 至今")
    assert Visit.objects.count() == 0


def test_an_instructor_assigned_elsewhere_cannot_record_a_visit_here(institution_a, county_a):
    elsewhere = InstitutionFactory(region=county_a)
    instructor = InstructorFactory(number="ZDY003", name="郑和")
    AssignmentFactory(instructor=instructor, institution=elsewhere, start=date(2022, 1, 1))

    result = import_visits(csv_bytes([HEADER, visit_row(institution_a, number="ZDY003")]))

    assert result.errors[0].message.endswith("该指导员从未派驻到该机构")


def test_every_bad_visit_row_is_reported_and_nothing_is_written(zhou, institution_a):
    data = csv_bytes([HEADER,
                     visit_row(institution_a, "2024-01-10"),
                     visit_row(institution_a, "2024-09-01"),
                     visit_row(institution_a, "2024-01-11"),
                     visit_row(institution_a, "2024-01-12", number="nobody"),
                     visit_row(institution_a, "2024-01-13", items=("也许", "", "", "", "")),
                     visit_row(institution_a, "2024-01-10")])

    result = import_visits(data)

    assert [(error.row, error.column) for error in result.errors] == [
        (3, "走访日期"), (5, "指导员编号"), (6, "上党课"), (7, "走访日期")]
    assert "与第 2 行重复" in result.errors[-1].message
    assert Visit.objects.count() == 0


def test_a_dry_run_reports_the_counts_and_writes_nothing(zhou, institution_a):
    data = csv_bytes([HEADER, visit_row(institution_a, "2024-03-05"),
                     visit_row(institution_a, "2024-04-08")])

    result = import_visits(data, dry_run=True)

    assert result.ok and (result.created, result.updated) == (2, 0)
    assert Visit.objects.count() == 0


def test_an_xlsx_file_with_date_cells_and_tick_marks_imports(zhou, institution_a):
    data = xlsx_bytes([HEADER,
                      ["ZDY001", institution_a.credit_code, date(2024, 3, 5), "√", None, "√",
                       None, None, "XLSX 导入"],
                      ["ZDY001", institution_a.credit_code, "2024年4月8日", 1, 0, "Y", "N",
                       "true", None]])

    result = import_visits(data, "visits.xlsx")

    assert result.ok and result.created == 2
    march, april = Visit.objects.order_by("date")
    assert march.date == date(2024, 3, 5) and march.items_done == ["lesson", "hazard_check"]
    assert april.items_done == ["lesson", "hazard_check"] and april.case_talk


@pytest.mark.parametrize(("cell", "done"), [
    ("是", True), ("√", True), ("Y", True), ("1", True), ("true", True),
    ("否", False), ("", False), ("N", False), ("0", False), ("false", False),
])
def test_every_yes_no_form_is_understood(zhou, institution_a, cell, done):
    assert import_visits(csv_bytes([HEADER, visit_row(institution_a,
                                                     items=(cell, "", "", "", ""))])).ok
    assert Visit.objects.get().lesson is done


def test_english_keys_may_head_the_columns(zhou, institution_a):
    header = ["instructor", "credit_code", "date", "lesson", "policy", "hazard_check", "ledger",
              "case_talk", "notes"]

    assert import_visits(csv_bytes([header, visit_row(institution_a)])).created == 1


def test_staff_of_another_county_cannot_import_visits_here(zhou, institution_a, eve, alice):
    data = csv_bytes([HEADER, visit_row(institution_a)])

    result = import_visits(data, user=eve)

    assert [str(error) for error in result.errors] == [
        "row 2, column 统一社会信用代码: 机构“赫山区阳光艺术培训学校”不在您管辖的区划内"]
    assert Visit.objects.count() == 0
    assert import_visits(data, user=alice).created == 1


def test_loading_takes_the_same_queries_for_ten_rows_as_for_sixty(zhou, county_a):
    institutions = [InstitutionFactory(region=county_a) for _ in range(6)]
    for institution in institutions:
        AssignmentFactory(instructor=zhou, institution=institution, start=date(2022, 1, 1))

    def queries_for(days: int) -> int:
        rows = [visit_row(institution, date(2024, 1, day).isoformat())
                for institution in institutions for day in range(1, days + 1)]
        with CaptureQueriesContext(connection) as captured:
            assert import_visits(csv_bytes([HEADER, *rows]), dry_run=True).ok
        return len(captured)

    assert queries_for(10) == queries_for(2)
