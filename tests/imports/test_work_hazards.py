"""Importing hazards (隐患): categories, severities, deadlines and rectification dates."""

from datetime import date

import pytest

from partybuild.imports.engine import run_import
from partybuild.imports.kinds import KINDS
from partybuild.visits.models import Hazard
from tests.factories import InstitutionFactory, InstructorFactory

from .conftest import csv_bytes, xlsx_bytes

TODAY = date(2024, 6, 30)
HEADER = ["统一社会信用代码", "发现日期", "类别", "等级", "描述", "整改期限", "整改完成日期",
          "指导员编号"]


def import_hazards(data: bytes, filename: str = "hazards.csv", **options):
    return run_import(KINDS["hazards"], data, filename, today=TODAY, **options)


def hazard_row(institution, found_on="2024-03-05", category="消防", severity="一般",
               description="灭火器过期未更换", deadline="2024-03-20", rectified_on="",
               instructor=""):
    return [institution.credit_code, found_on, category, severity, description, deadline,
            rectified_on, instructor]


@pytest.fixture
def zhou(db):
    return InstructorFactory(number="ZDY001", name="周敏")


def test_a_hazards_file_creates_the_hazards_with_their_category_and_severity(
        institution_a, zhou, alice):
    data = csv_bytes([HEADER,
                     hazard_row(institution_a, instructor="ZDY001", rectified_on="2024-03-18"),
                     hazard_row(institution_a, "2024-04-02", "房屋建筑", "重大", "二楼走廊墙体开裂",
                                "2024-05-31"),
                     hazard_row(institution_a, "2024-04-02", "food", "major", "食堂无健康证",
                                "2024-04-30")])

    result = import_hazards(data, user=alice)

    assert result.ok and result.summary_line() == "hazards: 3 created, 0 updated"
    fire, wall, food = Hazard.objects.order_by("found_on", "description")
    assert (fire.category, fire.severity, fire.instructor) == ("fire", "general", zhou)
    assert fire.rectified_on == date(2024, 3, 18) and fire.rectified_on_time
    assert fire.recorded_by == alice and fire.history.get().history_user == alice
    assert (wall.category, wall.severity, wall.rectified_on) == ("building", "serious", None)
    assert wall.deadline == date(2024, 5, 31) and wall.instructor is None
    assert (food.category, food.severity) == ("food", "major")


def test_importing_the_same_hazards_file_twice_changes_nothing(institution_a, zhou):
    data = csv_bytes([HEADER, hazard_row(institution_a, instructor="ZDY001"),
                     hazard_row(institution_a, "2024-04-02", description="安全出口堵塞",
                                deadline="2024-04-09")])
    assert import_hazards(data).created == 2
    before = list(Hazard.objects.order_by("pk").values())

    again = import_hazards(data)

    assert again.summary_line() == "hazards: 0 created, 0 updated" and again.unchanged == 2
    assert list(Hazard.objects.order_by("pk").values()) == before


def test_a_rectification_date_added_later_updates_the_hazard(institution_a):
    import_hazards(csv_bytes([HEADER, hazard_row(institution_a),
                             hazard_row(institution_a, description="安全出口堵塞")]))

    result = import_hazards(csv_bytes([HEADER, hazard_row(institution_a, rectified_on="2024/3/25"),
                                      hazard_row(institution_a, description="安全出口堵塞")]))

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    hazard = Hazard.objects.get(description="灭火器过期未更换")
    assert hazard.rectified_on == date(2024, 3, 25) and not hazard.rectified_on_time
    assert hazard.history.count() == 2


def test_an_empty_instructor_keeps_who_found_a_stored_hazard(institution_a, zhou):
    import_hazards(csv_bytes([HEADER, hazard_row(institution_a, instructor="ZDY001")]))

    result = import_hazards(csv_bytes([HEADER, hazard_row(institution_a, instructor="")]))

    assert result.updated == 0 and Hazard.objects.get().instructor == zhou


@pytest.fixture
def closed_institution(county_a):
    return InstitutionFactory(name="赫山区已停办培训学校", region=county_a,
                              opened_on=date(2021, 1, 1), closed_on=date(2024, 2, 29))


