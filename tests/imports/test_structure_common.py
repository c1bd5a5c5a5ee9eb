"""What every structure kind shares: formats, headers, cell forms, row numbers, dry runs."""

from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from partybuild.core.credit_code import make_credit_code
from partybuild.instructors.models import Instructor
from partybuild.organisation.models import Coverage, Membership
from tests.factories import InstitutionFactory
from tests.organisation.db_state import database_state

from .conftest import CODE, assert_ok, csv_bytes, errors_of, import_file, import_rows, xlsx_bytes

D = date
# One valid file per kind against the `county` fixture, two rows each; dates are real dates so
# that the XLSX version holds date cells.
SAMPLES = {
    "regions": [["区划代码", "名称", "上级代码"], ["430903001", "赫山街道", "430903"],
                ["430903002", "龙光桥街道", "430903"]],
    "committees": [["名称", "层级", "所属区划", "上级党组织"],
                   ["资阳区教育工委", "教育工委", "430902", "益阳市教育工委"],
                   ["益阳市教育工委", "教育工委", "430900", ""]],
    "institutions": [["机构名称", "统一社会信用代码", "类别", "证照状态", "所属区划", "开办日期",
                      "党建入章程"],
                     ["赫山区启航科技培训中心", CODE[5], "科技", "有照有证", "430903",
                      D(2022, 9, 1), "是"],
                     ["赫山区墨香书法培训学校", CODE[6], "文化艺术", "有照无证", "430903",
                      D(2023, 3, 1), ""]],
    "branches": [["支部名称", "类型", "上级党委", "成立日期", "撤销日期"],
                 ["赫山区第二联合党支部", "联合党支部", "赫山区民办教育党委", D(2022, 3, 1), None],
                 ["赫山区星光党支部", "单独党支部", "赫山区民办教育党委", D(2022, 3, 1),
                  D(2024, 6, 30)]],
    "coverage": [["支部名称", "统一社会信用代码", "开始日期", "结束日期"],
                 ["赫山区第一联合党支部", CODE[1], D(2021, 1, 1), None],
                 ["赫山区阳光党支部", CODE[2], D(2021, 1, 1), D(2023, 6, 30)]],
    "members": [["党员编号", "姓名", "性别", "类别", "入党日期", "工作单位", "所在支部", "转入日期",
                 "转出日期", "是否书记"],
                ["DY0001", "王红", "女", "正式党员", D(2010, 7, 1), CODE[1], "赫山区第一联合党支部",
                 D(2021, 1, 1), None, "是"],
                ["DY0002", "李明", "男", "预备党员", None, None, "赫山区阳光党支部", D(2021, 3, 1),
                 None, "否"]],
    "instructors": [["指导员编号", "姓名", "来源类型", "来源单位", "职务", "手机"],
                    ["ZD101", "陈静", "教育行政部门", "赫山区教育局", "股长", "13907370001"],
                    ["ZD102", "黄伟", "公办学校", "益阳市第一中学", None, None]],
    "assignments": [["指导员编号", "统一社会信用代码", "开始日期", "结束日期"],
                    ["ZD001", CODE[1], D(2022, 1, 1), None],
                    ["ZD002", CODE[2], D(2022, 1, 1), D(2024, 12, 31)]],
    "pairings": [["支部名称", "学校支部", "学校", "开始日期", "结束日期"],
                 ["赫山区第一联合党支部", "第一党支部", "赫山区第一中学", D(2022, 3, 1), None],
                 ["赫山区阳光党支部", "第一党支部", "赫山区实验小学", D(2022, 3, 1), None]],
}
FORMATS = ("utf-8", "utf-8-sig", "gb18030", "xlsx")


def file_of(rows, form: str) -> tuple[bytes, str]:
    if form == "xlsx":
        return xlsx_bytes(rows), "data.xlsx"
    return csv_bytes(rows, encoding=form), "data.csv"


@pytest.mark.parametrize("form", FORMATS)
@pytest.mark.parametrize("kind", list(SAMPLES))
def test_every_kind_imports_from_every_format_and_a_second_import_changes_nothing(
        county, kind, form):
    data, filename = file_of(SAMPLES[kind], form)
    first = import_file(kind, data, filename)
    assert first.ok, first.error_lines()
    assert first.summary_line() == f"{kind}: 2 created, 0 updated"
    second = import_file(kind, data, filename)
    assert second.summary_line() == f"{kind}: 0 created, 0 updated"
    assert second.unchanged == 2


