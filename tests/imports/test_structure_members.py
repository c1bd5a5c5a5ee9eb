"""Importing party members: one row per membership period (FORMATS.md: members)."""

from datetime import date

from partybuild.organisation.models import Member, Membership
from tests.factories import MemberFactory, MembershipFactory
from tests.organisation.db_state import database_state

from .conftest import CODE, assert_ok, errors_of, import_rows

HEADER = ["党员编号", "姓名", "性别", "类别", "入党日期", "工作单位", "所在支部", "转入日期",
          "转出日期", "是否书记"]


def members(*rows, **options):
    return import_rows("members", [HEADER, *rows], **options)


def test_members_and_memberships_are_created_then_nothing_changes(county):
    rows = [["DY0001", "王红", "女", "正式党员", "2010-07-01", CODE[1], "赫山区第一联合党支部",
             "2021-01-01", "", "是"],
            ["DY0002", "李明", "男", "预备党员", "", "", "赫山区第一联合党支部", "2021-03-01", "",
             ""]]
    result = assert_ok(members(*rows), created=2, updated=0)
    assert result.summary_line() == "members: 2 created, 0 updated"
    assert_ok(members(*rows), created=0, updated=0)
    wang = Member.objects.get(number="DY0001")
    assert (wang.name, wang.gender, wang.status, wang.joined_on) == (
        "王红", "female", "full", date(2010, 7, 1))
    membership = wang.memberships.get()
    assert (membership.branch.name, membership.employer.credit_code, membership.start,
            membership.end, membership.is_secretary) == (
        "赫山区第一联合党支部", CODE[1], date(2021, 1, 1), None, True)
    li = Member.objects.get(number="DY0002")
    assert (li.gender, li.status, li.joined_on) == ("male", "probationary", None)
    assert li.memberships.get().employer is None


def test_a_transfer_is_two_rows_and_the_latest_row_gives_the_personal_fields(county):
    result = members(
        ["DY0001", "王红", "女", "正式党员", "2010-07-01", CODE[3], "赫山区阳光党支部",
         "2023-07-01", "", "否"],
        ["DY0001", "王虹", "女", "预备党员", "2010-07-01", CODE[1], "赫山区第一联合党支部",
         "2021-01-01", "2023-06-30", "否"])
    assert_ok(result, created=2)
    member = Member.objects.get()
    assert (member.name, member.status) == ("王红", "full")
    assert list(member.memberships.order_by("start").values_list("branch__name", "end")) == [
        ("赫山区第一联合党支部", date(2023, 6, 30)), ("赫山区阳光党支部", None)]


def test_a_transfer_out_and_a_promotion_are_one_update_each_with_history(county):
    member = MemberFactory(number="DY0001", name="王红", status="probationary", gender="female",
                           joined_on=date(2020, 7, 1))
    membership = MembershipFactory(member=member, branch=county.branches["J"],
                                   start=date(2021, 1, 1))
    result = members(["DY0001", "王红", "女", "正式党员", "2020-07-01", "", "赫山区第一联合党支部",
                      "2021-01-01", "2024-12-31", "否"])
    assert_ok(result, created=0, updated=1)
    membership.refresh_from_db()
    member.refresh_from_db()
    assert (membership.end, member.status) == (date(2024, 12, 31), "full")
    assert membership.history.latest().end == date(2024, 12, 31)
    assert member.history.latest().status == "full"


def test_a_member_in_two_branches_on_one_day_is_rejected(county):
    before = database_state()
    result = members(
        ["DY0001", "王红", "女", "正式党员", "", "", "赫山区第一联合党支部", "2021-01-01", "", ""],
        ["DY0001", "王红", "女", "正式党员", "", "", "赫山区阳光党支部", "2023-07-01", "", ""])
    assert errors_of(result) == [
        "row 3, column 转入日期: 党员王红（DY0001）在 2021-01-01 至今 属于“赫山区第一联合党支部”"
        "（第 2 行），同一天只能属于一个支部"]
    assert database_state() == before


def test_a_membership_clashing_with_a_stored_one_is_rejected(county):
    member = MemberFactory(number="DY0001", name="王红")
    MembershipFactory(member=member, branch=county.branches["J"], start=date(2021, 1, 1))
    before = database_state()
    result = members(
        ["DY0001", "王红", "女", "正式党员", "", "", "赫山区阳光党支部", "2023-07-01", "", ""])
    assert errors_of(result) == [
        "row 2, column 转入日期: 党员王红（DY0001）在 2021-01-01 至今 属于“赫山区第一联合党支部”"
        "（已有记录），同一天只能属于一个支部"]
    assert database_state() == before


def test_members_with_unknown_branch_or_employer_or_backwards_dates_are_rejected(county):
    result = members(
        ["DY0001", "王红", "女", "正式党员", "", "", "赫山区第九党支部", "2021-01-01", "", ""],
        ["DY0002", "李明", "男", "正式党员", "", CODE[5], "赫山区阳光党支部", "2021-01-01", "", ""],
        ["DY0003", "张伟", "男", "正式党员", "", "", "赫山区阳光党支部", "2021-01-01", "2020-12-31",
         ""],
        ["DY0004", "赵敏", "未知", "党员", "", "", "赫山区阳光党支部", "2021-01-01", "", "也许"])
    assert errors_of(result) == [
        "row 2, column 所在支部: 支部“赫山区第九党支部”不存在，请先导入该支部",
        f"row 3, column 工作单位: 统一社会信用代码为“{CODE[5]}”的机构不存在，请先导入该机构",
        "row 4, column 转出日期: 转出日期 2020-12-31 不能早于转入日期 2021-01-01",
        "row 5, column 性别: 性别“未知”不在可选值中（男、女）",
        "row 5, column 类别: 类别“党员”不在可选值中（正式党员、预备党员）",
        "row 5, column 是否书记: “也许”不是是/否，"
        "请填 是、否、Y、N、1、0、true、false 或 √（空白为否）",
    ]
    assert not Member.objects.exists()


def test_staff_may_take_in_a_member_from_another_county_without_rewriting_them(county, alice):
    member = MemberFactory(number="DY0001", name="王红", status="full", gender="female",
                           joined_on=date(2010, 7, 1))
    MembershipFactory(member=member, branch=county.branches["JB"], start=date(2021, 1, 1),
                      end=date(2023, 6, 30))
    before = database_state()
    renamed = ["DY0001", "王虹", "女", "正式党员", "2010-07-01", "", "赫山区阳光党支部",
               "2023-07-01", "", ""]
    assert errors_of(members(renamed, user=alice)) == [
        "row 2, column 党员编号: 党员王红（DY0001）的组织关系不在您管辖的区划内，"
        "不能修改其姓名、性别、类别或入党日期"]
    assert database_state() == before
    same = ["DY0001", "王红", "女", "正式党员", "2010-07-01", "", "赫山区阳光党支部", "2023-07-01",
            "", ""]
    assert_ok(members(same, user=alice), created=1)
    assert Membership.objects.filter(member=member).count() == 2


def test_staff_cannot_import_members_into_another_countys_branch(county, alice):
    result = members(["DY0001", "王红", "女", "正式党员", "", CODE[9], "资阳区第一联合党支部",
                      "2021-01-01", "", ""], user=alice)
    assert errors_of(result) == [
        "row 2, column 所在支部: 支部“资阳区第一联合党支部”不在您管辖的区划内",
        "row 2, column 工作单位: 机构“资阳区启明体育培训中心”不在您管辖的区划内",
    ]
    assert not Member.objects.exists()
