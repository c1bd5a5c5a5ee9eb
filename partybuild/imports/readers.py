"""Reading an uploaded CSV or XLSX sheet into header and rows, whatever Excel or WPS saved."""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import load_workbook

MAX_IMPORT_BYTES = 64 * 1024 * 1024
UTF8_BOM = b"\xef\xbb\xbf"


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message tells the user what to do."""


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list]]  # (row number as Excel shows it, cell values)


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GB18030, the superset of GBK that Excel saves."""
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            "无法识别文件的编码：请在 Excel/WPS 中另存为“CSV UTF-8”或 XLSX 后重新导入。"
        ) from error


def _cell(value):
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    return value


def _is_blank(values: list) -> bool:
    return all(value is None or value == "" for value in values)


def _read_csv(data: bytes) -> list[list]:
    text = decode_csv(data)
    if "\x00" in text:
        raise ImportFileError("文件内容不是文本表格（含有二进制数据）：请上传 CSV 或 XLSX 文件。")
    try:
        return [[_cell(value) for value in row] for row in csv.reader(io.StringIO(text))]
    except csv.Error as error:
        raise ImportFileError(f"CSV 文件格式有误：{error}。") from error


BROKEN_XLSX = "XLSX 文件已损坏或不是 Excel 工作簿：请在 Excel 中重新保存后再导入。"


def _read_xlsx(data: bytes) -> list[list]:
    # A damaged workbook surfaces as whatever zipfile, zlib, the XML parser or openpyxl
    # happens to raise (BadZipFile, zlib.error, ParseError, KeyError, NotImplementedError...),
    # while opening it or, in read-only mode, row by row while reading the sheet.
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        raise ImportFileError(BROKEN_XLSX) from error
    try:
        sheet = workbook.worksheets[0]
        return [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    except Exception as error:
        raise ImportFileError(BROKEN_XLSX) from error
    finally:
        workbook.close()


def looks_like_xlsx(data: bytes, filename: str) -> bool:
    return filename.lower().endswith((".xlsx", ".xlsm")) or data.startswith(b"PK\x03\x04")


def read_table(data: bytes, filename: str) -> Table:
    """Headers and non-blank rows of the file's first sheet; ImportFileError when unreadable."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError(
            f"文件超过 {MAX_IMPORT_BYTES // (1024 * 1024)} MB，请拆分成多个文件分批导入。"
        )
    if not data.strip():
        raise ImportFileError("文件是空的：第一行应为表头，从第二行起为数据。")
    if filename.lower().endswith(".xls") and not filename.lower().endswith(".xlsx"):
        raise ImportFileError("不支持旧版 .xls 文件：请在 Excel 中另存为 .xlsx 或 CSV。")
    raw = _read_xlsx(data) if looks_like_xlsx(data, filename) else _read_csv(data)
    numbered = [(number, row) for number, row in enumerate(raw, start=1) if not _is_blank(row)]
    if not numbered:
        raise ImportFileError("文件是空的：第一行应为表头，从第二行起为数据。")
    header_number, header = numbered[0]
    if header_number != 1:
        raise ImportFileError("第 1 行应为表头，请删除表头上方的空行。")
    headers = [str(value).strip() if value is not None else "" for value in header]
    while headers and headers[-1] == "":
        headers.pop()
    rows = [(number, list(row) + [None] * (len(headers) - len(row)))
            for number, row in numbered[1:]]
    if not rows:
        raise ImportFileError("文件只有表头，没有数据行。")
    return Table(headers=headers, rows=rows)


def is_date_cell(value) -> bool:
    return isinstance(value, date)
