"""The downloadable XLSX template of each import kind: headers, an example row, instructions.

Sheet 1 is what the user fills in and uploads (its header row is exactly the Chinese column
labels the engine matches); sheet 2 "填写说明" explains each column. Everything is derived
from the kind's columns, so a new kind gets a template without code here; the example rows
below make the templates realistic and chain together (the example branch covers the
example institution, the example instructor is assigned to it...).
"""

import io
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from partybuild.core.credit_code import make_credit_code

from .engine import Column, ImportKind
from .kinds.structure import parse_credit_code, parse_optional_credit_code, parse_region_code
from .parsing import parse_bool, parse_date, parse_int, parse_points

EXAMPLE_CREDIT_CODE = make_credit_code(2021, "430903")
EXAMPLE_INSTITUTION = "赫山区阳光艺术培训学校"
EXAMPLE_BRANCH = "赫山区阳光艺术培训学校党支部"
EXAMPLE_COMMITTEE = "赫山区民办教育党委"

# One example row per kind, keyed by column key; each refers to the rows of the kinds before.
EXAMPLES: dict[str, dict] = {
    "regions": {"code": "430903", "name": "赫山区", "parent_code": "430900"},
    "committees": {"name": EXAMPLE_COMMITTEE, "level": "民办教育党委", "region_code": "430903",
                   "parent": "益阳市委教育工委"},
    "institutions": {
        "name": EXAMPLE_INSTITUTION, "credit_code": EXAMPLE_CREDIT_CODE,
        "permit_no": "教民143090370001234号", "category": "文化艺术", "licence": "有照有证",
        "region_code": "430903", "address": "益阳市赫山区金银山路128号", "founder": "李建华",
        "opened_on": date(2021, 3, 5), "closed_on": None, "charter": "是", "staff_count": 23,
    },
    "branches": {"name": EXAMPLE_BRANCH, "kind": "单独党支部", "committee": EXAMPLE_COMMITTEE,
                 "founded_on": date(2022, 6, 1), "dissolved_on": None},
    "coverage": {"branch": EXAMPLE_BRANCH, "credit_code": EXAMPLE_CREDIT_CODE,
                 "start": date(2022, 6, 1), "end": None},
    "members": {
        "number": "DY4309030001", "name": "王小红", "gender": "女", "status": "正式党员",
        "joined_on": date(2015, 7, 1), "credit_code": EXAMPLE_CREDIT_CODE,
        "branch": EXAMPLE_BRANCH, "start": date(2022, 6, 1), "end": None, "secretary": "是",
    },
    "instructors": {"number": "ZD430903001", "name": "刘芳", "source_type": "教育行政部门",
                    "source_org": "益阳市赫山区教育局", "title": "民办教育股副股长",
                    "phone": "13807371234"},
    "assignments": {"instructor": "ZD430903001", "credit_code": EXAMPLE_CREDIT_CODE,
                    "start": date(2023, 9, 1), "end": None},
    "pairings": {"branch": EXAMPLE_BRANCH, "school_branch": "第一党支部",
                 "school": "益阳市第六中学", "start": date(2023, 3, 1), "end": None},
    "visits": {"instructor": "ZD430903001", "credit_code": EXAMPLE_CREDIT_CODE,
               "date": date(2025, 3, 12), "lesson": "是", "policy": "是",
               "hazard_check": "是", "ledger": "否", "case_talk": "否",
               "notes": "讲授专题党课《民办学校党组织的职责》，检查消防通道"},
    "hazards": {"credit_code": EXAMPLE_CREDIT_CODE, "found_on": date(2025, 3, 12),
                "category": "消防", "severity": "一般", "description": "二楼安全出口指示灯损坏",
                "deadline": date(2025, 3, 31), "rectified_on": date(2025, 3, 20),
                "instructor": "ZD430903001"},
    "clues": {"credit_code": EXAMPLE_CREDIT_CODE, "date": date(2025, 5, 14),
              "description": "家长反映周末开设数学学科类课程", "substantiated": "否",
              "enforcement": "否", "instructor": "ZD430903001"},
    "activities": {"branch": EXAMPLE_BRANCH, "date": date(2025, 4, 15), "kind": "主题党日",
                   "title": "学习贯彻全国教育大会精神", "attendees": 12, "school_branch": ""},
    "points": {"credit_code": EXAMPLE_CREDIT_CODE, "date": date(2025, 6, 30), "points": 5,
               "reason": "组织学生志愿服务，获区教育局通报表扬"},
}

