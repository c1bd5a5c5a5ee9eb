"""Importing branch activities (党建活动): kinds, the branch's life span, pairing partners."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partybuild.activities.models import Activity
from partybuild.imports.engine import run_import
from partybuild.imports.kinds import KINDS
from tests.factories import BranchFactory, PairingFactory, SchoolBranchFactory

from .conftest import csv_bytes, xlsx_bytes

TODAY = date(2024, 6, 30)
HEADER = ["支部名称", "日期", "类型", "主题", "参加人数", "结对学校支部"]


def import_activities(data: bytes, filename: str = "activities.csv", **options):
    return run_import(KINDS["activities"], data, filename, today=TODAY, **options)


BRANCH = "赫山区第一联合党支部"


def activity_row(day="2024-03-05", kind="主题党日", title="学习二十大精神", attendees="12",
                 school_branch="", branch=BRANCH):
    return [branch, day, kind, title, attendees, school_branch]


@pytest.fixture
def branch(committee_a):
    """A joint branch, paired with 第一中学 until April 2024 and 第二中学 from March 2024."""
    branch = BranchFactory(name=BRANCH, committee=committee_a, founded_on=date(2022, 1, 1))
    first = SchoolBranchFactory(name="第一党支部", school="赫山区第一中学")
    second = SchoolBranchFactory(name="第二党支部", school="赫山区第二中学")
    PairingFactory(branch=branch, school_branch=first, start=date(2023, 1, 1),
                   end=date(2024, 4, 30))
    PairingFactory(branch=branch, school_branch=second, start=date(2024, 3, 1))
    return branch


@pytest.fixture
def dissolved(committee_a):
    return BranchFactory(name="赫山区已撤销党支部", committee=committee_a,
                         founded_on=date(2022, 1, 1), dissolved_on=date(2024, 2, 29))


def test_an_activities_file_creates_each_activity_with_its_kind(branch, alice):
    data = csv_bytes([HEADER,
                     activity_row(),
                     activity_row("2024-03-20", "结对共建", "共建读书会", "30", "第二党支部"),
                     activity_row("2024-04-10", "lecture", "书记讲党课", "")])

    result = import_activities(data, user=alice)

    assert result.summary_line() == "activities: 3 created, 0 updated"
    theme_day, pairing, lecture = Activity.objects.order_by("date")
    assert (theme_day.kind, theme_day.title, theme_day.attendees) == ("theme_day",
                                                                      "学习二十大精神", 12)
    assert theme_day.branch == branch and theme_day.recorded_by == alice
    assert pairing.kind == "pairing" and str(pairing.school_branch) == "赫山区第二中学 第二党支部"
    assert (lecture.kind, lecture.attendees, lecture.school_branch) == ("lecture", None, None)


def test_importing_the_same_activities_file_twice_changes_nothing(branch):
    data = csv_bytes([HEADER, activity_row(),
                     activity_row("2024-03-20", "结对共建", "共建读书会", "30", "第二党支部")])
    assert import_activities(data).created == 2
    before = list(Activity.objects.order_by("pk").values())

    again = import_activities(data)

    assert again.summary_line() == "activities: 0 created, 0 updated" and again.unchanged == 2
    assert list(Activity.objects.order_by("pk").values()) == before


def test_a_corrected_attendance_updates_the_activity(branch):
    import_activities(csv_bytes([HEADER, activity_row(), activity_row("2024-04-10", title="党课")]))

    result = import_activities(csv_bytes([HEADER, activity_row(attendees="15"),
                                         activity_row("2024-04-10", title="党课")]))

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert Activity.objects.get(title="学习二十大精神").attendees == 15


@pytest.mark.parametrize(("row", "column", "message"), [
    (activity_row(branch="不存在的党支部"), "支部名称",
     "支部“不存在的党支部”不存在，请先导入该支部"),
    (activity_row("2024-07-01"), "日期",
     "活动日期 2024-07-01 晚于今天（2024-06-30），不能录入未来的日期"),
    (activity_row("2021-12-31"), "日期",
     "支部“赫山区第一联合党支部”在 2021-12-31 不存续（成立于 2022-01-01，撤销于 未撤销），"
     "不能记录该日的活动"),
    (activity_row("2024-03-01", branch="赫山区已撤销党支部"), "日期",
     "支部“赫山区已撤销党支部”在 2024-03-01 不存续（成立于 2022-01-01，撤销于 2024-02-29），"
     "不能记录该日的活动"),
    (activity_row(kind="结对共建"), "结对学校支部", "结对共建活动须填写结对学校支部"),
    (activity_row(school_branch="第二党支部"), "结对学校支部",
     "只有结对共建活动才填写结对学校支部"),
    (activity_row("2024-05-06", "结对共建", school_branch="第一党支部"), "结对学校支部",
     "“第一党支部”在 2024-05-06 未与“赫山区第一联合党支部”结对，不能记为结对共建活动；"
     "当日与其结对的学校支部为：赫山区第二中学 第二党支部"),
    (activity_row("2024-02-06", "结对共建", school_branch="第九党支部"), "结对学校支部",
     "“第九党支部”在 2024-02-06 未与“赫山区第一联合党支部”结对，不能记为结对共建活动；"
     "当日与其结对的学校支部为：赫山区第一中学 第一党支部"),
    (activity_row(kind="茶话会"), "类型", "类型“茶话会”不在可选值中"),
    (activity_row(attendees="十二"), "参加人数", "“十二”不是非负整数"),
])
def test_a_bad_activity_row_is_rejected_with_its_row_and_column(branch, dissolved, row, column,
                                                                message):
    data = csv_bytes([HEADER, activity_row(title="另一个活动"), row])

    result = import_activities(data)

    [error] = result.errors
    assert (error.row, error.column) == (3, column)
    assert message in error.message
    assert Activity.objects.count() == 0


def test_an_activity_on_the_day_the_branch_was_dissolved_is_accepted(dissolved):
    assert import_activities(csv_bytes([HEADER, activity_row(
        "2024-02-29", branch="赫山区已撤销党支部")])).created == 1


def test_the_school_may_be_named_when_two_paired_branches_share_a_name(branch):
    other = SchoolBranchFactory(name="第二党支部", school="赫山区实验小学")
    PairingFactory(branch=branch, school_branch=other, start=date(2024, 1, 1))

    ambiguous = import_activities(csv_bytes([HEADER, activity_row(
        "2024-03-20", "结对共建", "共建读书会", school_branch="第二党支部")]))
    named = import_activities(csv_bytes([HEADER, activity_row(
        "2024-03-20", "结对共建", "共建读书会", school_branch="赫山区实验小学 第二党支部")]))

    assert "请写成“学校 支部名称”" in ambiguous.errors[0].message
    assert named.ok and Activity.objects.get().school_branch == other


def test_every_bad_activity_row_is_reported_and_nothing_is_written(branch):
    data = csv_bytes([HEADER, activity_row(), activity_row("2024-08-01", title="甲"),
                     activity_row(title="乙"), activity_row(kind="结对共建", title="丙"),
                     activity_row(branch="无名党支部", title="丁")])

    result = import_activities(data)

    assert [(error.row, error.column) for error in result.errors] == [
        (3, "日期"), (5, "结对学校支部"), (6, "支部名称")]
    assert Activity.objects.count() == 0


def test_a_dry_run_of_activities_writes_nothing(branch):
    result = import_activities(csv_bytes([HEADER, activity_row()]), dry_run=True)

    assert result.ok and result.created == 1 and Activity.objects.count() == 0


def test_an_xlsx_activities_file_with_date_cells_and_number_cells_imports(branch):
    data = xlsx_bytes([HEADER, [BRANCH, date(2024, 3, 5), "党课", "书记讲党课", 18, None]])

    assert import_activities(data, "activities.xlsx").created == 1
    activity = Activity.objects.get()
    assert (activity.date, activity.kind, activity.attendees) == (date(2024, 3, 5), "lecture", 18)


def test_staff_of_another_county_cannot_import_activities_of_this_countys_branch(branch, eve):
    result = import_activities(csv_bytes([HEADER, activity_row()]), user=eve)

    assert [str(error) for error in result.errors] == [
        "row 2, column 支部名称: 支部“赫山区第一联合党支部”不在您管辖的区划内"]
    assert Activity.objects.count() == 0


def test_loading_activities_takes_the_same_queries_for_few_rows_as_for_many(branch):
    def queries_for(count: int) -> int:
        rows = [activity_row(date(2024, 1 + n % 4, 1 + n % 28).isoformat(),
                             "结对共建" if n % 2 else "党课", f"活动{n}",
                             school_branch="第一党支部" if n % 2 else "")
                for n in range(count)]
        with CaptureQueriesContext(connection) as captured:
            assert import_activities(csv_bytes([HEADER, *rows]), dry_run=True).ok
        return len(captured)

    assert queries_for(60) == queries_for(4)
