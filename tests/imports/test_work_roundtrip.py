"""A small city imported from a folder, scored by annual_scores and summed up by summary.

The expected figures are computed by hand from SCORING.md (year 2024):

甲 (A) opened 2019, charter yes, covered by the joint branch all year, visited every month.
  coverage   12/12 × 20                                   = 20.00
  charter                                                 =  5.00
  four_ones  Jan–Sep all four items (9), Oct–Dec two (3 × 0.5); 10.5/12 × 40 = 35.00
             (October has two visits: 上党课, then 上党课+讲政策 — two distinct items)
  activities 14 branch activities in 2024, min(14, 12)/12 × 15 = 15.00
  hazards    2 found, 1 rectified by its deadline: 1/2 × 10 = 5.00
  red_points +6 +5.5 −0.5 = 11 → clamp to 10               = 10.00 (+4 in 2023 ignored)
  deductions one clue, not substantiated                   =  0.00
  total 90.00 → 优秀; red list: ≥ 90, no substantiated clue, covered every month, the late
  hazard was rectified before 31 December → 1.
乙 (B) opened 2024-07-01 (6 months in scope), charter no, covered from 2024-09-01.
  coverage   Sep–Dec covered: 4/6 × 20 = 13.333…           = 13.33
  four_ones  July all four (1), August three (0.75): 1.75/6 × 40 = 11.666… = 11.67
  activities the 4 activities from September on: 4/12 × 15 = 5.00
  hazards    1 found, never rectified: 0/1 × 10            =  0.00
  red_points −1.5 → clamp to 0                             =  0.00
  deductions one substantiated clue                        = 10.00
  total 13.33 + 0 + 11.67 + 5 + 0 + 0 − 10 = 20.00 → 不合格, red list 0.
"""

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from partybuild.core.credit_code import make_credit_code

A = make_credit_code(101, "430903")
B = make_credit_code(102, "430903")
BRANCH = "赫山区甲乙联合党支部"


def write_csv(folder: Path, kind: str, header: list, rows: list) -> None:
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    (folder / f"{kind}.csv").write_text(out.getvalue(), encoding="utf-8-sig")


def write_xlsx(folder: Path, kind: str, header: list, rows: list) -> None:
    workbook = Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    workbook.save(folder / f"{kind}.xlsx")


def visits() -> list:
    rows = []
    for month in range(1, 13):
        items = ["是", "是", "是", "是"] if month <= 9 else ["是", "是", "", ""]
        rows.append(["ZDY001", A, date(2024, month, 6), *items, "是" if month % 3 == 0 else "",
                     f"{month}月走访"])
    rows[9][3:7] = ["√", "", "", ""]  # October's first visit: the lesson only
    rows.append(["ZDY001", A, date(2024, 10, 20), "√", "√", "", "", "", "十月第二次走访"])
    rows.append(["ZDY001", A, date(2023, 12, 6), "√", "√", "√", "√", "", "上一年度"])
    rows.append(["ZDY001", B, date(2024, 7, 8), "是", "是", "是", "是", "是", "首次走访"])
    rows.append(["ZDY001", B, date(2024, 8, 8), "是", "是", "", "是", "", "第二次走访"])
    return rows


def activities() -> list:
    rows = []
    for month in range(1, 6):
        rows.append([BRANCH, f"2024-{month:02d}-10", "主题党日", f"{month}月主题党日", "15", ""])
        kind, school = ("结对共建", "第一党支部") if month in (3, 4) else ("党课", "")
        rows.append([BRANCH, f"2024-{month:02d}-20", kind, f"{month}月{kind}", "12", school])
    for month in range(9, 13):
        rows.append([BRANCH, f"2024-{month:02d}-12", "支部党员大会", f"{month}月党员大会", "9", ""])
    rows.append([BRANCH, "2023-12-12", "支部党员大会", "上年度党员大会", "9", ""])
    return rows


