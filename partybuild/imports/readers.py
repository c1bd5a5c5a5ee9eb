"""Reading an uploaded ledger into header and rows, whatever Excel, WPS or LibreOffice saved.

The format is told by the file's first bytes, never by its name (FORMATS.md, "Files as
offices really save them"): a zip is XLSX, an OLE2 compound file is the old XLS (BIFF),
anything else is text: CSV in UTF-8, GB18030/GBK, or Excel's "Unicode 文本" (UTF-16 with a
byte-order mark, tab-separated). Workbooks are read with calamine (Rust), which reads XLSX
and XLS alike; openpyxl stays for writing.

Hostile files are bounded before anything is held in memory: calamine builds a dense grid
of the used range, so one stray value at row 1,048,576 would cost gigabytes. The sheet XML
of an XLSX is therefore streamed once through zlib (a megabyte at a time) to measure its
real uncompressed size and the last row and column that hold a value, and refused past the
limits below, with a message that names the limit.
"""

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain

MAX_IMPORT_BYTES = 64 * 1024 * 1024
# A sheet: rows counted as Excel numbers them (title rows included), columns as wide as the
# last column holding a value, cells as the dense grid calamine allocates (rows x columns).
MAX_ROWS = 300_000
MAX_COLUMNS = 64
MAX_CELLS = 4_000_000
# Uncompressed XML of the worksheets and shared strings of one XLSX.
MAX_SHEET_XML_BYTES = 128 * 1024 * 1024
# The header row is looked for in the first rows of each sheet.
HEADER_SEARCH_ROWS = 10

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

EMPTY_FILE = "文件是空的：第一行应为表头，从第二行起为数据。"
BROKEN_XLSX = "XLSX 文件已损坏或不是 Excel 工作簿：请在 Excel 中重新保存后再导入。"
BROKEN_XLS = ("XLS 文件无法读取（已损坏、设有密码或不是 Excel 工作簿）："
              "请在 Excel/WPS 中打开后另存为 .xlsx 再导入。")
ODS_FILE = "这是 OpenDocument（.ods）表格：请在 WPS/LibreOffice 中另存为 .xlsx 或 .xls 后再导入。"
UNKNOWN_ENCODING = "无法识别文件的编码：请在 Excel/WPS 中另存为“CSV UTF-8”或 XLSX 后重新导入。"
BINARY_TEXT = "文件内容不是文本表格（含有二进制数据）：请上传 CSV 或 XLSX 文件。"


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message tells the user what to do."""


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list]]  # (row number as Excel shows it, cell values)
    header_row: int = 1  # the Excel row number of the header
    sheet: str = ""  # the sheet's name in a workbook; "" for CSV
    skipped_sheets: list[str] = field(default_factory=list)
    title_rows: list[int] = field(default_factory=list)  # non-blank rows above the header


def file_format(data: bytes) -> str:
    """"xlsx", "ods", "xls" or "text", from the file's first bytes."""
    if data.startswith(ZIP_MAGIC):
        # An OpenDocument file stores its "mimetype" entry first, uncompressed.
        return "ods" if b"application/vnd.oasis.opendocument" in data[:100] else "xlsx"
    if data.startswith(OLE2_MAGIC):
        return "xls"
    return "text"


# Text ------------------------------------------------------------------------------------


def _first_foreign_line(data: bytes, fits: Callable[[bytes], bool]) -> int | None:
    """The index of the first line (split on LF, which no GB18030 or UTF-8 character holds)
    that does not fit the encoding; None when every line fits."""
    for index, line in enumerate(data.split(b"\n")):
        if not fits(line):
            return index
    return None


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _is_non_ascii_utf8(line: bytes) -> bool:
    return not line.isascii() and _is_utf8(line)


def _record_number(text_before: str) -> int:
    """The row number Excel shows for the record that starts after this text."""
    try:
        return sum(1 for _row in csv.reader(io.StringIO(text_before, newline=""))) + 1
    except csv.Error:
        return text_before.count("\n") + 1


def _mixed(data: bytes, line_index: int, file_encoding: str, read_as: str) -> ImportFileError:
    before = b"\n".join(data.split(b"\n")[:line_index]) + b"\n" if line_index else b""
    row = _record_number(before.decode(read_as, errors="replace")) if line_index else 1
    return ImportFileError(
        f"文件混有两种编码：第 {row} 行起不是 {file_encoding}。请在 Excel/WPS 中打开，"
        "另存为“CSV UTF-8”或 XLSX 后重新导入。"
    )


