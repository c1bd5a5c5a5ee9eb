"""The rules of "Files as offices really save them", one by one, on small files."""

from datetime import date

import pytest

from partybuild.imports.engine import NUMBER_TRAP
from partybuild.instructors.models import Instructor
from partybuild.organisation.models import Institution

from .conftest import CODE, csv_bytes, errors_of, import_file, xlsx_bytes

HEADER = ["机构名称", "统一社会信用代码", "类别", "证照状态", "所属区划", "开办日期"]
NEW = {n: [f"赫山区第{n}培训学校", CODE[n], "文化艺术", "有照有证", "430903",
           "2021-03-05"] for n in range(5, 9)}
INSTRUCTOR_HEADER = ["指导员编号", "姓名", "来源类型", "来源单位", "手机"]


def test_a_title_row_and_a_unit_line_above_the_header_are_skipped(county):
    rows = [["2023年益阳市校外培训机构名单"], ["填报单位：赫山区教育局", "", "单位：所"],
            HEADER, NEW[5]]
    result = import_file("institutions", csv_bytes(rows))
    assert result.ok, result.error_lines()
    assert result.summary_line() == "institutions: 1 created, 0 updated（第 1–2 行是标题，已跳过）"


def test_errors_keep_the_row_numbers_excel_shows(county):
    rows = [["2023年名单"], HEADER, NEW[5], [*NEW[6][:2], "舞蹈", *NEW[6][3:]]]
    assert errors_of(import_file("institutions", csv_bytes(rows))) == [
        "row 4, column 类别: 类别“舞蹈”不在可选值中（学科类、文化艺术、体育、科技）"]


def test_a_header_below_row_10_is_not_looked_for(county):
    rows = [[f"标题{n}"] for n in range(10)] + [HEADER, NEW[5]]
    lines = import_file("institutions", csv_bytes(rows)).error_lines()
    assert lines[0].startswith("row 1, column 标题0: 未知的列“标题0”")


def test_one_known_name_is_not_a_header_row(county):
    rows = [["机构名称", "说明"], HEADER, NEW[5]]
    result = import_file("institutions", csv_bytes(rows))
    assert result.ok and result.notes == ["第 1 行是标题，已跳过"]


@pytest.mark.parametrize("serial", ["序号", "编号", "No.", "NO", "no."])
def test_serial_number_columns_are_ignored(county, serial):
    rows = [[serial, *HEADER], [1, *NEW[5]], [2, *NEW[6]]]
    assert import_file("institutions", xlsx_bytes(rows), "institutions.xlsx").created == 2


@pytest.mark.parametrize("decorated", [
    "统一社会信用代码*", "统一社会信用代码（18位）", "统一社会信用代码(18位)", "统一社会\n信用代码",
    " 统一社会信用代码 ", "*统一社会信用代码", "统一社会信用代码\r\n（必填）", "credit_code*",
])
def test_decorated_headers_are_recognised(county, decorated):
    header = [decorated if name == "统一社会信用代码" else name for name in HEADER]
    result = import_file("institutions", xlsx_bytes([header, NEW[5]]), "institutions.xlsx")
    assert result.ok, result.error_lines()


def test_footer_rows_are_ignored_and_counted(county):
    rows = [HEADER, NEW[5], NEW[6], [], ["填表人：张丽", "", "", "", "", "填表日期：2024-01-05"],
            ["审核人：王强"], ["备注：无"], ["说明：按季度报送"], ["制表：赫山区教育局"],
            ["负责人：李明"], ["填报人：陈静"]]
    result = import_file("institutions", csv_bytes(rows))
    assert result.ok, result.error_lines()
    assert result.summary_line() == "institutions: 2 created, 0 updated（忽略 7 行表尾）"


def test_a_footer_word_in_a_data_row_is_still_data(county):
    """备注 starting a row whose required columns are filled is a (bad) data row, not a footer."""
    rows = [HEADER, NEW[5], ["备注机构", CODE[6], "文化艺术", "有照有证", "430903", "2021-03-05"]]
    result = import_file("institutions", csv_bytes(rows))
    assert result.created == 2 and not result.notes


def test_a_footer_in_the_middle_is_not_skipped(county):
    rows = [HEADER, ["填表人：张丽"], NEW[5]]
    assert errors_of(import_file("institutions", csv_bytes(rows)))[0].startswith("row 2, ")


@pytest.mark.parametrize("typed", [
    lambda code: " ".join(code[i:i + 4] for i in range(0, 18, 4)),
    lambda code: code[:6] + "-" + code[6:12] + "－" + code[12:],
    lambda code: code.lower(),
    lambda code: code.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)}),
    lambda code: "\u3000" + code + " ",
])
def test_credit_codes_are_normalised_before_they_are_checked(county, typed):
    row = [*NEW[5][:1], typed(CODE[5]), *NEW[5][2:]]
    result = import_file("institutions", csv_bytes([HEADER, row]))
    assert result.ok, result.error_lines()
    assert Institution.objects.filter(credit_code=CODE[5]).exists()


