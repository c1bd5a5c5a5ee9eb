"""Dress a clean table of rows the way offices save ledgers, for the property test and the
limit tests: title rows, a 序号 column, decorated headers, a footer, a cover sheet, codes
typed with spaces or in full width, and every format (CSV encodings, UTF-16 text, XLSX, XLS).
Also minimal hand-written XLSX files of any size, streamed, for the hostile-file tests.
"""

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook


@dataclass(frozen=True)
class Dress:
    title_rows: int = 0  # 0..3 title lines above the header
    serial: bool = False  # a 序号 column first
    decorate: bool = False  # `*`, a bracketed note and a line break in the headers
    footer: bool = False  # 填表人 / 填表日期 rows after the data
    cover: bool = False  # a cover sheet first (workbooks only)
    spaced_codes: bool = False  # credit codes typed with spaces / full-width / lower case
    fmt: str = "csv-utf8"  # csv-utf8, csv-utf8-sig, csv-gb18030, utf16-tab, xlsx, xls


FORMATS = ("csv-utf8", "csv-utf8-sig", "csv-gb18030", "utf16-tab", "xlsx", "xls")
DECORATIONS = ["{}*", "{}（必填）", "{}\n", "{}(请按说明填写)"]


def spaced(code: str, style: int) -> str:
    if style == 0:
        return " ".join(code[i:i + 4] for i in range(0, len(code), 4))
    if style == 1:
        return code[:8] + "-" + code[8:]
    return code.lower().translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})


def dress_table(header: list[str], rows: list[list], dress: Dress,
                code_column: int | None) -> list[list]:
    """The dressed table as the sheet would hold it (first row first)."""
    table = [[f"{2023 + n}年益阳市校外培训机构名单"] for n in range(dress.title_rows)]
    heading = [DECORATIONS[i % len(DECORATIONS)].format(name) if dress.decorate else name
               for i, name in enumerate(header)]
    body = []
    for index, row in enumerate(rows):
        row = list(row)
        if dress.spaced_codes and code_column is not None:
            row[code_column] = spaced(row[code_column], index % 3)
        body.append(row)
    if dress.serial:
        heading = ["序号", *heading]
        body = [[number, *row] for number, row in enumerate(body, start=1)]
    table += [heading, *body]
    if dress.footer:
        table += [["填表人：张丽"], ["填表日期：2024年1月5日"]]
    return table


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def file_bytes(table: list[list], dress: Dress) -> bytes:
    if dress.fmt.startswith("csv") or dress.fmt == "utf16-tab":
        buffer = io.StringIO()
        delimiter = "\t" if dress.fmt == "utf16-tab" else ","
        csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(
            [[_text(value) for value in row] for row in table])
        encoding = {"csv-utf8": "utf-8", "csv-utf8-sig": "utf-8-sig",
                    "csv-gb18030": "gb18030", "utf16-tab": "utf-16"}[dress.fmt]
        return buffer.getvalue().encode(encoding)
    if dress.fmt == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        if dress.cover:
            sheet.title = "封面"
            sheet.append(["台账封面"])
            sheet = workbook.create_sheet("名单")
        for row in table:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.number_format = "@"
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    if dress.cover:
        workbook.add_sheet("封面").write(0, 0, "台账封面")
    sheet = workbook.add_sheet("名单")
    dates = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write(r, c, value, dates)
            elif value is not None:
                sheet.write(r, c, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Hand-written XLSX files, streamed: any number of rows without building them in memory.

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
    '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
    '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target='
    '"xl/workbook.xml"/></Relationships>')
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/'
    'sheet1.xml"/></Relationships>')


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def row_xml(number: int, values: list) -> str:
    cells = []
    for index, value in enumerate(values):
        if value is None:
            continue
        letter = ""
        column = index + 1
        while column:
            column, rest = divmod(column - 1, 26)
            letter = chr(65 + rest) + letter
        ref = f"{letter}{number}"
        if isinstance(value, int | float):
            cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        else:
            cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{_escape(str(value))}</t></is></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def streamed_xlsx(path, rows, extra_xml: str = "") -> None:
    """Write an XLSX at path whose sheet holds the rows (an iterable of (number, values)),
    streamed through zlib so that a million rows cost no memory; extra_xml is appended
    inside sheetData (a far-away cell)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://'
                        b'schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            batch = []
            for number, values in rows:
                batch.append(row_xml(number, values))
                if len(batch) >= 5000:
                    sheet.write("".join(batch).encode("utf-8"))
                    batch = []
            sheet.write(("".join(batch) + extra_xml).encode("utf-8"))
            sheet.write(b"</sheetData></worksheet>")