def decode_csv(data: bytes) -> str:
    """The text of a CSV file: UTF-16 with a BOM, UTF-8 (with or without BOM) or GB18030.

    GB18030 decodes any bytes without error, so a file that is part GB18030 and part UTF-8
    (a row appended by another program) would turn its UTF-8 rows into mojibake: each line
    is therefore checked, and a file mixing the two is refused, naming the first row that
    does not fit the encoding of the file's first non-ASCII line.
    """
    if data.startswith(UTF16_BOMS):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise ImportFileError(UNKNOWN_ENCODING) from error
        # Any pair of bytes decodes as UTF-16: a table has tabs or line breaks, junk rarely.
        if "\t" not in text and "\n" not in text:
            raise ImportFileError(UNKNOWN_ENCODING)
        return text
    if data.startswith(UTF8_BOM):
        body = data[len(UTF8_BOM):]
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            raise _mixed(body, _first_foreign_line(body, _is_utf8), "UTF-8", "utf-8") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        # UTF-8 rows at the end of a GB18030 file may fail too: name them below.
        text = None
    lines = data.split(b"\n")
    first = next((line for line in lines if not line.isascii()), b"")
    if _is_utf8(first):
        # UTF-8 first, then a line that is not: the file is UTF-8 with foreign rows.
        raise _mixed(data, _first_foreign_line(data, _is_utf8), "UTF-8", "utf-8")
    foreign = _first_foreign_line(data, lambda line: not _is_non_ascii_utf8(line))
    if foreign is not None:
        raise _mixed(data, foreign, "GB18030", "gb18030")
    if text is None:
        raise ImportFileError(UNKNOWN_ENCODING)
    return text


def _read_text(data: bytes) -> list[list]:
    return list(_iter_text(data))


def _iter_text(data: bytes) -> Iterator[list]:
    """The rows of a text file, one at a time; decoding problems are raised before the first.

    The limits (rows, columns) and a malformed record are raised when the reader reaches
    them, which for a streamed import may be after earlier rows were checked.
    """
    text = decode_csv(data)
    if "\x00" in text:
        raise ImportFileError(BINARY_TEXT)
    # Excel's "Unicode 文本" (UTF-16) and some WPS exports separate columns with tabs; the
    # first lines may be a title without any separator, so look at the first few.
    head = text[:65536].splitlines()[:HEADER_SEARCH_ROWS + 1]
    tabs = max((line.count("\t") for line in head), default=0)
    commas = max((line.count(",") for line in head), default=0)
    utf16 = data.startswith(UTF16_BOMS)
    delimiter = "\t" if tabs > commas or (utf16 and tabs) else ","
    return _text_rows(text, delimiter)


def _text_rows(text: str, delimiter: str) -> Iterator[list]:
    count = 0
    try:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            if count >= MAX_ROWS:
                raise ImportFileError(_too_many_rows())
            count += 1
            if len(row) > MAX_COLUMNS and any(row[MAX_COLUMNS:]):
                raise ImportFileError(_too_many_columns())
            # _cell() of a string, which is all the csv module gives.
            yield list(map(str.strip, row[:MAX_COLUMNS]))
    except csv.Error as error:
        raise ImportFileError(f"CSV 文件格式有误：{error}。") from error


# Workbooks -------------------------------------------------------------------------------

# A cell element with a cell reference that holds a value, a shared or inline string or a
# formula (<c r="B7" t="s"><v>3</v>); a styled empty cell (<c r="A9" s="1"/>) does not
# match: calamine leaves it out of the data. One C-level findall per megabyte.
VALUE_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>]*>\s*<(?:v|is|f)[ >/]')
ROW_TAG = re.compile(rb"<row[ >]")
SCAN_CHUNK = 1024 * 1024


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _too_many_rows() -> str:
    return (f"文件超过 {MAX_ROWS:,} 行的上限（为保证系统稳定，读取前即检查）："
            "请拆分成多个文件分批导入。")


def _too_many_columns() -> str:
    return (f"文件超过 {MAX_COLUMNS} 列的上限：请删除多余的列（或表格右侧远处的内容）后再导入。")


