"""A small city's ledgers as the bureau would hand them over: one file per kind, mixed formats.

益阳市 (430900) with 赫山区 (430903, and its street 430903001) and 资阳区 (430902). On
2024-06-01, the day the figures are checked:

  institutions  I1 I2 (赫山区, I2 in the street), I5 I6 (资阳区) operate; I3 closed at the
                end of 2023; I4 opens in September 2024.
  branches      J1 joint and S1 standalone (赫山区), JB joint (资阳区) are active; D was
                dissolved at the end of 2023.
  coverage      I1 moved from J1 to S1 on 2023-01-01; J1 covers I2; JB covers I5 (and
                covered I6 until the end of 2023); D covered I3.
  members       王红 moved from J1 to S1 (secretary of S1); 李明 secretary of J1; 张伟 in J1;
                赵敏 probationary in JB; 陈刚 left with D.
  instructors   刘芳 serves I1 and I2; 周建国 served I5 until 2023, 王丽 since 2024; I6 has none.
  pairings      J1 and S1 with 赫山区第一中学 第一党支部, S1 also with 赫山区实验小学
                第一党支部; JB's pairing ended in 2023.
"""

from datetime import date
from pathlib import Path

from partybuild.core.credit_code import make_credit_code
from partybuild.organisation.selectors import StructureFigures

from .conftest import csv_bytes, xlsx_bytes

D = date
DAY = date(2024, 6, 1)
C = {n: make_credit_code(100 + n, "430903" if n <= 4 else "430902") for n in range(1, 7)}
J1, S1 = "赫山区第一联合党支部", "赫山区明德党支部"
JB, DB = "资阳区第一联合党支部", "赫山区第二联合党支部"

