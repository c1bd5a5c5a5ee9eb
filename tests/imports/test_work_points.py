"""Importing red-list points (红名单积分) into the append-only ledger."""

from datetime import date
from decimal import Decimal

import pytest

from partybuild.imports.engine import run_import
from partybuild.imports.kinds import KINDS
from partybuild.points.models import PointEntry
from tests.factories import InstitutionFactory

from .conftest import csv_bytes, xlsx_bytes

TODAY = date(2024, 6, 30)
HEADER = ["统一社会信用代码", "日期", "分值", "事由"]


def import_points(data: bytes, filename: str = "points.csv", **options):
    return run_import(KINDS["points"], data, filename, today=TODAY, **options)


def points_row(institution, day="2024-03-05", points="2", reason="参与社区志愿服务"):
    return [institution.credit_code, day, points, reason]


def ledger() -> list[tuple]:
    return list(PointEntry.objects.order_by("date", "reason").values_list(
        "date", "points", "reason"))


def test_a_points_file_adds_signed_entries_with_one_decimal(institution_a, alice):
    data = csv_bytes([HEADER, points_row(institution_a),
                     points_row(institution_a, "2024-04-01", "1.5", "党建工作经验交流发言"),
                     points_row(institution_a, "2024-05-10", "-0.5", "党建台账不完整"),
                     points_row(institution_a, "2024-05-11", "+3", "获评区级先进党组织")])

    result = import_points(data, user=alice)

    assert result.summary_line() == "points: 4 created, 0 updated"
    assert ledger() == [
        (date(2024, 3, 5), Decimal("2.0"), "参与社区志愿服务"),
        (date(2024, 4, 1), Decimal("1.5"), "党建工作经验交流发言"),
        (date(2024, 5, 10), Decimal("-0.5"), "党建台账不完整"),
        (date(2024, 5, 11), Decimal("3.0"), "获评区级先进党组织"),
    ]
    assert {entry.created_by for entry in PointEntry.objects.all()} == {alice}


def test_importing_the_same_points_file_twice_adds_nothing(institution_a):
    data = csv_bytes([HEADER, points_row(institution_a),
                     points_row(institution_a, "2024-05-10", "-0.5", "党建台账不完整")])
    assert import_points(data).created == 2

    again = import_points(data)

    assert again.summary_line() == "points: 0 created, 0 updated" and again.unchanged == 2
    assert PointEntry.objects.count() == 2


def test_the_same_points_written_differently_are_the_same_entry(institution_a):
    import_points(csv_bytes([HEADER, points_row(institution_a, points="2")]))

    again = import_points(csv_bytes([HEADER, points_row(institution_a, points="2.0")]))

    assert again.ok and again.unchanged == 1 and PointEntry.objects.count() == 1


def test_a_stored_entry_is_never_rewritten_by_an_import(institution_a):
    """FORMATS.md updates matched rows; the ledger is append-only, so a change is refused."""
    import_points(csv_bytes([HEADER, points_row(institution_a, points="2")]))

    result = import_points(csv_bytes([HEADER, points_row(institution_a, points="3"),
                                     points_row(institution_a, "2024-03-06", "-2",
                                                "更正：参与社区志愿服务")]))

    assert [str(error) for error in result.errors] == [
        "row 2, column 分值: 积分记录不能修改：请另起一行录入更正记录（该机构 2024-03-05"
        "“参与社区志愿服务”已记 +2.0 分，文件中为 +3.0 分）"]
    assert ledger() == [(date(2024, 3, 5), Decimal("2.0"), "参与社区志愿服务")]


def test_a_correction_is_imported_as_a_new_entry(institution_a):
    import_points(csv_bytes([HEADER, points_row(institution_a, points="2")]))

    result = import_points(csv_bytes([HEADER, points_row(institution_a, points="2"),
                                     points_row(institution_a, "2024-03-06", "-2",
                                                "更正：参与社区志愿服务")]))

    assert (result.created, result.unchanged) == (1, 1)
    assert sum(PointEntry.objects.values_list("points", flat=True)) == 0


@pytest.mark.parametrize(("changes", "column", "message"), [
    ({"points": "1.25"}, "分值", "分值“1.25”最多保留一位小数"),
    ({"points": "两分"}, "分值", "“两分”不是数字"),
    ({"points": "0"}, "分值", "分值不能为0：加分填正数，扣分填负数"),
    ({"points": ""}, "分值", "“分值”为必填项"),
    ({"day": "2024-07-01"}, "日期", "日期 2024-07-01 晚于今天（2024-06-30），不能录入未来的日期"),
    ({"day": "2019-12-31"}, "日期",
     "机构“赫山区阳光艺术培训学校”于 2020-01-01 开办，日期 2019-12-31 尚未开办"),
    ({"reason": ""}, "事由", "“事由”为必填项"),
    ({"reason": "由" * 301}, "事由", "内容过长：最多 300 个字，当前 301 个字"),
])
def test_a_bad_points_row_is_rejected_with_its_row_and_column(institution_a, changes, column,
                                                              message):
    data = csv_bytes([HEADER, points_row(institution_a, reason="另一条事由"),
                     points_row(institution_a, **changes)])

    result = import_points(data)

    [error] = result.errors
    assert (error.row, error.column) == (3, column) and message in error.message
    assert PointEntry.objects.count() == 0


def test_every_bad_points_row_is_reported_and_nothing_is_written(institution_a, county_a):
    closed = InstitutionFactory(region=county_a, opened_on=date(2021, 1, 1),
                                closed_on=date(2023, 12, 31))
    data = csv_bytes([HEADER, points_row(institution_a), points_row(institution_a, points="0.05",
                                                                   reason="甲"),
                     points_row(closed, reason="乙"), points_row(institution_a, reason="丙")])

    result = import_points(data)

    assert [(error.row, error.column) for error in result.errors] == [(3, "分值"), (4, "日期")]
    assert PointEntry.objects.count() == 0


def test_a_dry_run_of_points_writes_nothing(institution_a):
    result = import_points(csv_bytes([HEADER, points_row(institution_a)]), dry_run=True)

    assert result.ok and result.created == 1 and PointEntry.objects.count() == 0


def test_an_xlsx_points_file_with_number_and_date_cells_imports(institution_a):
    data = xlsx_bytes([HEADER, [institution_a.credit_code, date(2024, 3, 5), 1.5, "志愿服务"],
                      [institution_a.credit_code, date(2024, 3, 6), -2, "台账缺失"]])

    assert import_points(data, "points.xlsx").created == 2
    assert ledger() == [(date(2024, 3, 5), Decimal("1.5"), "志愿服务"),
                        (date(2024, 3, 6), Decimal("-2.0"), "台账缺失")]


def test_staff_of_another_county_cannot_give_points_here(institution_a, eve):
    result = import_points(csv_bytes([HEADER, points_row(institution_a)]), user=eve)

    assert [error.message for error in result.errors] == [
        "机构“赫山区阳光艺术培训学校”不在您管辖的区划内"]
    assert PointEntry.objects.count() == 0
