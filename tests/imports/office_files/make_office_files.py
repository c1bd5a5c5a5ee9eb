"""Make the office-saved ledgers of tests/imports/office_files/ (committed; rerun to remake).

Each file is written the way an office makes it: LibreOffice 7.4 (headless, from Debian's
`libreoffice-calc`) converts CSVs and workbooks into XLSX and the old BIFF .xls, exactly as
a clerk's "另存为" would (its CSV import turns an all-digit credit code into a number cell,
the trap Excel sets too); xlwt writes one .xls as old programs do; the CSVs are written
byte by byte in the encodings Excel and WPS use on Chinese Windows.

Run from the repository root:
    .venv/bin/python tests/imports/office_files/make_office_files.py
The rows are institutions of 赫山区 (430903), the `county` fixture's county.
"""

import csv
import io
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

from partybuild.core.credit_code import check_character, make_credit_code  # noqa: E402

# Codes with letters (safe in any cell) and all-digit codes (the number trap).
CODES = [make_credit_code(n, "430903") for n in (31, 32, 33)]


def digit_codes(count: int) -> list[str]:
    found, serial = [], 258409929
    while len(found) < count:
        first17 = f"52430903{serial:09d}"
        check = check_character(first17)
        if check.isdigit():
            found.append(first17 + check)
        serial += 1
    return found


DIGIT_CODES = digit_codes(3)
HEADER = ["机构名称", "统一社会信用代码", "类别", "证照状态", "所属区划", "开办日期"]
NAMES = ["赫山区启航艺术培训学校", "赫山区书山体育培训中心", "赫山区明德科技培训学校"]
CATEGORIES = ["文化艺术", "体育", "科技"]
OPENED = [date(2021, 3, 5), date(2022, 9, 1), date(2019, 12, 30)]


def rows(codes=CODES) -> list[list]:
    return [[name, code, category, "有照有证", "430903", opened.isoformat()]
            for name, code, category, opened in zip(NAMES, codes, CATEGORIES, OPENED,
                                                   strict=True)]


def write_csv(path: Path, table: list[list], encoding: str = "utf-8-sig",
              delimiter: str = ",") -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(table)
    path.write_bytes(buffer.getvalue().encode(encoding))


def soffice(source: Path, target: Path, convert_to: str, infilter: str | None = None) -> None:
    """Convert with LibreOffice headless into target (its own profile, so runs don't clash)."""
    with tempfile.TemporaryDirectory() as work:
        command = ["soffice", f"-env:UserInstallation=file://{work}/profile", "--headless",
                   "--convert-to", convert_to, "--outdir", work, str(source)]
        if infilter:
            command[3:3] = [f"--infilter={infilter}"]
        subprocess.run(command, check=True, capture_output=True, timeout=120)
        produced = [path for path in Path(work).iterdir() if path.is_file()]
        [made] = produced
        shutil.move(made, target)


CSV_UTF8 = "CSV:44,34,76,1"
XLSX = "xlsx:Calc MS Excel 2007 XML"
XLS = "xls:MS Excel 97"
UTF16_TAB = "txt:Text - txt - csv (StarCalc):9,34,65535"


def office_layout_workbook(path: Path) -> None:
    """What a bureau's own ledger looks like: a merged title, a unit line, a 序号 column,
    headers with `*`, a bracketed note and a line break, a footer; codes typed as text."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "机构名单"
    sheet.append(["2023年益阳市校外培训机构名单"])
    sheet.merge_cells("A1:G1")
    sheet["A1"].font = Font(bold=True, size=16)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(["填报单位：益阳市赫山区教育局", None, None, None, None, "单位：所"])
    sheet.append(["序号", "机构名称*", "统一社会信用代码（18位）",
                  "类别\n（学科类/文化艺术/体育/科技）", "证照状态*", "所属区划(代码)",
                  "开办\n日期"])
    for number, row in enumerate(rows(), start=1):
        sheet.append([number, *row[:5], date.fromisoformat(row[5])])
        sheet.cell(row=sheet.max_row, column=3).number_format = "@"
        sheet.cell(row=sheet.max_row, column=7).number_format = "yyyy-mm-dd"
    sheet.append([])
    sheet.append(["填表人：张丽", None, None, "审核人：王强", None, "填表日期：2024年1月5日"])
    sheet.append(["备注：本表由各区县教育局汇总上报。"])
    workbook.save(path)


def cover_sheet_workbook(path: Path) -> None:
    """A cover sheet first, the list on the second sheet."""
    workbook = Workbook()
    cover = workbook.active
    cover.title = "封面"
    cover.append(["益阳市赫山区校外培训机构党建工作台账"])
    cover.append(["2023年度"])
    cover.append(["说明：本台账包括机构名单、党组织覆盖情况等。"])
    data = workbook.create_sheet("机构名单")
    data.append(HEADER)
    for row in rows():
        data.append([*row[:5], date.fromisoformat(row[5])])
        data.cell(row=data.max_row, column=2).number_format = "@"
    workbook.save(path)


def styled_last_row_workbook(path: Path) -> None:
    """Clean data and one formatted, empty cell at row 1,048,576 (a whole column styled)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows():
        sheet.append([*row[:5], date.fromisoformat(row[5])])
    sheet.cell(row=1_048_576, column=1).font = Font(bold=True)
    workbook.save(path)


