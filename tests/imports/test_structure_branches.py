"""Importing branches and their coverage of institutions (FORMATS.md: branches, coverage)."""

from datetime import date

from partybuild.organisation.models import Branch, Coverage
from tests.factories import CoverageFactory
from tests.organisation.db_state import database_state

from .conftest import CODE, assert_ok, errors_of, import_rows

BRANCH_HEADER = ["支部名称", "类型", "上级党委", "成立日期", "撤销日期"]
COVERAGE_HEADER = ["支部名称", "统一社会信用代码", "开始日期", "结束日期"]
TO_STANDALONE = ["赫山区第一联合党支部", "单独党支部", "赫山区民办教育党委", "2021-01-01", ""]


def test_branches_are_created_then_a_second_import_changes_nothing(county):
    rows = [BRANCH_HEADER,
            ["赫山区第二联合党支部", "联合党支部", "赫山区民办教育党委", "2022-03-01", ""],
            ["赫山区星光党支部", "单独党支部", "赫山区民办教育党委", "2022/3/1", ""]]
    assert_ok(import_rows("branches", rows), created=2, updated=0)
    second = assert_ok(import_rows("branches", rows), created=0, updated=0)
    assert second.summary_line() == "branches: 0 created, 0 updated"
    joint = Branch.objects.get(name="赫山区第二联合党支部")
    assert (joint.kind, joint.committee.name, joint.founded_on) == (
        "joint", "赫山区民办教育党委", date(2022, 3, 1))
    assert Branch.objects.get(name="赫山区星光党支部").kind == "standalone"


def test_dissolving_a_branch_by_import_counts_as_one_update_with_history(county):
    branch = county.branches["J"]
    rows = [BRANCH_HEADER,
            ["赫山区第一联合党支部", "联合党支部", "赫山区民办教育党委", "2021-01-01",
             "2024年6月30日"],
            ["赫山区阳光党支部", "单独党支部", "赫山区民办教育党委", "2021-01-01", ""]]
    assert_ok(import_rows("branches", rows), created=0, updated=1)
    branch.refresh_from_db()
    assert branch.dissolved_on == date(2024, 6, 30)
    latest = branch.history.latest()
    assert latest.history_type == "~" and latest.dissolved_on == date(2024, 6, 30)


def test_a_branch_dissolved_before_it_was_founded_is_rejected(county):
    before = database_state()
    result = import_rows("branches", [
        BRANCH_HEADER, ["赫山区第二联合党支部", "联合党支部", "赫山区民办教育党委", "2022-03-01",
                        "2022-02-28"]])
    assert errors_of(result) == [
        "row 2, column 撤销日期: 撤销日期 2022-02-28 不能早于成立日期 2022-03-01"]
    assert database_state() == before


def test_a_branch_under_an_unknown_committee_is_rejected(county):
    before = database_state()
    result = import_rows("branches", [
        BRANCH_HEADER,
        ["赫山区第二联合党支部", "联合党支部", "桃江县民办教育党委", "2022-03-01", ""]])
    assert errors_of(result) == [
        "row 2, column 上级党委: 上级党委“桃江县民办教育党委”不存在，请先导入党组织"]
    assert database_state() == before


def test_a_joint_branch_covering_two_institutions_at_once_cannot_become_standalone(county):
    joint = county.branches["J"]
    CoverageFactory(branch=joint, institution=county.institutions["I1"], start=date(2021, 1, 1))
    CoverageFactory(branch=joint, institution=county.institutions["I2"], start=date(2023, 1, 1))
    before = database_state()
    result = import_rows("branches", [BRANCH_HEADER, TO_STANDALONE])
    [line] = errors_of(result)
    assert line.startswith(
        "row 2, column 类型: 支部“赫山区第一联合党支部”在 2023-01-01 至今 同时覆盖")
    assert "不能改为单独党支部" in line
    assert database_state() == before