@pytest.mark.parametrize(("changes", "column", "message"), [
    ({"found_on": "2019-12-31", "deadline": "2020-01-31"}, "发现日期",
     "机构“赫山区阳光艺术培训学校”于 2020-01-01 开办，发现日期 2019-12-31 尚未开办"),
    ({"found_on": "2024-07-01", "deadline": "2024-07-31"}, "发现日期",
     "发现日期 2024-07-01 晚于今天（2024-06-30），不能录入未来的日期"),
    ({"rectified_on": "2024-03-04"}, "整改完成日期",
     "整改完成日期 2024-03-04 不能早于发现日期 2024-03-05"),
    ({"rectified_on": "2024-07-01"}, "整改完成日期",
     "整改完成日期 2024-07-01 晚于今天（2024-06-30），不能录入未来的日期"),
    ({"deadline": "2024-03-04"}, "整改期限", "整改期限 2024-03-04 不能早于发现日期 2024-03-05"),
    ({"instructor": "ZDY404"}, "指导员编号", "指导员编号“ZDY404”不存在，请先导入该指导员"),
    ({"category": "治安"}, "类别",
     "类别“治安”不在可选值中（消防、房屋建筑、食品、安全管理、其他）"),
    ({"severity": "特大"}, "等级", "等级“特大”不在可选值中（一般、较大、重大）"),
    ({"deadline": ""}, "整改期限", "“整改期限”为必填项"),
    ({"description": "隐" * 501}, "描述", "内容过长：最多 500 个字，当前 501 个字"),
])
def test_a_bad_hazard_row_is_rejected_with_its_row_and_column(institution_a, changes, column,
                                                              message):
    data = csv_bytes([HEADER, hazard_row(institution_a, description="其他隐患"),
                     hazard_row(institution_a, **changes)])

    result = import_hazards(data)

    assert [(error.row, error.column, error.message) for error in result.errors] == [
        (3, column, message)]
    assert Hazard.objects.count() == 0


def test_a_hazard_found_after_the_institution_closed_is_rejected(closed_institution):
    result = import_hazards(csv_bytes([HEADER, hazard_row(closed_institution)]))

    assert [str(error) for error in result.errors] == [
        "row 2, column 发现日期: 机构“赫山区已停办培训学校”已于 2024-02-29 停办，"
        "发现日期 2024-03-05 不在办学期间"]


def test_every_bad_hazard_row_is_reported_and_nothing_is_written(institution_a):
    data = csv_bytes([HEADER,
                     hazard_row(institution_a, description="甲"),
                     hazard_row(institution_a, description="乙", rectified_on="2024-03-01"),
                     hazard_row(institution_a, description="丙"),
                     hazard_row(institution_a, description="丁", deadline="2024-03-01",
                                rectified_on="2024-03-02")])

    result = import_hazards(data)

    assert [(error.row, error.column) for error in result.errors] == [
        (3, "整改完成日期"), (5, "整改期限"), (5, "整改完成日期")]
    assert Hazard.objects.count() == 0


def test_a_closed_out_hazard_keeps_its_rectification_date(institution_a, dave):
    import_hazards(csv_bytes([HEADER, hazard_row(institution_a, rectified_on="2024-03-18")]))
    Hazard.objects.update(closed_out_on=date(2024, 3, 25), closed_out_by=dave)

    result = import_hazards(csv_bytes([HEADER, hazard_row(institution_a, rectified_on="")]))

    assert [error.message for error in result.errors] == [
        "该隐患已于 2024-03-25 销号，不能再修改整改完成日期"]
    assert Hazard.objects.get().rectified_on == date(2024, 3, 18)


def test_a_dry_run_of_hazards_writes_nothing(institution_a):
    result = import_hazards(csv_bytes([HEADER, hazard_row(institution_a)]), dry_run=True)

    assert result.ok and result.created == 1 and Hazard.objects.count() == 0


def test_an_xlsx_hazards_file_with_date_cells_imports(institution_a):
    data = xlsx_bytes([HEADER, [institution_a.credit_code, date(2024, 3, 5), "消防", "较大",
                               "灭火器过期未更换", date(2024, 3, 20), date(2024, 3, 19), None]])

    result = import_hazards(data, "hazards.xlsx")

    assert result.ok
    hazard = Hazard.objects.get()
    assert (hazard.found_on, hazard.deadline, hazard.rectified_on) == (
        date(2024, 3, 5), date(2024, 3, 20), date(2024, 3, 19))


def test_staff_of_another_county_cannot_import_hazards_here(institution_a, eve):
    result = import_hazards(csv_bytes([HEADER, hazard_row(institution_a)]), user=eve)

    assert [error.message for error in result.errors] == [
        "机构“赫山区阳光艺术培训学校”不在您管辖的区划内"]
    assert Hazard.objects.count() == 0