def _check_zip_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> int:
    """Stream one part through zlib; its real size, refusing a sheet past the limits."""
    size, last_row, last_column, rows, tail = 0, 0, 0, 0, b""
    is_sheet = info.filename.startswith("xl/worksheets/")
    with archive.open(info) as stream:
        while chunk := stream.read(SCAN_CHUNK):
            size += len(chunk)
            if size > budget:
                raise ImportFileError(
                    f"表格解压后超过 {MAX_SHEET_XML_BYTES // (1024 * 1024)} MB 的上限"
                    "（读取前即检查）：请拆分成多个文件分批导入。"
                )
            if not is_sheet:
                continue
            # Elements cut at a chunk boundary are completed by the next chunk.
            window = tail + chunk
            cut = window.rfind(b"<")
            window, tail = window[:cut], window[cut:]
            rows += len(ROW_TAG.findall(window))
            cells = VALUE_CELL.findall(window)
            if cells:
                last_row = max(last_row, max(int(row) for _column, row in cells))
                widest = max((column for column, _row in cells), key=lambda c: (len(c), c))
                last_column = max(last_column, _column_number(widest))
            if max(rows, last_row) > MAX_ROWS:
                raise ImportFileError(_too_many_rows())
            if last_column > MAX_COLUMNS:
                raise ImportFileError(_too_many_columns())
            if last_row * last_column > MAX_CELLS:
                raise ImportFileError(
                    f"表格超过 {MAX_CELLS:,} 个单元格（行数 × 列数）的上限："
                    "请删除多余的行列或拆分成多个文件分批导入。"
                )
    return size


def _check_xlsx(data: bytes) -> None:
    """Refuse an XLSX whose sheets would not fit the limits, before calamine expands them."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            budget = MAX_SHEET_XML_BYTES
            for info in archive.infolist():
                name = info.filename
                if name.startswith("xl/worksheets/") and name.endswith(".xml") or \
                        name == "xl/sharedStrings.xml":
                    budget -= _check_zip_part(archive, info, budget)
    except ImportFileError:
        raise
    except Exception as error:
        # BadZipFile, zlib.error, a CRC mismatch, a truncated archive...
        raise ImportFileError(BROKEN_XLSX) from error


def _workbook_sheets(data: bytes, kind: str):
    """Yield (sheet name, rows) of each sheet; rows as lists of cells, Excel's row 1 first."""
    from python_calamine import CalamineWorkbook

    broken = BROKEN_XLSX if kind == "xlsx" else BROKEN_XLS
    if kind == "xlsx":
        _check_xlsx(data)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as error:
        raise ImportFileError(broken) from error
    try:
        for index, name in enumerate(workbook.sheet_names):
            try:
                sheet = workbook.get_sheet_by_index(index)
            except Exception as error:
                raise ImportFileError(broken) from error
            # XLS (at most 65,536 rows, 256 columns) is bounded by its file size; these
            # also catch what the XLSX scan could not see (cells without a reference).
            if sheet.height > MAX_ROWS:
                raise ImportFileError(_too_many_rows())
            if sheet.width > MAX_COLUMNS:
                raise ImportFileError(_too_many_columns())
            # iter_rows starts at Excel's row 1 but at the first used column: the position
            # of a column does not matter, only its header.
            yield name, ([_cell(value) if value != "" else None for value in row]
                         for row in sheet.iter_rows())
    finally:
        workbook.close()


# Cells and the header ---------------------------------------------------------------------


def _cell(value):
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    return value


def _is_blank(values: list) -> bool:
    # any() in C settles nearly every row (a non-empty string is true); only a row of
    # falsy cells (0, False, None, "") is looked at cell by cell.
    return not any(values) and all(value is None or value == "" for value in values)


BRACKETED = re.compile(r"[(\[【][^)\]】]*[)\]】]")


def header_name(value) -> str:
    """A header cell as matched: NFKC, no line breaks or spaces, no bracketed note, no `*`.

    `统一社会信用代码（18位）`, `机构名称*`, `统一社会\\n信用代码` all give the column's name.
    """
    if value is None:
        return ""
    name = unicodedata.normalize("NFKC", str(value))
    name = BRACKETED.sub("", name)
    name = re.sub(r"\s+", "", name)
    return name.strip("*")


def is_ignored_header(name: str) -> bool:
    """Serial-number columns offices add: 序号, 编号, No. (never a kind's column name)."""
    return name in ("序号", "编号") or name.lower().rstrip(".") in ("no", "序")


def _find_header(rows: list[list], recognised: Callable[[str], bool]) -> int | None:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        names = [header_name(value) for value in row]
        if sum(1 for name in names if name and recognised(name)) >= 2:
            return index
    return None


def _table(rows_iter, recognised, sheet: str,
           stream: bool = False) -> tuple[Table | None, list[list]]:
    """The table of one sheet when its header row is found, else None (and its first rows).

    With `stream`, the table's rows are an iterator over the rest of the file instead of a
    list (see read_table)."""
    head = []
    for row in rows_iter:
        head.append(row)
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    header_index = _find_header(head, recognised) if recognised else None
    if header_index is None:
        return None, head
    if stream:
        table = _build_streamed(head[header_index], header_index + 1,
                                chain(head[header_index + 1:], rows_iter), sheet)
    else:
        rest = [*head[header_index + 1:], *rows_iter]
        table = _build(head[header_index], header_index + 1, rest, sheet)
    table.title_rows = [index + 1 for index in range(header_index) if not _is_blank(head[index])]
    return table, head


