"""Importing regions, party committees and institutions (FORMATS.md: the first three kinds)."""

from datetime import date

from partybuild.organisation.models import Committee, Institution
from partybuild.organisation.scoping import institutions_visible_to
from partybuild.regions.models import Region
from tests.factories import CommitteeFactory, InstitutionFactory, RegionFactory
from tests.organisation.db_state import database_state

from .conftest import CODE, assert_ok, errors_of, import_rows

REGION_HEADER = ["区划代码", "名称", "上级代码"]
COMMITTEE_HEADER = ["名称", "层级", "所属区划", "上级党组织"]
INSTITUTION_HEADER = ["机构名称", "统一社会信用代码", "办学许可证号", "类别", "证照状态",
                      "所属区划", "地址", "举办者", "开办日期", "停办日期", "党建入章程",
                      "从业人员数"]


# Regions --------------------------------------------------------------------------------


def test_regions_are_created_children_before_parents_then_nothing_changes(db):
    rows = [REGION_HEADER,
            ["430903001", "赫山街道", "430903"],
            ["430903", "赫山区", "430900"],
            ["430900", "益阳市", ""]]
    assert_ok(import_rows("regions", rows), created=3, updated=0)
    assert_ok(import_rows("regions", rows), created=0, updated=0)
    street = Region.objects.get(code="430903001")
    assert (street.path, street.level, street.parent.name) == (
        "/430900/430903/430903001/", "street", "赫山区")
    assert Region.objects.get(code="430900").level == "city"


def test_renaming_a_region_is_one_update(city, county_a):
    assert_ok(import_rows("regions", [REGION_HEADER, ["430903", "益阳市赫山区", "430900"]]),
              created=0, updated=1)
    county_a.refresh_from_db()
    assert county_a.name == "益阳市赫山区"
    assert county_a.history.latest().name == "益阳市赫山区"


def test_a_region_under_an_unknown_parent_is_rejected(db):
    result = import_rows("regions", [REGION_HEADER, ["430903", "赫山区", "430900"]])
    assert errors_of(result) == ["row 2, column 上级代码: 上级区划“430900”不存在"]
    assert not Region.objects.exists()


def test_regions_that_are_each_others_parent_are_rejected(db):
    result = import_rows("regions", [REGION_HEADER, ["430903", "赫山区", "430902"],
                                     ["430902", "资阳区", "430903"]])
    assert "上级代码“430903”形成循环" in " ".join(errors_of(result))
    assert not Region.objects.exists()


def test_moving_a_region_under_its_own_child_is_rejected(city, county_a):
    before = database_state()
    result = import_rows("regions", [REGION_HEADER, ["430900", "益阳市", "430903"]])
    assert errors_of(result) == [
        "row 2, column 上级代码: 上级代码“430903”是“益阳市”的下级区划，形成循环"]
    assert database_state() == before


def test_moving_a_region_moves_the_regions_below_it_that_the_file_does_not_list(city, county_a):
    street = RegionFactory(code="430903001", name="赫山街道", level="street", parent=county_a)
    province = RegionFactory(code="430000", name="湖南省", level="province", parent=None)
    assert_ok(import_rows("regions", [REGION_HEADER, ["430900", "益阳市", "430000"]]),
              created=0, updated=1)
    county_a.refresh_from_db()
    street.refresh_from_db()
    assert county_a.path == "/430000/430900/430903/"
    assert street.path == "/430000/430900/430903/430903001/"
    assert province.path == "/430000/"


def test_a_region_code_that_is_not_digits_is_rejected(db):
    result = import_rows("regions", [REGION_HEADER, ["43O903", "赫山区", ""]])
    assert errors_of(result) == ["row 2, column 区划代码: 区划代码“43O903”应为6至12位数字"]


