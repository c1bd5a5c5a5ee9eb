"""Importing pairings with public schools' branches (FORMATS.md: pairings)."""

from datetime import date

from partybuild.organisation.models import Pairing, SchoolBranch
from tests.factories import PairingFactory, SchoolBranchFactory
from tests.organisation.db_state import database_state

from .conftest import assert_ok, errors_of, import_rows

HEADER = ["支部名称", "学校支部", "学校", "开始日期", "结束日期"]


def pairings(*rows, **options):
    return import_rows("pairings", [HEADER, *rows], **options)


def test_pairings_create_school_branches_once_then_nothing_changes(county, county_a):
    rows = [["赫山区第一联合党支部", "第一党支部", "赫山区第一中学", "2022-03-01", ""],
            ["赫山区阳光党支部", "第一党支部", "赫山区第一中学", "2022-03-01", "2023-02-28"],
            ["赫山区阳光党支部", "第一党支部", "赫山区实验小学", "2023-03-01", ""]]
    result = assert_ok(pairings(*rows), created=3, updated=0)
    assert result.summary_line() == "pairings: 3 created, 0 updated"
    assert_ok(pairings(*rows), created=0, updated=0)
    assert set(SchoolBranch.objects.values_list("school", "name", "region")) == {
        ("赫山区第一中学", "第一党支部", county_a.pk),
        ("赫山区实验小学", "第一党支部", county_a.pk)}
    assert Pairing.objects.count() == 3


def test_a_pairing_with_a_known_school_branch_uses_it(county):
    school_branch = SchoolBranchFactory(name="第一党支部", school="赫山区第一中学", region=None)
    assert_ok(pairings(["赫山区第一联合党支部", "第一党支部", "赫山区第一中学", "2022-03-01", ""]),
              created=1)
    assert Pairing.objects.get().school_branch == school_branch
    assert SchoolBranch.objects.count() == 1


def test_ending_a_pairing_is_one_update_with_history(county):
    stored = PairingFactory(branch=county.branches["J"], start=date(2022, 3, 1),
                            school_branch=SchoolBranchFactory(name="第一党支部",
                                                              school="赫山区第一中学"))
    assert_ok(pairings(["赫山区第一联合党支部", "第一党支部", "赫山区第一中学", "2022-03-01",
                        "2024-08-31"]), created=0, updated=1)
    stored.refresh_from_db()
    assert stored.end == date(2024, 8, 31)
    assert stored.history.latest().end == date(2024, 8, 31)


def test_overlapping_periods_of_the_same_pair_are_rejected(county):
    before = database_state()
    result = pairings(["赫山区第一联合党支部", "第一党支部", "赫山区第一中学", "2022-03-01", ""],
                      ["赫山区第一联合党支部", "第一党支部", "赫山区第一中学", "2023-03-01", ""])
    assert errors_of(result) == [
        "row 3, column 开始日期: “赫山区第一联合党支部”与“赫山区第一中学 第一党支部”"
        "在 2022-03-01 至今 已结对（第 2 行），同一对支部的结对期间不能重叠"]
    assert database_state() == before


def test_a_pairing_overlapping_a_stored_one_is_rejected(county):
    PairingFactory(branch=county.branches["J"], start=date(2022, 3, 1),
                   school_branch=SchoolBranchFactory(name="第一党支部", school="赫山区第一中学"))
    before = database_state()
    [line] = errors_of(pairings(
        ["赫山区第一联合党支部", "第一党支部", "赫山区第一中学", "2024-03-01", ""]))
    assert "已结对（已有记录）" in line
    assert database_state() == before


def test_pairings_with_unknown_branches_or_backwards_dates_are_rejected(county):
    result = pairings(["赫山区第九党支部", "第一党支部", "赫山区第一中学", "2022-03-01", ""],
                      ["赫山区阳光党支部", "第一党支部", "赫山区第一中学", "2022-03-01",
                       "2022-02-01"],
                      ["赫山区阳光党支部", "第二党支部", "", "2022-03-01", ""])
    assert errors_of(result) == [
        "row 2, column 支部名称: 支部“赫山区第九党支部”不存在，请先导入该支部",
        "row 3, column 结束日期: 结束日期 2022-02-01 不能早于开始日期 2022-03-01",
        "row 4, column 学校: “学校”为必填项",
    ]
    assert not SchoolBranch.objects.exists()


def test_staff_cannot_pair_another_countys_branch(county, alice):
    result = pairings(["资阳区第一联合党支部", "第一党支部", "资阳区第一中学", "2022-03-01", ""],
                      user=alice)
    assert errors_of(result) == [
        "row 2, column 支部名称: 支部“资阳区第一联合党支部”不在您管辖的区划内"]
    assert not SchoolBranch.objects.exists()