FILES = {
    "regions": ("utf-8", [
        ["区划代码", "名称", "上级代码"],
        ["430903001", "赫山街道", "430903"],
        ["430903", "赫山区", "430900"],
        ["430902", "资阳区", "430900"],
        ["430900", "益阳市", ""],
    ]),
    "committees": ("xlsx", [
        ["名称", "层级", "所属区划", "上级党组织"],
        ["赫山区民办教育党委", "民办教育党委", "430903", "益阳市教育工委"],
        ["资阳区民办教育党委", "民办教育党委", "430902", "益阳市教育工委"],
        ["益阳市教育工委", "教育工委", "430900", None],
    ]),
    "institutions": ("gb18030", [
        ["机构名称", "统一社会信用代码", "类别", "证照状态", "所属区划", "开办日期", "停办日期",
         "党建入章程", "从业人员数"],
        ["赫山区明德培训学校", C[1], "学科类", "有照有证", "430903", D(2020, 1, 1), None, "是", 35],
        ["赫山区星光艺术培训中心", C[2], "文化艺术", "有照有证", "430903001", D(2020, 1, 1), None,
         "否", 12],
        ["赫山区书香文化培训学校", C[3], "学科类", "有照无证", "430903", D(2020, 1, 1),
         D(2023, 12, 31), "", 8],
        ["赫山区飞跃体育培训中心", C[4], "体育", "有照有证", "430903", D(2024, 9, 1), None, "", ""],
        ["资阳区启明科技培训中心", C[5], "科技", "有照有证", "430902", D(2021, 5, 1), None, "√",
         20],
        ["资阳区育才培训学校", C[6], "学科类", "无照无证", "430902", D(2021, 5, 1), None, "N", 6],
    ]),
    "branches": ("xlsx", [
        ["支部名称", "类型", "上级党委", "成立日期", "撤销日期"],
        [J1, "联合党支部", "赫山区民办教育党委", D(2021, 1, 1), None],
        [S1, "单独党支部", "赫山区民办教育党委", D(2023, 1, 1), None],
        [JB, "联合党支部", "资阳区民办教育党委", D(2021, 6, 1), None],
        [DB, "联合党支部", "赫山区民办教育党委", D(2021, 1, 1), D(2023, 12, 31)],
    ]),
    "coverage": ("utf-8-sig", [
        ["支部名称", "统一社会信用代码", "开始日期", "结束日期"],
        [J1, C[1], D(2021, 1, 1), D(2022, 12, 31)],
        [S1, C[1], D(2023, 1, 1), None],
        [J1, C[2], D(2021, 1, 1), None],
        [DB, C[3], D(2021, 1, 1), D(2023, 12, 31)],
        [JB, C[5], D(2021, 6, 1), None],
        [JB, C[6], D(2021, 6, 1), D(2023, 12, 31)],
    ]),
    "members": ("xlsx", [
        ["党员编号", "姓名", "性别", "类别", "入党日期", "工作单位", "所在支部", "转入日期",
         "转出日期", "是否书记"],
        ["DY001", "王红", "女", "正式党员", D(2010, 7, 1), C[1], J1, D(2021, 1, 1), D(2022, 12, 31),
         "否"],
        ["DY001", "王红", "女", "正式党员", D(2010, 7, 1), C[1], S1, D(2023, 1, 1), None, "是"],
        ["DY002", "李明", "男", "正式党员", D(2005, 7, 1), C[2], J1, D(2021, 1, 1), None, "是"],
        ["DY003", "张伟", "男", "正式党员", None, C[2], J1, D(2021, 1, 1), None, None],
        ["DY004", "赵敏", "女", "预备党员", D(2024, 1, 1), C[5], JB, D(2021, 6, 1), None, "否"],
        ["DY005", "陈刚", "男", "正式党员", None, C[3], DB, D(2021, 1, 1), D(2023, 12, 31), "是"],
    ]),
    "instructors": ("gb18030", [
        ["指导员编号", "姓名", "来源类型", "来源单位", "职务", "手机"],
        ["ZD001", "刘芳", "教育行政部门", "赫山区教育局", "股长", "13907370001"],
        ["ZD002", "周建国", "公办学校", "资阳区第一中学", "", ""],
        ["ZD003", "王丽", "公办学校", "资阳区第二中学", "党支部书记", "13907370003"],
    ]),
    "assignments": ("xlsx", [
        ["指导员编号", "统一社会信用代码", "开始日期", "结束日期"],
        ["ZD001", C[1], D(2022, 1, 1), None],
        ["ZD001", C[2], D(2022, 1, 1), None],
        ["ZD002", C[5], D(2022, 1, 1), D(2023, 12, 31)],
        ["ZD003", C[5], D(2024, 1, 1), None],
    ]),
    "pairings": ("utf-8", [
        ["支部名称", "学校支部", "学校", "开始日期", "结束日期"],
        [J1, "第一党支部", "赫山区第一中学", D(2022, 3, 1), None],
        [S1, "第一党支部", "赫山区第一中学", D(2023, 3, 1), None],
        [S1, "第一党支部", "赫山区实验小学", D(2023, 3, 1), None],
        [JB, "第一党支部", "资阳区第一中学", D(2022, 3, 1), D(2023, 12, 31)],
    ]),
}

CITY_FIGURES = StructureFigures(
    day=DAY, institutions=4, party_members=4, joint_branches=2, standalone_branches=1,
    secretaries=2, instructors=2, covered_institutions=3, institutions_without_instructor=1,
    paired_branches=2, paired_school_branches=2,
)
HESHAN_FIGURES = StructureFigures(
    day=DAY, institutions=2, party_members=3, joint_branches=1, standalone_branches=1,
    secretaries=2, instructors=1, covered_institutions=2, institutions_without_instructor=0,
    paired_branches=2, paired_school_branches=2,
)


def write_city_folder(folder: Path, files: dict = FILES) -> Path:
    """Write each kind's file as KIND.csv or KIND.xlsx in the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for kind, (form, rows) in files.items():
        if form == "xlsx":
            (folder / f"{kind}.xlsx").write_bytes(xlsx_bytes(rows))
        else:
            (folder / f"{kind}.csv").write_bytes(csv_bytes(rows, encoding=form))
    return folder