def test_a_dry_run_reports_the_counts_and_writes_nothing(county):
    before = database_state()
    result = import_rows("coverage", SAMPLES["coverage"], dry_run=True)
    assert (result.ok, result.created, result.updated) == (True, 2, 0)
    assert database_state() == before


def test_a_dry_run_of_members_counts_rows_not_people(county):
    before = database_state()
    result = import_rows("members", SAMPLES["members"], dry_run=True)
    assert (result.created, result.updated) == (2, 0)
    assert database_state() == before


# Headers ---------------------------------------------------------------------------------


def test_english_keys_and_headers_with_surrounding_spaces_are_accepted(county):
    rows = [[" branch ", "credit_code  ", "  开始日期", "end"],
            ["赫山区第一联合党支部", CODE[1], "2021-01-01", ""]]
    assert_ok(import_rows("coverage", rows), created=1)
    assert Coverage.objects.get().institution.credit_code == CODE[1]


def test_columns_may_come_in_any_order(county):
    rows = [["结束日期", "开始日期", "统一社会信用代码", "支部名称"],
            ["", "2021-01-01", CODE[1], "赫山区第一联合党支部"]]
    assert_ok(import_rows("coverage", rows), created=1)


def test_an_unknown_column_is_an_error_naming_the_known_ones(county):
    result = import_rows("coverage", [["支部名称", "统一社会信用代码", "开始日期", "备注"],
                                      ["赫山区第一联合党支部", CODE[1], "2021-01-01", "新建"]])
    assert errors_of(result) == [
        "row 1, column 备注: 未知的列“备注”"
        "（支部覆盖的列为：支部名称、统一社会信用代码、开始日期、结束日期）"]
    assert not Coverage.objects.exists()


def test_a_missing_required_column_is_an_error(county):
    result = import_rows("coverage", [["支部名称", "统一社会信用代码", "结束日期"],
                                      ["赫山区第一联合党支部", CODE[1], ""]])
    assert errors_of(result) == ["row 1, column 开始日期: 缺少必填列“开始日期”"]


def test_a_column_given_twice_is_an_error(county):
    result = import_rows("coverage", [["支部名称", "统一社会信用代码", "开始日期", "start"],
                                      ["赫山区第一联合党支部", CODE[1], "2021-01-01",
                                       "2021-01-01"]])
    assert errors_of(result) == ["row 1, column start: 列“start”重复出现（已在第 3 列）"]


def test_optional_columns_may_be_left_out(db):
    rows = [["number", "name", "source_type", "source_org"],
            ["ZD101", "陈静", "education_bureau", "赫山区教育局"]]
    assert_ok(import_rows("instructors", rows), created=1)
    instructor = Instructor.objects.get()
    assert (instructor.title, instructor.phone) == ("", "")


def test_a_row_longer_than_the_header_is_an_error(county):
    result = import_rows("coverage", [SAMPLES["coverage"][0],
                                      ["赫山区第一联合党支部", CODE[1], "2021-01-01", "", "多余"]])
    assert errors_of(result) == ["row 2, column —: 该行的数据多于表头的列数"]


# Cell forms ------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["2021-03-05", "2021/3/5", "2021.3.5", "2021年3月5日",
                                  "2021-03-05 ", date(2021, 3, 5), datetime(2021, 3, 5),
                                  datetime(2021, 3, 5, 9, 30)])
def test_every_date_form_of_formats_md_is_read(county, cell):
    data = xlsx_bytes([SAMPLES["coverage"][0], ["赫山区第一联合党支部", CODE[1], cell, None]])
    assert_ok(import_file("coverage", data, "coverage.xlsx"), created=1)
    assert Coverage.objects.get().start == date(2021, 3, 5)


@pytest.mark.parametrize("cell, expected", [
    ("是", True), ("否", False), ("Y", True), ("n", False), ("1", True), ("0", False),
    ("true", True), ("FALSE", False), ("√", True), ("", False), (1, True), (0, False),
    (True, True), (False, False),
])
def test_every_yes_no_form_of_formats_md_is_read(county, cell, expected):
    header = SAMPLES["members"][0]
    data = xlsx_bytes([header, ["DY0001", "王红", "女", "正式党员", None, None,
                                "赫山区第一联合党支部", date(2021, 1, 1), None, cell]])
    assert_ok(import_file("members", data, "members.xlsx"), created=1)
    assert Membership.objects.get().is_secretary is expected


