"""The downloadable XLSX templates: headers the importer accepts, a valid example row, and
an instructions sheet listing every column."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from partybuild.activities.models import Activity
from partybuild.imports.engine import match_headers, run_import
from partybuild.imports.kinds import KINDS
from partybuild.imports.readers import read_table
from partybuild.imports.templates_xlsx import allowed_values, template_workbook
from partybuild.organisation.models import Committee, Institution
from partybuild.points.models import PointEntry
from partybuild.visits.models import Hazard, Visit
from tests.factories import CommitteeFactory

TODAY = date(2026, 11, 22)


def workbook_of(kind_class):
    return load_workbook(io.BytesIO(template_workbook(kind_class)))


@pytest.mark.parametrize("name", list(KINDS))
def test_every_template_header_row_is_accepted_by_the_importer(name):
    kind_class = KINDS[name]
    table = read_table(template_workbook(kind_class), f"{name}.xlsx")

    mapping, errors = match_headers(kind_class(None), table.headers)

    assert errors == []
    assert [column.key for column in mapping.values()] == [c.key for c in kind_class.columns]


@pytest.mark.parametrize("name", list(KINDS))
def test_every_example_cell_parses_with_its_column(name):
    kind_class = KINDS[name]
    table = read_table(template_workbook(kind_class), f"{name}.xlsx")

    assert len(table.rows) == 1
    number, cells = table.rows[0]
    assert number == 2
    assert table.headers[0] == "序号" and cells[0].startswith("示例")
    for column, cell in zip(kind_class.columns, cells[1:], strict=True):
        column.parse(cell)
        if column.required:
            assert cell not in (None, ""), column.label


@pytest.mark.parametrize("name", list(KINDS))
def test_every_template_has_an_instructions_sheet_listing_each_column(name):
    kind_class = KINDS[name]
    workbook = workbook_of(kind_class)

    assert workbook.sheetnames[1] == "填写说明"
    rows = list(workbook["填写说明"].iter_rows(values_only=True))
    assert rows[0] == ("列名", "英文键", "是否必填", "可选值", "填写说明")
    listed = {row[1]: row for row in rows[1:len(kind_class.columns) + 1]}
    for column in kind_class.columns:
        label, key, required, allowed, note = listed[column.key]
        assert label == column.label
        assert required == ("是" if column.required else "否")
        assert note


def test_choice_columns_list_their_chinese_values_on_the_instructions_sheet():
    rows = {row[1]: row for row in workbook_of(KINDS["institutions"])["填写说明"].iter_rows(
        values_only=True)}

    assert rows["category"][3] == "学科类、文化艺术、体育、科技"
    assert rows["licence"][3] == "有照有证、有照无证、无照无证"
    assert rows["charter"][3] == "是、否"
    assert "2023年3月5日" in rows["opened_on"][4]


def test_an_optional_choice_column_still_lists_its_values():
    gender = next(c for c in KINDS["members"].columns if c.key == "gender")

    assert allowed_values(gender) == ("男", "女")


def test_required_headers_are_marked_in_red_with_a_comment_and_dates_are_date_cells():
    sheet = workbook_of(KINDS["institutions"]).worksheets[0]
    headers = {cell.value: cell for cell in sheet[1]}
    example = dict(zip((cell.value for cell in sheet[1]), sheet[2], strict=True))
    columns = {cell.value: cell.column_letter for cell in sheet[1]}

    assert headers["机构名称"].font.color.rgb.endswith("C00000")
    assert headers["机构名称"].comment.text.startswith("必填")
    assert headers["地址"].comment.text.startswith("选填")
    assert example["开办日期"].is_date
    assert example["统一社会信用代码"].data_type == "s"
    # Every code and number column is text on every row, not only the example's.
    for label in ("统一社会信用代码", "办学许可证号", "所属区划"):
        assert sheet.column_dimensions[columns[label]].number_format == "@"
        assert sheet[f"{columns[label]}300"].number_format == "@"
    assert sheet.column_dimensions[columns["开办日期"]].number_format == "yyyy-mm-dd"


@pytest.mark.parametrize("name", ["institutions", "members", "instructors", "visits"])
def test_code_columns_of_every_template_are_text(name):
    kind_class = KINDS[name]
    sheet = workbook_of(kind_class).worksheets[0]
    letters = {cell.value: cell.column_letter for cell in sheet[1]}
    for column in kind_class.columns:
        if column.key in ("credit_code", "permit_no", "number", "instructor", "phone"):
            assert sheet.column_dimensions[letters[column.label]].number_format == "@"


@pytest.mark.parametrize("name", list(KINDS))
def test_a_template_imported_with_its_example_row_left_in_is_refused(city, name):
    result = run_import(KINDS[name], template_workbook(KINDS[name]), f"{name}.xlsx",
                        today=TODAY)
    assert not result.ok
    [error] = result.errors
    assert error.row == 2
    assert error.message == "这是模板中的示例行：请删除该行后再导入"


def test_the_example_rows_of_all_templates_import_cleanly_in_dependency_order(city):
    CommitteeFactory(name="益阳市委教育工委", level=Committee.Level.WORK_COMMITTEE, region=city)

    for name, kind_class in KINDS.items():
        # The user keeps the example's values as a real record but clears its 示例 mark.
        workbook = workbook_of(kind_class)
        workbook.worksheets[0]["A2"] = None
        buffer = io.BytesIO()
        workbook.save(buffer)
        result = run_import(kind_class, buffer.getvalue(), f"{name}.xlsx", today=TODAY)
        assert result.ok, (name, result.error_lines())

    institution = Institution.objects.get()
    assert institution.name == "赫山区阳光艺术培训学校"
    assert institution.opened_on == date(2021, 3, 5)
    assert institution.coverages.get().branch.name == "赫山区阳光艺术培训学校党支部"
    assert Visit.objects.get().institution == institution
    assert Hazard.objects.get().rectified_on == date(2025, 3, 20)
    assert Activity.objects.get().kind == Activity.Kind.THEME_DAY
    assert PointEntry.objects.get().points == 5