PARSER_NOTES = {
    parse_date: _("日期，可写 2023-03-05、2023/3/5、2023.3.5、2023年3月5日，或 Excel 日期单元格"),
    parse_bool: _("是/否：填 是、否、Y、N、1、0、true、false 或 √；空白表示“否”"),
    parse_int: _("非负整数"),
    parse_points: _("数字，可为负数（扣分），最多一位小数，如 5、-2、1.5"),
    parse_credit_code: _("18 位统一社会信用代码（校验位须正确）"),
    parse_optional_credit_code: _("18 位统一社会信用代码（校验位须正确），可留空"),
    parse_region_code: _("6 至 12 位数字的行政区划代码，如 430903"),
}
# Columns that name a record which must already exist (imported earlier or in the system).
REFERENCE_NOTES = {
    "region_code": _("已有行政区划的代码，如 430903"),
    "parent_code": _("上级行政区划的代码；须已存在或在本文件中"),
    "committee": _("已有党组织（党委）的名称"),
    "branch": _("已有党支部的名称"),
    "instructor": _("已有党建指导员的编号"),
    "school_branch": _("学校支部名称；同名时写成“学校 支部名称”"),
}
BOOL_CHOICES = ("是", "否")

# The example row is marked in a leading 序号 column, which the importer ignores as a column
# but reads as the mark of a row it refuses (engine.is_example_row): left in by mistake, it
# is never imported as a real record.
SERIAL_HEADER = "序号"
EXAMPLE_LABEL = "示例（导入前请删除本行）"
EXAMPLE_FONT = Font(italic=True, color="808080")
EXAMPLE_FILL = PatternFill("solid", fgColor="FFF2CC")
# Rows formatted in advance besides the column's own format, for programs that ignore it.
FORMATTED_ROWS = 300

REQUIRED_FONT = Font(bold=True, color="C00000")
OPTIONAL_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")


def allowed_values(column: Column) -> tuple[str, ...]:
    """The Chinese labels a choice column accepts; empty for free columns."""
    parse = column.parse
    found = getattr(parse, "allowed", None)
    if found is None:
        # Kinds wrap choice parsers (optional(...) lets a cell stay empty): look inside.
        for cell in getattr(parse, "__closure__", None) or ():
            found = getattr(cell.cell_contents, "allowed", None)
            if found is not None:
                break
    return tuple(found or ())


def max_length(column: Column) -> int | None:
    parse = column.parse
    for candidate in (parse, *(cell.cell_contents for cell in parse.__closure__ or ())):
        limit = getattr(candidate, "max_length", None)
        if limit is not None:
            return limit
    return None


def column_note(column: Column) -> str:
    """How to fill the column in, in a sentence or two."""
    notes = []
    if column.parse in PARSER_NOTES:
        notes.append(str(PARSER_NOTES[column.parse]))
    elif allowed_values(column):
        notes.append(gettext("从可选值中选填一项"))
    elif column.key in REFERENCE_NOTES:
        notes.append(str(REFERENCE_NOTES[column.key]))
    else:
        notes.append(gettext("文本"))
    limit = max_length(column)
    if limit is not None:
        notes.append(gettext("最多 %(limit)s 个字") % {"limit": limit})
    return gettext("；").join(notes)


@dataclass(frozen=True)
class ColumnHelp:
    label: str
    key: str
    required: bool
    allowed: tuple[str, ...]
    note: str


def column_help(kind_class: type[ImportKind]) -> list[ColumnHelp]:
    """What the pages and the instructions sheet say about each column of the kind."""
    return [
        ColumnHelp(column.label, column.key, column.required,
                   BOOL_CHOICES if column.parse is parse_bool else allowed_values(column),
                   column_note(column))
        for column in kind_class.columns
    ]


def example_row(kind_class: type[ImportKind]) -> list:
    """The kind's example values in column order; a kind without one gets plausible values."""
    example = EXAMPLES.get(kind_class.name, {})
    row = []
    for column in kind_class.columns:
        if column.key in example:
            row.append(example[column.key])
        elif column.parse is parse_date:
            row.append(date(2025, 3, 5))
        elif column.parse is parse_bool:
            row.append("否")
        elif allowed_values(column):
            row.append(allowed_values(column)[0])
        else:
            row.append(None)
    return row