def test_a_normalised_code_finds_the_stored_institution(county):
    row = [NEW[5][0], CODE[1].lower(), *NEW[5][2:]]
    assert import_file("institutions", csv_bytes([HEADER, row])).updated == 1


@pytest.mark.parametrize("value", [524309022584099296, 5.24309022584099e17, 13807371234])
def test_a_credit_code_in_a_number_cell_is_refused(county, value):
    row = [NEW[5][0], value, *NEW[5][2:]]
    assert errors_of(import_file("institutions", xlsx_bytes([HEADER, row]),
                                 "institutions.xlsx")) == [
        f"row 2, column 统一社会信用代码: {NUMBER_TRAP}"]


@pytest.mark.parametrize("text", ["5.24309E+17", "5.24309e+17", "5E+17"])
def test_a_credit_code_written_like_excel_shows_large_numbers_is_refused(county, text):
    row = [NEW[5][0], text, *NEW[5][2:]]
    assert errors_of(import_file("institutions", csv_bytes([HEADER, row]))) == [
        f"row 2, column 统一社会信用代码: {NUMBER_TRAP}"]


def test_a_permit_number_in_a_number_cell_is_refused(county):
    header = [*HEADER, "办学许可证号"]
    row = [*NEW[5][:5], date(2021, 3, 5), 143090370001234]
    assert errors_of(import_file("institutions", xlsx_bytes([header, row]),
                                 "institutions.xlsx")) == [
        f"row 2, column 办学许可证号: {NUMBER_TRAP}"]


def test_instructor_numbers_and_phones_in_number_cells_are_refused(county):
    rows = [INSTRUCTOR_HEADER, [430903001, "孙丽", "教育行政部门", "赫山区教育局", "13807371234"],
            ["ZD9", "周明", "公办学校", "益阳市第六中学", 13807371235]]
    assert errors_of(import_file("instructors", xlsx_bytes(rows), "instructors.xlsx")) == [
        f"row 2, column 指导员编号: {NUMBER_TRAP}", f"row 3, column 手机: {NUMBER_TRAP}"]
    assert not Instructor.objects.filter(name__in=["孙丽", "周明"]).exists()


def test_numbers_typed_as_text_import(county):
    rows = [INSTRUCTOR_HEADER, ["４３０９０３００１", "孙丽", "教育行政部门", "赫山区教育局",
                                "13807371234"]]
    result = import_file("instructors", xlsx_bytes(rows), "instructors.xlsx")
    assert result.ok, result.error_lines()
    assert Instructor.objects.get(name="孙丽").number == "430903001"


def test_a_member_number_in_a_number_cell_is_refused(county):
    header = ["党员编号", "姓名", "类别", "所在支部", "转入日期"]
    rows = [header, [20230001, "王小红", "正式党员", "赫山区第一联合党支部", date(2022, 6, 1)]]
    assert errors_of(import_file("members", xlsx_bytes(rows), "members.xlsx")) == [
        f"row 2, column 党员编号: {NUMBER_TRAP}"]


def test_a_row_marked_as_the_example_is_refused(county):
    rows = [["序号", *HEADER], ["示例（导入前请删除本行）", *NEW[5]], [1, *NEW[6]]]
    assert errors_of(import_file("institutions", xlsx_bytes(rows), "institutions.xlsx")) == [
        "row 2, column 机构名称: 这是模板中的示例行：请删除该行后再导入"]


def test_a_utf8_file_with_a_gbk_row_names_the_row(county):
    data = csv_bytes([HEADER, NEW[5], NEW[6]]) + ",".join(NEW[7]).encode("gbk") + b"\r\n"
    assert import_file("institutions", data).error_lines() == [
        "file: 文件混有两种编码：第 4 行起不是 UTF-8。请在 Excel/WPS 中打开，"
        "另存为“CSV UTF-8”或 XLSX 后重新导入。"]


def test_an_empty_unnamed_column_is_ignored_but_one_with_data_is_not(county):
    rows = [[*HEADER, "", "地址"], [*NEW[5], "", "桃花仑路1号"]]
    assert import_file("institutions", xlsx_bytes(rows), "institutions.xlsx").ok
    rows = [[*HEADER, "", "地址"], [*NEW[6], "多出来的", "桃花仑路1号"]]
    assert errors_of(import_file("institutions", xlsx_bytes(rows), "institutions.xlsx")) == [
        "row 1, column 第7列: 未知的列“”（培训机构的列为：机构名称、统一社会信用代码、"
        "办学许可证号、类别、证照状态、所属区划、地址、举办者、开办日期、停办日期、"
        "党建入章程、从业人员数）"]