def test_a_joint_branch_covering_institutions_one_after_another_may_become_standalone(county):
    joint = county.branches["J"]
    CoverageFactory(branch=joint, institution=county.institutions["I1"], start=date(2021, 1, 1),
                    end=date(2022, 12, 31))
    CoverageFactory(branch=joint, institution=county.institutions["I2"], start=date(2023, 1, 1))
    assert_ok(import_rows("branches", [BRANCH_HEADER, TO_STANDALONE]), created=0, updated=1)
    joint.refresh_from_db()
    assert joint.kind == Branch.Kind.STANDALONE


# Coverage ------------------------------------------------------------------------------


def coverage(*rows, **options):
    return import_rows("coverage", [COVERAGE_HEADER, *rows], **options)


def test_coverage_is_created_then_a_second_import_changes_nothing(county):
    rows = [["赫山区第一联合党支部", CODE[1], "2021-01-01", ""],
            ["赫山区第一联合党支部", CODE[2], "2021-01-01", "2023-06-30"],
            ["赫山区阳光党支部", CODE[3], "2021-03-01", ""]]
    assert_ok(coverage(*rows), created=3, updated=0)
    assert_ok(coverage(*rows), created=0, updated=0)
    assert set(Coverage.objects.values_list("branch__name", "institution__credit_code", "start",
                                            "end")) == {
        ("赫山区第一联合党支部", CODE[1], date(2021, 1, 1), None),
        ("赫山区第一联合党支部", CODE[2], date(2021, 1, 1), date(2023, 6, 30)),
        ("赫山区阳光党支部", CODE[3], date(2021, 3, 1), None),
    }


def test_ending_a_coverage_by_import_updates_it_and_records_history(county):
    stored = CoverageFactory(branch=county.branches["J"], institution=county.institutions["I1"],
                             start=date(2021, 1, 1))
    result = assert_ok(coverage(["赫山区第一联合党支部", CODE[1], "2021-01-01", "2024.6.30"]),
                       created=0, updated=1)
    assert result.unchanged == 0
    stored.refresh_from_db()
    assert stored.end == date(2024, 6, 30)
    assert stored.history.count() == 2
    assert stored.history.latest().end == date(2024, 6, 30)


def test_an_institution_covered_by_two_branches_on_one_day_is_rejected(county):
    before = database_state()
    result = coverage(["赫山区第一联合党支部", CODE[1], "2021-01-01", "2023-06-30"],
                      ["赫山区阳光党支部", CODE[1], "2023-06-30", ""])
    assert errors_of(result) == [
        "row 3, column 统一社会信用代码: 机构“赫山区明德培训学校”在 2021-01-01 至 2023-06-30 "
        "已由“赫山区第一联合党支部”覆盖（第 2 行），同一天只能由一个支部覆盖"]
    assert database_state() == before


def test_coverage_clashing_with_stored_coverage_is_rejected(county):
    CoverageFactory(branch=county.branches["J"], institution=county.institutions["I1"],
                    start=date(2021, 1, 1))
    before = database_state()
    result = coverage(["赫山区阳光党支部", CODE[1], "2024-01-01", ""])
    assert errors_of(result) == [
        "row 2, column 统一社会信用代码: 机构“赫山区明德培训学校”在 2021-01-01 至今 "
        "已由“赫山区第一联合党支部”覆盖（已有记录），同一天只能由一个支部覆盖"]
    assert database_state() == before


def test_ending_the_stored_coverage_in_the_same_file_makes_room_for_the_new_branch(county):
    CoverageFactory(branch=county.branches["J"], institution=county.institutions["I1"],
                    start=date(2021, 1, 1))
    assert_ok(coverage(["赫山区第一联合党支部", CODE[1], "2021-01-01", "2023-12-31"],
                       ["赫山区阳光党支部", CODE[1], "2024-01-01", ""]), created=1, updated=1)
    assert Coverage.objects.get(branch=county.branches["S"]).start == date(2024, 1, 1)


def test_a_standalone_branch_covering_two_institutions_on_one_day_is_rejected(county):
    before = database_state()
    result = coverage(["赫山区阳光党支部", CODE[1], "2021-01-01", "2023-06-30"],
                      ["赫山区阳光党支部", CODE[2], "2023-06-01", ""])
    assert errors_of(result) == [
        "row 3, column 支部名称: 单独党支部“赫山区阳光党支部”同一天只能覆盖一家机构，"
        "与第 2 行对“赫山区明德培训学校”的覆盖（2021-01-01 至 2023-06-30）重叠；请改用联合党支部"]
    assert database_state() == before