def template_workbook(kind_class: type[ImportKind]) -> bytes:
    """The XLSX template of the kind, as bytes ready to download."""
    workbook = Workbook()
    # In Chinese whatever the user reads the site in: the headers and allowed values the
    # importer matches are the Chinese ones, and the notes must agree with them.
    with translation.override(settings.LANGUAGE_CODE):
        _fill_data_sheet(workbook.active, kind_class)
        _fill_instructions(workbook.create_sheet("填写说明"), kind_class)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def text_format(column: Column) -> str:
    """The cell format of a column: text for every code, number and name, so Excel never
    turns an 18-digit credit code into a number and loses its last digits."""
    if column.parse is parse_date:
        return "yyyy-mm-dd"
    if column.parse in (parse_int, parse_points):
        return "0" if column.parse is parse_int else "0.0"
    return "@"


def _fill_data_sheet(sheet, kind_class: type[ImportKind]) -> None:
    sheet.title = kind_class.label[:31]
    columns = kind_class.columns
    sheet.append([SERIAL_HEADER, *(column.label for column in columns)])
    sheet.append([EXAMPLE_LABEL, *example_row(kind_class)])
    serial = sheet.cell(row=1, column=1)
    serial.font, serial.fill = OPTIONAL_FONT, HEADER_FILL
    serial.comment = Comment("导入时忽略此列。第 2 行是示例，带“示例”字样的行不会被导入，"
                             "请删除该行后填写真实数据。", "partybuild", width=260, height=100)
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["A"].number_format = "@"
    for index, column in enumerate(columns, start=2):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index)
        header.font = REQUIRED_FONT if column.required else OPTIONAL_FONT
        header.fill = HEADER_FILL
        note = ("必填。" if column.required else "选填。") + column_note(column)
        header.comment = Comment(note, "partybuild", width=260, height=120)
        number_format = text_format(column)
        # The column's own format covers every row a user types into; the first rows are
        # formatted too, for programs that read only cell formats.
        sheet.column_dimensions[letter].number_format = number_format
        for row in range(2, FORMATTED_ROWS + 2):
            sheet.cell(row=row, column=index).number_format = number_format
        example = sheet.cell(row=2, column=index)
        choices = BOOL_CHOICES if column.parse is parse_bool else allowed_values(column)
        if choices:
            _add_dropdown(sheet, letter, choices)
        width = max(len(column.label) * 2 + 4, 12)
        if example.value is not None and not isinstance(example.value, date):
            width = max(width, min(len(str(example.value)) * 2 + 2, 60))
        sheet.column_dimensions[letter].width = width
    for cell in sheet[2]:
        cell.font, cell.fill = EXAMPLE_FONT, EXAMPLE_FILL
    sheet.freeze_panes = "B2"


def _add_dropdown(sheet, letter: str, choices) -> None:
    """An in-cell list of the allowed values; typing another value is still possible."""
    validation = DataValidation(type="list", formula1='"' + ",".join(choices) + '"',
                                allow_blank=True, showErrorMessage=False)
    validation.add(f"{letter}2:{letter}5000")
    sheet.add_data_validation(validation)


def _fill_instructions(sheet, kind_class: type[ImportKind]) -> None:
    sheet.append(["列名", "英文键", "是否必填", "可选值", "填写说明"])
    for cell in sheet[1]:
        cell.font = OPTIONAL_FONT
        cell.fill = HEADER_FILL
    for column in column_help(kind_class):
        sheet.append([column.label, column.key, "是" if column.required else "否",
                      "、".join(column.allowed), column.note])
        for cell in sheet[sheet.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    by_key = {column.key: column.label for column in kind_class.columns}
    matched_on = "、".join(by_key.get(key, key) for key in kind_class.natural_key)
    sheet.append([])
    for line in (
        f"导入“{kind_class.label}”：第 1 行为表头（可用中文列名或英文键），"
        "从第 2 行起每行一条记录；第 2 行是示例（序号列写有“示例”），导入前请删除该行，"
        "留下的示例行会被拒绝导入。",
        "代码、编号、手机号等列已设为文本格式：请直接输入或粘贴为“值”，"
        "不要把这些列改为数字格式（Excel 只保留 15 位数字，信用代码末几位会被改动）。",
        f"已有记录按“{matched_on}”匹配：匹配到的记录会被更新，其余新增；"
        "同一文件重复导入不会重复新增。",
        "任何一行有问题时整个文件都不会导入，页面会列出全部问题（第 N 行、列名、原因）。",
        "只能导入您管辖区划内的记录。可保存为 XLSX，或另存为 CSV（UTF-8 或 GBK 编码均可）。",
    ):
        sheet.append([line])
    for letter, width in zip("ABCDE", (16, 16, 10, 48, 70), strict=True):
        sheet.column_dimensions[letter].width = width