def test_choices_are_read_in_chinese_even_when_the_user_reads_english(county):
    with translation.override("en"):
        assert_ok(import_rows("branches", SAMPLES["branches"]), created=2)


def test_an_empty_required_cell_is_an_error(county):
    result = import_rows("coverage", [SAMPLES["coverage"][0],
                                      ["赫山区第一联合党支部", " ", "2021-01-01", ""]])
    assert errors_of(result) == ["row 2, column 统一社会信用代码: “统一社会信用代码”为必填项"]


# Row numbers -----------------------------------------------------------------------------


def bad_rows_between_blank_ones():
    return [SAMPLES["coverage"][0],
            ["赫山区第一联合党支部", CODE[1], "2021-01-01", ""],
            ["", "", "", ""],
            ["赫山区第九党支部", CODE[2], "2021-01-01", ""],
            [None, None, None, None],
            ["", "", "", ""],
            ["赫山区第一联合党支部", CODE[3], "2021-13-01", ""],
            ["赫山区第一联合党支部", CODE[4], "2021-01-01", "2020-01-01"]]


EXPECTED_LINES = [
    "row 4, column 支部名称: 支部“赫山区第九党支部”不存在，请先导入该支部",
    "row 7, column 开始日期: 日期“2021-13-01”不存在",
    "row 8, column 结束日期: 结束日期 2020-01-01 不能早于开始日期 2021-01-01",
]


@pytest.mark.parametrize("form", FORMATS)
def test_every_bad_row_is_reported_with_its_excel_row_number_across_blank_rows(county, form):
    before = database_state()
    data, filename = file_of(bad_rows_between_blank_ones(), form)
    assert errors_of(import_file("coverage", data, filename)) == EXPECTED_LINES
    assert database_state() == before


def test_cross_row_problems_are_reported_beside_problems_of_single_rows(county):
    result = import_rows("coverage", [
        SAMPLES["coverage"][0], ["赫山区第一联合党支部", CODE[1], "2021-01-01", ""],
        ["赫山区第九党支部", CODE[2], "2021-01-01", ""],
        ["赫山区阳光党支部", CODE[1], "2022-01-01", ""]])
    assert [line.split(":")[0] for line in errors_of(result)] == [
        "row 3, column 支部名称", "row 4, column 统一社会信用代码"]


# Queries ---------------------------------------------------------------------------------


def many_rows(kind: str, first: int, count: int) -> list[list]:
    """`count` valid rows of the kind about institutions first..first+count-1 of `many`."""
    numbers = range(first, first + count)
    if kind == "coverage":
        return [SAMPLES[kind][0]] + [["赫山区第一联合党支部", make_credit_code(n, "430903"),
                                      D(2021, 1, 1), None] for n in numbers]
    if kind == "members":
        return [SAMPLES[kind][0]] + [[f"DY{n:05d}", "王红", "女", "正式党员", None,
                                      make_credit_code(n, "430903"), "赫山区第一联合党支部",
                                      D(2021, 1, 1), None, "否"] for n in numbers]
    if kind == "assignments":
        return [SAMPLES[kind][0]] + [["ZD001", make_credit_code(n, "430903"), D(2022, 1, 1),
                                      None] for n in numbers]
    return [SAMPLES[kind][0]] + [["赫山区第一联合党支部", f"第{n}党支部", "赫山区第一中学",
                                  D(2022, 3, 1), None] for n in numbers]


@pytest.mark.parametrize("kind", ["coverage", "members", "assignments", "pairings"])
def test_the_number_of_queries_does_not_grow_with_the_rows(county, county_a, kind,
                                                          django_assert_max_num_queries):
    for n in range(100, 160):
        InstitutionFactory(credit_code=make_credit_code(n, "430903"), region=county_a)
    with CaptureQueriesContext(connection) as few:
        assert_ok(import_rows(kind, many_rows(kind, 100, 3)), created=3)
    with django_assert_max_num_queries(len(few)):
        assert_ok(import_rows(kind, many_rows(kind, 103, 50)), created=50)