def test_a_standalone_branch_clashing_with_its_stored_coverage_is_rejected(county):
    CoverageFactory(branch=county.branches["S"], institution=county.institutions["I1"],
                    start=date(2021, 1, 1))
    before = database_state()
    [line] = errors_of(coverage(["赫山区阳光党支部", CODE[2], "2024-01-01", ""]))
    assert line.startswith(
        "row 2, column 支部名称: 单独党支部“赫山区阳光党支部”同一天只能覆盖一家机构")
    assert "已有记录" in line
    assert database_state() == before


def test_a_standalone_branch_may_cover_institutions_one_after_another(county):
    assert_ok(coverage(["赫山区阳光党支部", CODE[1], "2021-01-01", "2023-05-31"],
                       ["赫山区阳光党支部", CODE[2], "2023-06-01", ""]), created=2)


def test_coverage_outside_the_branch_life_is_accepted_as_scoring_tolerates_it(county):
    """SCORING.md counts coverage only while the branch is active, so the ledger may say more."""
    assert_ok(coverage(["赫山区第一联合党支部", CODE[1], "2019-01-01", ""]), created=1)


def test_coverage_of_unknown_branches_and_institutions_is_rejected(county):
    before = database_state()
    result = coverage(["赫山区第九联合党支部", CODE[1], "2021-01-01", ""],
                      ["赫山区第一联合党支部", CODE[5], "2021-01-01", ""])
    assert errors_of(result) == [
        "row 2, column 支部名称: 支部“赫山区第九联合党支部”不存在，请先导入该支部",
        f"row 3, column 统一社会信用代码: 统一社会信用代码为“{CODE[5]}”的机构不存在，"
        "请先导入该机构",
    ]
    assert database_state() == before


def test_coverage_ending_before_it_starts_is_rejected(county):
    before = database_state()
    assert errors_of(coverage(["赫山区第一联合党支部", CODE[1], "2023-01-01", "2022-12-31"])) == [
        "row 2, column 结束日期: 结束日期 2022-12-31 不能早于开始日期 2023-01-01"]
    assert database_state() == before


def test_a_credit_code_with_a_wrong_check_character_is_rejected(county):
    wrong = CODE[1][:17] + ("0" if CODE[1][17] != "0" else "1")
    [line] = errors_of(coverage(["赫山区第一联合党支部", wrong, "2023-01-01", ""]))
    assert line.startswith("row 2, column 统一社会信用代码: 统一社会信用代码校验位错误")
    assert not Coverage.objects.exists()


def test_the_same_coverage_twice_in_one_file_is_reported_as_a_duplicate(county):
    result = coverage(["赫山区第一联合党支部", CODE[1], "2021-01-01", ""],
                      ["赫山区第一联合党支部", CODE[1].lower(), "2021/1/1", "2022-01-01"])
    assert errors_of(result) == [
        f"row 3, column 开始日期: 与第 2 行重复（赫山区第一联合党支部、{CODE[1]}、2021-01-01）"]
    assert not Coverage.objects.exists()


def test_coverage_in_another_county_is_refused_to_its_staff(county, alice):
    before = database_state()
    result = coverage(["资阳区第一联合党支部", CODE[9], "2021-01-01", ""], user=alice)
    assert errors_of(result) == [
        "row 2, column 支部名称: 支部“资阳区第一联合党支部”不在您管辖的区划内",
        "row 2, column 统一社会信用代码: 机构“资阳区启明体育培训中心”不在您管辖的区划内",
    ]
    assert database_state() == before


def test_staff_import_coverage_in_their_own_county_with_their_name_in_history(county, alice):
    assert_ok(coverage(["赫山区第一联合党支部", CODE[1], "2021-01-01", ""], user=alice),
              created=1)
    assert Coverage.objects.get().history.get().history_user == alice
