"""Importing clues (违规线索): substantiated and enforcement flags, dates, references."""

from datetime import date

import pytest

from partybuild.imports.engine import run_import
from partybuild.imports.kinds import KINDS
from partybuild.visits.models import Clue
from tests.factories import InstitutionFactory, InstructorFactory

from .conftest import csv_bytes, xlsx_bytes

TODAY = date(2024, 6, 30)
HEADER = ["统一社会信用代码", "日期", "描述", "是否查实", "参与执法", "指导员编号"]


def import_clues(data: bytes, filename: str = "clues.csv", **options):
    return run_import(KINDS["clues"], data, filename, today=TODAY, **options)


def clue_row(institution, day="2024-03-05", description="超范围招收学科类学员",
             substantiated="", enforcement="", instructor=""):
    return [institution.credit_code, day, description, substantiated, enforcement, instructor]


@pytest.fixture
def zhou(db):
    return InstructorFactory(number="ZDY001", name="周敏")


def test_a_clues_file_creates_the_clues_with_their_flags(institution_a, zhou, alice):
    data = csv_bytes([HEADER,
                     clue_row(institution_a, substantiated="是", enforcement="√",
                              instructor="ZDY001"),
                     clue_row(institution_a, "2024-04-01", "收费公示不全")])

    result = import_clues(data, user=alice)

    assert result.summary_line() == "clues: 2 created, 0 updated"
    found, open_lead = Clue.objects.order_by("date")
    assert (found.substantiated, found.enforcement, found.instructor) == (True, True, zhou)
    assert found.recorded_by == alice
    assert (open_lead.substantiated, open_lead.enforcement, open_lead.instructor) == (
        False, False, None)


def test_importing_the_same_clues_file_twice_changes_nothing(institution_a, zhou):
    data = csv_bytes([HEADER, clue_row(institution_a, substantiated="是", instructor="ZDY001"),
                     clue_row(institution_a, "2024-04-01", "收费公示不全")])
    assert import_clues(data).created == 2
    before = list(Clue.objects.order_by("pk").values())

    again = import_clues(data)

    assert again.summary_line() == "clues: 0 created, 0 updated" and again.unchanged == 2
    assert list(Clue.objects.order_by("pk").values()) == before


def test_a_clue_found_true_later_is_updated(institution_a):
    import_clues(csv_bytes([HEADER, clue_row(institution_a),
                           clue_row(institution_a, "2024-04-01", "收费公示不全")]))

    result = import_clues(csv_bytes([HEADER, clue_row(institution_a, substantiated="Y"),
                                    clue_row(institution_a, "2024-04-01", "收费公示不全")]))

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert Clue.objects.get(date=date(2024, 3, 5)).substantiated


@pytest.mark.parametrize(("changes", "column", "message"), [
    ({"day": "2019-12-31"}, "日期",
     "机构“赫山区阳光艺术培训学校”于 2020-01-01 开办，日期 2019-12-31 尚未开办"),
    ({"day": "2024-07-01"}, "日期", "日期 2024-07-01 晚于今天（2024-06-30），不能录入未来的日期"),
    ({"instructor": "ZDY404"}, "指导员编号", "指导员编号“ZDY404”不存在，请先导入该指导员"),
    ({"substantiated": "属实"}, "是否查实", "“属实”不是是/否"),
    ({"description": ""}, "描述", "“描述”为必填项"),
])
def test_a_bad_clue_row_is_rejected_with_its_row_and_column(institution_a, changes, column,
                                                            message):
    data = csv_bytes([HEADER, clue_row(institution_a, description="其他线索"),
                     clue_row(institution_a, **changes)])

    result = import_clues(data)

    [error] = result.errors
    assert (error.row, error.column) == (3, column) and message in error.message
    assert Clue.objects.count() == 0


def test_a_clue_about_an_unknown_or_closed_institution_is_rejected(county_a, institution_a):
    from partybuild.core.credit_code import make_credit_code

    closed = InstitutionFactory(name="赫山区已停办培训学校", region=county_a,
                                opened_on=date(2021, 1, 1), closed_on=date(2024, 2, 29))
    unknown = make_credit_code(4242)
    data = csv_bytes([HEADER, clue_row(closed), [unknown, "2024-03-05", "无证办学", "", "", ""],
                     clue_row(institution_a)])

    result = import_clues(data)

    assert [str(error) for error in result.errors] == [
        "row 2, column 日期: 机构“赫山区已停办培训学校”已于 2024-02-29 停办，"
        "日期 2024-03-05 不在办学期间",
        f"row 3, column 统一社会信用代码: 统一社会信用代码为“{unknown}”的机构不存在，"
        "请先导入该机构",
    ]
    assert Clue.objects.count() == 0


def test_a_dry_run_of_clues_writes_nothing(institution_a):
    result = import_clues(csv_bytes([HEADER, clue_row(institution_a)]), dry_run=True)

    assert result.ok and result.created == 1 and Clue.objects.count() == 0


def test_an_xlsx_clues_file_with_date_cells_imports(institution_a):
    data = xlsx_bytes([HEADER, [institution_a.credit_code, date(2024, 3, 5), "无证办学", "√", None,
                               None]])

    assert import_clues(data, "clues.xlsx").created == 1
    clue = Clue.objects.get()
    assert clue.date == date(2024, 3, 5) and clue.substantiated and not clue.enforcement


def test_staff_of_another_county_cannot_import_clues_here(institution_a, eve):
    result = import_clues(csv_bytes([HEADER, clue_row(institution_a)]), user=eve)

    assert [error.column for error in result.errors] == ["统一社会信用代码"]
    assert Clue.objects.count() == 0
