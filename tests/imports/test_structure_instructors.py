"""Importing instructors and their assignments (FORMATS.md: instructors, assignments)."""

from datetime import date

from partybuild.instructors.models import Assignment, Instructor
from tests.factories import AssignmentFactory, InstructorFactory
from tests.organisation.db_state import database_state

from .conftest import CODE, assert_ok, errors_of, import_rows

INSTRUCTOR_HEADER = ["指导员编号", "姓名", "来源类型", "来源单位", "职务", "手机"]
ASSIGNMENT_HEADER = ["指导员编号", "统一社会信用代码", "开始日期", "结束日期"]


def test_instructors_are_created_then_a_second_import_changes_nothing(db):
    rows = [INSTRUCTOR_HEADER,
            ["ZD101", "刘芳", "教育行政部门", "赫山区教育局", "基础教育股股长", "13907370001"],
            ["ZD102", "周建国", "公办学校", "益阳市第一中学", "", ""]]
    assert_ok(import_rows("instructors", rows), created=2, updated=0)
    assert_ok(import_rows("instructors", rows), created=0, updated=0)
    liu = Instructor.objects.get(number="ZD101")
    assert (liu.name, liu.source_type, liu.source_org, liu.title, liu.phone, liu.region) == (
        "刘芳", "education_bureau", "赫山区教育局", "基础教育股股长", "13907370001", None)
    assert Instructor.objects.get(number="ZD102").title == ""


def test_instructors_imported_by_staff_belong_to_the_staff_region(county_a, alice):
    assert_ok(import_rows("instructors", [INSTRUCTOR_HEADER,
                                          ["ZD101", "刘芳", "公办学校", "赫山区第一中学", "", ""]],
                          user=alice), created=1)
    assert Instructor.objects.get(number="ZD101").region == county_a


def test_a_new_phone_number_is_one_update_with_history(db):
    instructor = InstructorFactory(number="ZD101", name="刘芳", source_type="public_school",
                                   source_org="赫山区第一中学", title="", phone="13907370001")
    assert_ok(import_rows("instructors", [
        INSTRUCTOR_HEADER, ["ZD101", "刘芳", "公办学校", "赫山区第一中学", "", "13907370002"]]),
        created=0, updated=1)
    instructor.refresh_from_db()
    assert instructor.phone == "13907370002"
    assert instructor.history.latest().phone == "13907370002"


def test_instructor_rows_with_bad_values_are_rejected(db):
    result = import_rows("instructors", [
        INSTRUCTOR_HEADER, ["ZD101", "刘芳", "民办学校", "赫山区第一中学", "", ""],
        ["ZD102", "周建国", "公办学校", "", "", ""],
        ["ZD103", "王红", "公办学校", "赫山区第一中学", "", "1" * 21]])
    assert errors_of(result) == [
        "row 2, column 来源类型: 来源类型“民办学校”不在可选值中（教育行政部门、公办学校）",
        "row 3, column 来源单位: “来源单位”为必填项",
        "row 4, column 手机: 内容过长：最多 20 个字，当前 21 个字",
    ]
    assert not Instructor.objects.exists()


def test_staff_cannot_edit_an_instructor_of_another_county(county_b, alice):
    InstructorFactory(number="ZD101", name="刘芳", region=county_b)
    before = database_state()
    result = import_rows("instructors", [
        INSTRUCTOR_HEADER, ["ZD101", "刘芳芳", "公办学校", "资阳区第一中学", "", ""]], user=alice)
    assert errors_of(result) == ["row 2, column 指导员编号: 指导员刘芳（ZD101）不在您管辖的区划内"]
    assert database_state() == before


# Assignments ----------------------------------------------------------------------------


def assignments(*rows, **options):
    return import_rows("assignments", [ASSIGNMENT_HEADER, *rows], **options)


def test_assignments_are_created_then_a_second_import_changes_nothing(county):
    rows = [["ZD001", CODE[1], "2022-01-01", "2023-12-31"], ["ZD002", CODE[1], "2024-01-01", ""],
            ["ZD001", CODE[2], "2022-01-01", ""]]
    assert_ok(assignments(*rows), created=3, updated=0)
    assert_ok(assignments(*rows), created=0, updated=0)
    assert set(Assignment.objects.values_list("instructor__number", "institution__credit_code",
                                              "end")) == {
        ("ZD001", CODE[1], date(2023, 12, 31)), ("ZD002", CODE[1], None), ("ZD001", CODE[2], None)}


def test_ending_an_assignment_is_one_update_with_history(county):
    stored = AssignmentFactory(instructor=county.instructors["T1"],
                               institution=county.institutions["I1"], start=date(2022, 1, 1))
    assert_ok(assignments(["ZD001", CODE[1], "2022-01-01", "2024-03-31"]), created=0, updated=1)
    stored.refresh_from_db()
    assert stored.end == date(2024, 3, 31)
    assert stored.history.latest().end == date(2024, 3, 31)


def test_two_instructors_on_one_institution_at_a_hand_over_are_accepted(county):
    """FORMATS.md does not forbid it and real ledgers overlap; the coverage-gaps page shows it."""
    assert_ok(assignments(["ZD001", CODE[1], "2022-01-01", "2024-01-15"],
                          ["ZD002", CODE[1], "2024-01-01", ""]), created=2)


def test_the_same_instructor_assigned_twice_over_one_period_is_rejected(county):
    AssignmentFactory(instructor=county.instructors["T1"], institution=county.institutions["I1"],
                      start=date(2022, 1, 1))
    before = database_state()
    assert errors_of(assignments(["ZD001", CODE[1], "2023-01-01", ""])) == [
        "row 2, column 开始日期: 指导员刘芳在 2022-01-01 至今 已派驻到“赫山区明德培训学校”"
        "（已有记录），派驻期间不能重叠"]
    assert database_state() == before


def test_assignments_of_unknown_instructors_or_institutions_are_rejected(county):
    before = database_state()
    result = assignments(["ZD999", CODE[1], "2022-01-01", ""],
                         ["ZD001", CODE[5], "2022-01-01", ""],
                         ["ZD001", CODE[2], "2022-01-01", "2021-12-31"])
    assert errors_of(result) == [
        "row 2, column 指导员编号: 指导员编号“ZD999”不存在，请先导入该指导员",
        f"row 3, column 统一社会信用代码: 统一社会信用代码为“{CODE[5]}”的机构不存在，"
        "请先导入该机构",
        "row 4, column 结束日期: 结束日期 2021-12-31 不能早于开始日期 2022-01-01",
    ]
    assert database_state() == before


def test_staff_cannot_assign_instructors_in_another_county(county, alice):
    result = assignments(["ZD001", CODE[9], "2022-01-01", ""], user=alice)
    assert errors_of(result) == [
        "row 2, column 统一社会信用代码: 机构“资阳区启明体育培训中心”不在您管辖的区划内"]
    assert not Assignment.objects.exists()