@pytest.fixture
def city_folder(tmp_path, db) -> Path:
    folder = tmp_path / "益阳市"
    folder.mkdir()
    write_csv(folder, "regions", ["区划代码", "名称", "上级代码"],
              [["430903", "赫山区", "430900"], ["430900", "益阳市", ""]])
    write_csv(folder, "committees", ["名称", "层级", "所属区划", "上级党组织"],
              [["赫山区民办教育党委", "民办教育党委", "430903", ""]])
    write_csv(folder, "institutions",
              ["机构名称", "统一社会信用代码", "类别", "证照状态", "所属区划", "开办日期",
               "党建入章程", "从业人员数"],
              [["甲艺术培训学校", A, "文化艺术", "有照有证", "430903", "2019-01-01", "是", "20"],
               ["乙体育培训中心", B, "体育", "有照有证", "430903", "2024-07-01", "否", "8"]])
    write_csv(folder, "branches", ["支部名称", "类型", "上级党委", "成立日期"],
              [[BRANCH, "联合党支部", "赫山区民办教育党委", "2020-01-01"]])
    write_csv(folder, "coverage", ["支部名称", "统一社会信用代码", "开始日期", "结束日期"],
              [[BRANCH, A, "2020-01-01", ""], [BRANCH, B, "2024-09-01", ""]])
    write_csv(folder, "instructors", ["指导员编号", "姓名", "来源类型", "来源单位"],
              [["ZDY001", "周敏", "公办学校", "益阳市第一中学"]])
    write_csv(folder, "assignments", ["指导员编号", "统一社会信用代码", "开始日期"],
              [["ZDY001", A, "2022-01-01"], ["ZDY001", B, "2024-07-01"]])
    write_csv(folder, "pairings", ["支部名称", "学校支部", "学校", "开始日期"],
              [[BRANCH, "第一党支部", "赫山区第一中学", "2023-01-01"]])
    write_xlsx(folder, "visits", ["指导员编号", "统一社会信用代码", "走访日期", "上党课", "讲政策",
                                  "排隐患", "核台账", "以案说法", "内容摘要"], visits())
    write_csv(folder, "hazards", ["统一社会信用代码", "发现日期", "类别", "等级", "描述",
                                  "整改期限", "整改完成日期", "指导员编号"],
              [[A, "2024-03-05", "消防", "一般", "灭火器过期", "2024-03-20", "2024-03-18",
                "ZDY001"],
               [A, "2024-06-10", "房屋建筑", "较大", "墙体开裂", "2024-06-30", "2024-07-15", ""],
               [B, "2024-08-10", "安全管理", "一般", "安全出口堵塞", "2024-08-31", "", "ZDY001"]])
    write_csv(folder, "clues", ["统一社会信用代码", "日期", "描述", "是否查实", "参与执法",
                                "指导员编号"],
              [[A, "2024-05-05", "疑似超纲教学", "否", "", "ZDY001"],
               [B, "2024-10-01", "无证开设学科类课程", "是", "√", "ZDY001"]])
    write_csv(folder, "activities",
              ["支部名称", "日期", "类型", "主题", "参加人数", "结对学校支部"], activities())
    write_csv(folder, "points", ["统一社会信用代码", "日期", "分值", "事由"],
              [[A, "2024-04-01", "6", "获评市级先进党组织"],
               [A, "2024-06-01", "5.5", "党建示范点建设"],
               [A, "2024-09-01", "-0.5", "党建台账不完整"],
               [A, "2023-06-01", "4", "上年度表彰"],
               [B, "2024-11-01", "-1.5", "未按时参加党建培训"]])
    return folder


def command(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_a_city_folder_imports_and_scores_as_scoring_md_computes_by_hand(city_folder):
    imported = command("import_data", "--dir", str(city_folder)).splitlines()

    assert imported == [
        "regions: 2 created, 0 updated", "committees: 1 created, 0 updated",
        "institutions: 2 created, 0 updated", "branches: 1 created, 0 updated",
        "coverage: 2 created, 0 updated", "instructors: 1 created, 0 updated",
        "assignments: 2 created, 0 updated", "pairings: 1 created, 0 updated",
        "visits: 16 created, 0 updated", "hazards: 3 created, 0 updated",
        "clues: 2 created, 0 updated", "activities: 15 created, 0 updated",
        "points: 5 created, 0 updated",
    ]
    rows = list(csv.reader(io.StringIO(command("annual_scores", "--year", "2024"))))
    assert rows[1:] == [
        [A, "甲艺术培训学校", "430903", "20.00", "5.00", "35.00", "15.00", "5.00", "10.00",
         "0.00", "90.00", "优秀", "1"],
        [B, "乙体育培训中心", "430903", "13.33", "0.00", "11.67", "5.00", "0.00", "0.00",
         "10.00", "20.00", "不合格", "0"],
    ]


def test_the_summary_of_the_imported_city_counts_the_years_work(city_folder):
    command("import_data", "--dir", str(city_folder))

    figures = json.loads(command("summary", "--year", "2024", "--json"))

    assert figures == {
        "region": "430900", "year": 2024, "as_of": "2024-12-31",
        "institutions": 2, "party_members": 0, "joint_branches": 1, "standalone_branches": 0,
        "secretaries": 0, "instructors": 1, "covered_institutions": 2,
        "institutions_without_instructor": 0, "paired_branches": 1, "paired_school_branches": 1,
        "visits": 15, "case_talks": 5, "hazards_found": 3, "hazards_rectified_on_time": 1,
        "clues": 2, "clues_substantiated": 1, "enforcement_actions": 1, "activities": 14,
        "pairing_activities": 2, "red_list": 1,
    }


def test_importing_the_city_folder_again_changes_nothing(city_folder):
    command("import_data", "--dir", str(city_folder))

    again = command("import_data", "--dir", str(city_folder)).splitlines()

    assert all(line.endswith(": 0 created, 0 updated") for line in again) and len(again) == 13