def _headers(header: list) -> list[str]:
    headers = [str(value).strip() if value is not None else "" for value in header]
    while headers and headers[-1] == "":
        headers.pop()
    return headers


def _build_streamed(header: list, header_row: int, rest: Iterator[list], sheet: str) -> Table:
    """As _build, the rows an iterator: read (up to) the first data row to know there is one."""
    headers = _headers(header)
    width = len(headers)
    rows = ((number, row + [None] * (width - len(row)) if len(row) < width else row)
            for number, row in enumerate(rest, start=header_row + 1) if not _is_blank(row))
    first = next(rows, None)
    if first is None:
        raise ImportFileError("文件只有表头，没有数据行。")
    return Table(headers=headers, rows=chain([first], rows), header_row=header_row, sheet=sheet)


def _build(header: list, header_row: int, rest: list[list], sheet: str) -> Table:
    headers = _headers(header)
    rows = [(number, list(row) + [None] * (len(headers) - len(row)))
            for number, row in enumerate(rest, start=header_row + 1) if not _is_blank(row)]
    if not rows:
        raise ImportFileError("文件只有表头，没有数据行。")
    return Table(headers=headers, rows=rows, header_row=header_row, sheet=sheet)


def _fallback(rows: list[list], sheet: str) -> Table:
    """No row with two known names: the first non-blank row is the header, so that the
    engine names its unknown columns."""
    for index, row in enumerate(rows):
        if not _is_blank(row):
            return _build(row, index + 1, rows[index + 1:], sheet)
    raise ImportFileError(EMPTY_FILE)


def read_table(data: bytes, filename: str,
               recognised: Callable[[str], bool] | None = None, stream: bool = False) -> Table:
    """Header and non-blank rows of the file; ImportFileError when it cannot be read.

    `recognised(name)` says whether a header name (after header_name) is one of the kind's
    columns: the header row is the first of the first 10 rows of a sheet holding two of
    them, and the sheet is the first that has one. Without it, the first non-blank row.

    With `stream`, a CSV whose header row is found comes back with `rows` an iterator that
    reads the file as it goes (a malformed record or one past the limits then raises
    ImportFileError during the iteration); in every other case `rows` is a list.
    """
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError(
            f"文件超过 {MAX_IMPORT_BYTES // (1024 * 1024)} MB，请拆分成多个文件分批导入。"
        )
    if not data.strip():
        raise ImportFileError(EMPTY_FILE)
    kind = file_format(data)
    if kind == "ods":
        raise ImportFileError(ODS_FILE)
    if kind == "text":
        if stream and recognised is not None:
            table = _streamed_text(data, recognised)
            if table is not None:
                return table
        try:
            rows = _read_text(data)
        except ImportFileError as error:
            # A file named as a workbook that is neither a workbook nor text was damaged.
            # (random bytes may even look like two encodings mixed).
            if str(error) in (UNKNOWN_ENCODING, BINARY_TEXT) or \
                    str(error).startswith("文件混有两种编码"):
                if filename.lower().endswith((".xlsx", ".xlsm")):
                    raise ImportFileError(BROKEN_XLSX) from error
                if filename.lower().endswith(".xls"):
                    raise ImportFileError(BROKEN_XLS) from error
            raise
        if _is_blank([cell for row in rows for cell in row]):
            raise ImportFileError(EMPTY_FILE)
        if recognised is None:
            return _fallback(rows, "")
        table, _head = _table(iter(rows), recognised, "")
        return table or _fallback(rows, "")
    first_sheet = None
    skipped = []
    try:
        for name, rows_iter in _workbook_sheets(data, kind):
            if recognised is None:
                return _fallback(list(rows_iter), name)
            table, head = _table(rows_iter, recognised, name)
            if table is not None:
                table.skipped_sheets = skipped
                return table
            if first_sheet is None:
                first_sheet = (name, head)
            skipped.append(name)
    except ImportFileError:
        raise
    except Exception as error:
        raise ImportFileError(BROKEN_XLSX if kind == "xlsx" else BROKEN_XLS) from error
    if first_sheet is None:
        raise ImportFileError(EMPTY_FILE)
    # No sheet has a header row: report the first sheet as it is.
    return _fallback(first_sheet[1], first_sheet[0])


def _streamed_text(data: bytes, recognised) -> Table | None:
    """The table of a CSV with its rows streamed, or None when the file needs the list path
    (it cannot be decoded, or no header row is found): that path then says why."""
    try:
        table, _head = _table(_iter_text(data), recognised, "", stream=True)
    except ImportFileError:
        return None
    return table


def is_date_cell(value) -> bool:
    return isinstance(value, date)
