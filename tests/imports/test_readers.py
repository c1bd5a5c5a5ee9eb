"""Reading whatever Excel, WPS or a damaged disk hands over: a table, or one clear message."""

import io
import os
import time
from datetime import date, datetime

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from partybuild.imports.readers import MAX_IMPORT_BYTES, ImportFileError, read_table
from tests.organisation.db_state import database_state

from .conftest import CODE, csv_bytes, import_file, xlsx_bytes

HEADER = ["支部名称", "统一社会信用代码", "开始日期", "结束日期"]
ROWS = [HEADER, ["赫山区第一联合党支部", CODE[1], "2021-01-01", ""],
        ["资阳区“启明”联合党支部，二", CODE[2], "2021/3/5", "2023年6月30日"]]
BROKEN_XLSX = "file: XLSX 文件已损坏或不是 Excel 工作簿：请在 Excel 中重新保存后再导入。"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_every_encoding_excel_and_wps_save_reads_the_same(encoding):
    table = read_table(csv_bytes(ROWS, encoding=encoding), "coverage.csv")
    assert table.headers == HEADER
    assert table.rows == [(2, ROWS[1]), (3, ROWS[2])]


def test_gbk_bytes_as_excel_saves_them_on_chinese_windows_are_read():
    data = "\r\n".join(",".join(row) for row in ROWS).encode("gbk")
    assert read_table(data, "coverage.csv").headers == HEADER


def test_xlsx_date_cells_come_back_as_dates_and_blank_rows_keep_numbering():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(["赫山区第一联合党支部", CODE[1], date(2021, 1, 1), None])
    sheet.append([])
    sheet.append(["赫山区第一联合党支部", CODE[2], datetime(2021, 3, 5, 9, 30), 20230630])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), "coverage.xlsx")
    assert table.rows == [
        (2, ["赫山区第一联合党支部", CODE[1], date(2021, 1, 1), None]),
        (4, ["赫山区第一联合党支部", CODE[2], datetime(2021, 3, 5, 9, 30), 20230630]),
    ]


def test_an_xlsx_named_csv_is_still_read_as_a_workbook():
    assert read_table(xlsx_bytes(ROWS), "coverage.csv").headers == HEADER


@pytest.mark.parametrize("data, filename, message", [
    (b"", "coverage.csv", "文件是空的：第一行应为表头，从第二行起为数据。"),
    (b"  \r\n\r\n", "coverage.csv", "文件是空的：第一行应为表头，从第二行起为数据。"),
    (",,,\r\n,,\r\n", "coverage.csv", "文件是空的：第一行应为表头，从第二行起为数据。"),
    ("支部名称,统一社会信用代码,开始日期\r\n", "coverage.csv", "文件只有表头，没有数据行。"),
    # Excel's "Unicode 文本" (UTF-16 with a BOM) is read: this one has only a header.
    ("支部名称\r\n".encode("utf-16"), "coverage.csv", "文件只有表头，没有数据行。"),
    (b"\xff\xfe\xfd\x80\x81 not text", "coverage.csv",
     "无法识别文件的编码：请在 Excel/WPS 中另存为“CSV UTF-8”或 XLSX 后重新导入。"),
    (b"name,code\r\nA\x00B,1\r\n", "coverage.csv",
     "文件内容不是文本表格（含有二进制数据）：请上传 CSV 或 XLSX 文件。"),
    (b"\xd0\xcf\x11\xe0 old excel", "coverage.xls",
     "XLS 文件无法读取（已损坏、设有密码或不是 Excel 工作簿）："
     "请在 Excel/WPS 中打开后另存为 .xlsx 再导入。"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "coverage.csv",
     "XLS 文件无法读取（已损坏、设有密码或不是 Excel 工作簿）："
     "请在 Excel/WPS 中打开后另存为 .xlsx 再导入。"),
    (os.urandom(4096), "coverage.xlsx",
     "XLSX 文件已损坏或不是 Excel 工作簿：请在 Excel 中重新保存后再导入。"),
    (b"PK\x03\x04" + os.urandom(2048), "coverage.csv",
     "XLSX 文件已损坏或不是 Excel 工作簿：请在 Excel 中重新保存后再导入。"),
])
def test_unreadable_files_give_one_clear_message(data, filename, message):
    data = data.encode("utf-8") if isinstance(data, str) else data
    with pytest.raises(ImportFileError) as error:
        read_table(data, filename)
    assert str(error.value) == message


def test_a_cell_larger_than_csv_allows_is_a_clear_message():
    data = ("支部名称\r\n\"" + "长" * 200_000 + "\"\r\n").encode("utf-8")
    with pytest.raises(ImportFileError, match="CSV 文件格式有误"):
        read_table(data, "coverage.csv")


def real_workbook() -> bytes:
    rows = [HEADER] + [["赫山区第一联合党支部", CODE[1], date(2021, 1, 1), f"备注{n}" * 20]
                       for n in range(2000)]
    return xlsx_bytes(rows)


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.999])
def test_a_truncated_workbook_gives_a_clear_message(county, keep):
    data = real_workbook()
    result = import_file("coverage", data[:int(len(data) * keep)], "coverage.xlsx")
    assert result.error_lines() == [BROKEN_XLSX]


def test_a_workbook_damaged_inside_its_sheet_gives_a_clear_message(county):
    data = bytearray(real_workbook())
    middle = len(data) // 2
    data[middle:middle + 64] = bytes(64)
    result = import_file("coverage", bytes(data), "coverage.xlsx")
    assert result.error_lines() == [BROKEN_XLSX]


def test_a_file_over_the_size_limit_is_refused_before_reading():
    with pytest.raises(ImportFileError, match="文件超过 64 MB"):
        read_table(b"a" * (MAX_IMPORT_BYTES + 1), "coverage.csv")


@pytest.mark.parametrize("filename", ["coverage.csv", "coverage.xlsx"])
def test_fifty_megabytes_of_junk_give_a_clear_message_quickly(county, tmp_path, filename):
    path = tmp_path / filename
    path.write_bytes(os.urandom(50 * 1024 * 1024))
    before = database_state()
    started = time.monotonic()
    result = import_file("coverage", path.read_bytes(), filename)
    assert time.monotonic() - started < 10
    [line] = result.error_lines()
    assert line.startswith("file: ")
    assert database_state() == before


def test_the_command_reports_a_broken_file_on_stderr_with_status_1(county, tmp_path):
    path = tmp_path / "coverage.xlsx"
    path.write_bytes(real_workbook()[:5000])
    stderr = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_data", "coverage", str(path), stderr=stderr)
    assert error.value.returncode == 1
    assert stderr.getvalue().strip() == BROKEN_XLSX


def test_a_csv_saved_in_another_legacy_encoding_is_reported_as_unknown_columns(county):
    data = "支部名稱,統一社會信用代碼,開始日期\r\n第一支部,X,2021-01-01\r\n".encode("big5")
    lines = import_file("coverage", data, "coverage.csv").error_lines()
    assert lines and all(line.startswith("row 1, column ") for line in lines)
    assert "未知的列" in lines[0]