def test_county_staff_may_add_a_street_but_not_rename_the_city(county_a, county_b, alice):
    assert_ok(import_rows("regions", [REGION_HEADER, ["430903001", "赫山街道", "430903"]],
                          user=alice), created=1)
    before = database_state()
    result = import_rows("regions", [REGION_HEADER, ["430900", "益阳", ""],
                                     ["430902001", "资阳街道", "430902"]], user=alice)
    assert errors_of(result) == ["row 2, column 区划代码: 区划“益阳市”不在您管辖的范围内",
                                 "row 3, column 区划代码: 只能在您管辖的区划下新增区划"]
    assert database_state() == before


def test_county_staff_cannot_move_their_street_into_another_county(county_a, county_b, alice):
    RegionFactory(code="430903001", name="赫山街道", level="street", parent=county_a)
    before = database_state()
    result = import_rows("regions", [REGION_HEADER, ["430903001", "赫山街道", "430902"]],
                         user=alice)
    assert errors_of(result) == ["row 2, column 上级代码: 不能把区划移到您管辖的范围以外"]
    assert database_state() == before


# Committees -----------------------------------------------------------------------------


def test_committees_are_created_with_a_parent_later_in_the_file(city, county_a):
    rows = [COMMITTEE_HEADER,
            ["赫山区民办教育党委", "民办教育党委", "430903", "益阳市教育工委"],
            ["益阳市教育工委", "教育工委", "430900", ""]]
    assert_ok(import_rows("committees", rows), created=2, updated=0)
    assert_ok(import_rows("committees", rows), created=0, updated=0)
    county = Committee.objects.get(name="赫山区民办教育党委")
    assert (county.level, county.region, county.parent.name) == (
        "private_education", county_a, "益阳市教育工委")


def test_giving_a_committee_a_new_parent_from_the_same_file_is_one_update(city, committee_a):
    result = assert_ok(import_rows("committees", [
        COMMITTEE_HEADER, ["赫山区民办教育党委", "private_education", "430903", "益阳市教育工委"],
        ["益阳市教育工委", "work_committee", "430900", ""]]), created=1, updated=1)
    assert result.summary_line() == "committees: 1 created, 1 updated"
    committee_a.refresh_from_db()
    assert committee_a.parent.name == "益阳市教育工委"


def test_an_empty_parent_cell_keeps_the_stored_parent(city, county_a):
    parent = CommitteeFactory(name="益阳市教育工委", level="work_committee", region=city)
    child = CommitteeFactory(name="赫山区民办教育党委", region=county_a, parent=parent)
    assert_ok(import_rows("committees", [
        COMMITTEE_HEADER, ["赫山区民办教育党委", "民办教育党委", "430903", ""]]), updated=0)
    child.refresh_from_db()
    assert child.parent == parent


def test_committees_with_an_unknown_region_parent_or_level_are_rejected(city, county_a):
    result = import_rows("committees", [
        COMMITTEE_HEADER, ["赫山区民办教育党委", "民办教育党委", "439999", ""],
        ["资阳区民办教育党委", "民办教育党委", "430900", "湖南省教育工委"],
        ["沅江市民办教育党委", "党委", "430900", ""]])
    assert errors_of(result) == [
        "row 2, column 所属区划: 区划“439999”不存在",
        "row 3, column 上级党组织: 上级党组织“湖南省教育工委”不存在（数据库和本文件中都没有）",
        "row 4, column 层级: 层级“党委”不在可选值中（教育工委、民办教育党委）",
    ]
    assert not Committee.objects.exists()


def test_committees_whose_parents_form_a_cycle_are_rejected(city):
    result = import_rows("committees", [
        COMMITTEE_HEADER, ["甲党委", "教育工委", "430900", "乙党委"],
        ["乙党委", "教育工委", "430900", "甲党委"]])
    assert errors_of(result) == [
        "row 2, column 上级党组织: 上级党组织“乙党委”形成循环（上级链条回到了“甲党委”）",
        "row 3, column 上级党组织: 上级党组织“甲党委”形成循环（上级链条回到了“乙党委”）",
    ]
    assert not Committee.objects.exists()


