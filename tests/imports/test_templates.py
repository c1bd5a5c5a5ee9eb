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
    for column, cell in zip(kind_class.columns, cells, strict=True):
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

    assert headers["机构名称"].font.color.rgb.endswith("C00000")
    assert headers["机构名称"].comment.text.startswith("必填")
    assert headers["地址"].comment.text.startswith("选填")
    assert example["开办日期"].is_date
    assert example["统一社会信用代码"].data_type == "s"


def test_the_example_rows_of_all_templates_import_cleanly_in_dependency_order(city):
    CommitteeFactory(name="益阳市委教育工委", level=Committee.Level.WORK_COMMITTEE, region=city)

    for name, kind_class in KINDS.items():
        result = run_import(kind_class, template_workbook(kind_class), f"{name}.xlsx",
                            today=TODAY)
        assert result.ok, (name, result.error_lines())

    institution = Institution.objects.get()
    assert institution.name == "赫山区阳光艺术培训学校"
    assert institution.opened_on == date(2021, 3, 5)
    assert institution.coverages.get().branch.name == "赫山区阳光艺术培训学校党支部"
    assert Visit.objects.get().institution == institution
    assert Hazard.objects.get().rectified_on == date(2025, 3, 20)
    assert Activity.objects.get().kind == Activity.Kind.THEME_DAY
    assert PointEntry.objects.get().points == 5