def xlwt_workbook(path: Path) -> None:
    """An .xls written by a BIFF writer (as old office software does), with a title row."""
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("Sheet1")
    dates = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    sheet.write_merge(0, 0, 0, 5, "赫山区校外培训机构名单")
    for column, header in enumerate(HEADER):
        sheet.write(1, column, header)
    for index, row in enumerate(rows(), start=2):
        for column, value in enumerate(row[:5]):
            sheet.write(index, column, value)
        sheet.write(index, 5, date.fromisoformat(row[5]), dates)
    workbook.save(str(path))


def main() -> None:
    out = HERE
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        # Clean data, saved by LibreOffice as XLSX and XLS.
        write_csv(work / "clean.csv", [HEADER, *rows()])
        soffice(work / "clean.csv", out / "lo_clean.xlsx", XLSX, CSV_UTF8)
        soffice(work / "clean.csv", out / "lo_clean.xls", XLS, CSV_UTF8)
        # Excel's "Unicode 文本": UTF-16 with a BOM, tab-separated.
        soffice(work / "clean.csv", out / "lo_unicode_text.txt", UTF16_TAB, CSV_UTF8)
        # All-digit credit codes typed into General cells: LibreOffice makes them numbers.
        write_csv(work / "digits.csv", [HEADER, *rows(DIGIT_CODES)])
        soffice(work / "digits.csv", out / "lo_number_trap.xlsx", XLSX, CSV_UTF8)
        soffice(work / "digits.csv", out / "lo_number_trap.xls", XLS, CSV_UTF8)
        # An office's own layout and a cover sheet, saved again by LibreOffice.
        office_layout_workbook(work / "layout.xlsx")
        soffice(work / "layout.xlsx", out / "lo_title_serial_footer.xlsx", XLSX)
        soffice(work / "layout.xlsx", out / "lo_title_serial_footer.xls", XLS)
        cover_sheet_workbook(work / "cover.xlsx")
        soffice(work / "cover.xlsx", out / "lo_cover_sheet.xlsx", XLSX)
        soffice(work / "cover.xlsx", out / "lo_cover_sheet.xls", XLS)
    styled_last_row_workbook(out / "styled_cell_at_row_1048576.xlsx")
    xlwt_workbook(out / "xlwt_title_row.xls")
    # CSVs as Excel and WPS save them.
    scientific = [[*row[:1], "5.24309E+17", *row[2:]] for row in rows(DIGIT_CODES)]
    write_csv(out / "excel_scientific.csv", [HEADER, *scientific], encoding="gb18030")
    spaced = [row[:] for row in rows()]
    spaced[0][1] = " ".join(CODES[0][i:i + 4] for i in range(0, 18, 4))
    spaced[1][1] = "-".join((CODES[1][:8], CODES[1][8:]))
    spaced[2][1] = CODES[2].lower().translate(
        {code: code + 0xFEE0 for code in range(0x21, 0x7F)})  # full-width, lower case
    write_csv(out / "codes_spaced_fullwidth.csv", [HEADER, *spaced])
    gb = io.StringIO()
    csv.writer(gb, lineterminator="\r\n").writerows([HEADER, *rows()[:2]])
    appended = io.StringIO()
    csv.writer(appended, lineterminator="\r\n").writerow(rows()[2])
    (out / "mixed_gb18030_utf8.csv").write_bytes(
        gb.getvalue().encode("gb18030") + appended.getvalue().encode("utf-8"))
    wps = [["2023年赫山区校外培训机构名单"], ["序号", *HEADER],
           *([number, *row] for number, row in enumerate(rows(), start=1)),
           ["填表人：张丽"]]
    write_csv(out / "wps_gbk_title_serial.csv", wps, encoding="gb18030")
    print("\n".join(sorted(path.name for path in out.iterdir() if path.suffix != ".py")))


if __name__ == "__main__":
    main()