def test_county_staff_may_name_the_city_committee_as_parent_but_not_edit_it(
        city, county_a, alice):
    CommitteeFactory(name="益阳市教育工委", level="work_committee", region=city)
    assert_ok(import_rows("committees", [
        COMMITTEE_HEADER, ["赫山区民办教育党委", "民办教育党委", "430903", "益阳市教育工委"]],
        user=alice), created=1)
    before = database_state()
    result = import_rows("committees", [
        COMMITTEE_HEADER, ["益阳市教育工委", "教育工委", "430903", ""]], user=alice)
    assert errors_of(result) == [
        "row 2, column 名称: 党组织“益阳市教育工委”属于您管辖范围以外的区划"]
    assert database_state() == before


# Institutions ---------------------------------------------------------------------------


def institution_row(n=1, **changes):
    row = {"name": "赫山区明德培训学校", "credit_code": CODE[n], "permit_no": "教民143090370001号",
           "category": "学科类", "licence": "有照有证", "region_code": "430903",
           "address": "益阳市赫山区桃花仑路1号", "founder": "刘明", "opened_on": "2020-09-01",
           "closed_on": "", "charter": "是", "staff_count": "12"}
    row.update(changes)
    return list(row.values())


def test_institutions_are_created_then_a_second_import_changes_nothing(county_a):
    rows = [INSTITUTION_HEADER, institution_row(1),
            institution_row(2, name="赫山区星光艺术培训中心", category="文化艺术", charter="",
                            staff_count="")]
    assert_ok(import_rows("institutions", rows), created=2, updated=0)
    assert_ok(import_rows("institutions", rows), created=0, updated=0)
    first = Institution.objects.get(credit_code=CODE[1])
    assert (first.category, first.licence, first.opened_on, first.charter_includes_party_building,
            first.staff_count) == ("academic", "licensed_permitted", date(2020, 9, 1), True, 12)
    second = Institution.objects.get(credit_code=CODE[2])
    assert (second.charter_includes_party_building, second.staff_count) == (False, None)


def test_closing_an_institution_by_import_is_one_update_with_history(county_a):
    institution = InstitutionFactory(credit_code=CODE[1], region=county_a, name="明德",
                                     opened_on=date(2020, 9, 1))
    assert_ok(import_rows("institutions", [
        INSTITUTION_HEADER, institution_row(1, name="明德", closed_on="2025/8/31")]), updated=1)
    institution.refresh_from_db()
    assert institution.closed_on == date(2025, 8, 31)
    assert institution.history.latest().closed_on == date(2025, 8, 31)


def test_institution_rows_with_bad_values_report_every_problem(county_a):
    result = import_rows("institutions", [
        INSTITUTION_HEADER, institution_row(1, region_code="439999"),
        institution_row(2, closed_on="2020-08-31"),
        institution_row(3, staff_count="12345678901", category="艺术"),
        institution_row(4, name="长" * 201)])
    assert errors_of(result) == [
        "row 2, column 所属区划: 区划“439999”不存在",
        "row 3, column 停办日期: 停办日期 2020-08-31 不能早于开办日期 2020-09-01",
        "row 4, column 类别: 类别“艺术”不在可选值中（学科类、文化艺术、体育、科技）",
        "row 4, column 从业人员数: “12345678901”过大",
        "row 5, column 机构名称: 内容过长：最多 200 个字，当前 201 个字",
    ]
    assert not Institution.objects.exists()


def test_staff_cannot_import_institutions_into_another_county(county_a, county_b, alice):
    InstitutionFactory(credit_code=CODE[2], region=county_b)
    result = import_rows("institutions", [
        INSTITUTION_HEADER, institution_row(1, region_code="430902"),
        institution_row(2, region_code="430903")], user=alice)
    assert errors_of(result) == [
        "row 2, column 所属区划: 区划“资阳区”不在您管辖的范围内",
        "row 3, column 统一社会信用代码: 该机构属于您管辖范围以外的区划",
    ]
    assert not institutions_visible_to(alice).exists()
