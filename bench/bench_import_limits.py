"""Peak memory and time of reading the largest import file the limits allow, and of refusing
hostile ones (partybuild/imports/readers.py: MAX_ROWS, MAX_COLUMNS, MAX_CELLS,
MAX_SHEET_XML_BYTES, MAX_IMPORT_BYTES).

Run from the repository root: `.venv/bin/python bench/bench_import_limits.py`.

Each case runs in its own process, so its peak resident memory (ru_maxrss) is its own:
  largest-xlsx   an institutions XLSX as large as the limits allow (rows of 12 filled
                 columns, sheet XML just under MAX_SHEET_XML_BYTES): read, headers matched,
                 every cell parsed as the import does before it asks the database
  largest-csv    the same rows as a UTF-8 CSV, up to MAX_ROWS or MAX_IMPORT_BYTES
  million-rows   545 KB of XLSX holding 1,000,000 rows (140 MB of sheet XML): refused
  far-cell       one value at XFD1048576: refused before calamine builds its grid
The bound it checks: every case under MEMORY_LIMIT_MB of peak memory and TIME_LIMIT_S of CPU
time (exit 1 otherwise); CPU time, because wall time on a shared machine measures the others.
"""

import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEMORY_LIMIT_MB = 1024
TIME_LIMIT_S = 60
CASES = ("largest-xlsx", "largest-csv", "million-rows", "far-cell")
HEADER = ["机构名称", "统一社会信用代码", "办学许可证号", "类别", "证照状态", "所属区划", "地址",
          "举办者", "开办日期", "党建入章程", "从业人员数", "停办日期"]


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partybuild.settings")
    import django

    django.setup()


def institution_row(n: int, codes) -> list:
    return [f"赫山区阳光艺术培训学校{n}", codes[n % len(codes)], f"教民1430903{n:07d}号",
            "文化艺术", "有照有证", "430903", f"益阳市赫山区金银山路{n}号", f"举办者{n}",
            "2021-03-05", "是", n % 90, None]


def make_largest_xlsx(path: Path) -> int:
    from partybuild.core.credit_code import make_credit_code
    from partybuild.imports.readers import MAX_ROWS, MAX_SHEET_XML_BYTES
    from tests.imports.dressing import row_xml, streamed_xlsx

    codes = [make_credit_code(n, "430903") for n in range(1000)]
    per_row = len(row_xml(MAX_ROWS, institution_row(MAX_ROWS, codes)).encode("utf-8"))
    rows = min(MAX_ROWS - 1, int(MAX_SHEET_XML_BYTES * 0.97) // per_row)
    streamed_xlsx(path, ((number, HEADER if number == 1 else institution_row(number, codes))
                         for number in range(1, rows + 1)))
    return rows - 1


def make_largest_csv(path: Path) -> int:
    from partybuild.core.credit_code import make_credit_code
    from partybuild.imports.readers import MAX_IMPORT_BYTES, MAX_ROWS

    codes = [make_credit_code(n, "430903") for n in range(1000)]
    written = 0
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        for n in range(2, MAX_ROWS + 1):
            row = institution_row(n, codes)
            row[8] = date(2021, 3, 5).isoformat()
            writer.writerow(row)
            written += 1
            if n % 1000 == 0 and stream.tell() > MAX_IMPORT_BYTES * 0.97:
                break
    return written


def child(case: str, path: Path) -> int:
    setup_django()
    from partybuild.imports.engine import Context, match_headers, parse_rows, recognised_names
    from partybuild.imports.kinds import KINDS
    from partybuild.imports.readers import ImportFileError, read_table

    kind_class = KINDS["institutions"]
    data = path.read_bytes()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    baseline = usage.ru_maxrss / 1024
    cpu_before = usage.ru_utime + usage.ru_stime
    started = time.monotonic()
    try:
        table = read_table(data, path.name, recognised=recognised_names(kind_class).__contains__)
    except ImportFileError as error:
        outcome = f"refused: {error}"
    else:
        kind = kind_class(Context())
        mapping, errors = match_headers(kind, table.headers, table.header_row)
        rows = parse_rows(kind, table, mapping, errors)
        outcome = f"read {len(rows):,} rows, {len(errors)} problems"
    elapsed = time.monotonic() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    peak = usage.ru_maxrss / 1024
    print(f"{case:13} {len(data) / 1e6:8.1f} MB file  {cpu:6.2f} s CPU ({elapsed:.1f} s wall)  "
          f"peak {peak:6.0f} MB "
          f"(+{peak - baseline:.0f} MB over the {baseline:.0f} MB of Python, Django and the "
          f"file's bytes)  {outcome[:110]}")
    return 0 if peak < MEMORY_LIMIT_MB and cpu < TIME_LIMIT_S else 1


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        return child(sys.argv[2], Path(sys.argv[3]))
    setup_django()
    from partybuild.imports import readers
    from tests.imports.dressing import streamed_xlsx

    print(f"limits: {readers.MAX_ROWS:,} rows, {readers.MAX_COLUMNS} columns, "
          f"{readers.MAX_CELLS:,} cells, {readers.MAX_SHEET_XML_BYTES // 2**20} MB of sheet XML, "
          f"{readers.MAX_IMPORT_BYTES // 2**20} MB per file; bound checked: "
          f"{MEMORY_LIMIT_MB} MB peak, {TIME_LIMIT_S} s of CPU")
    failed = 0
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        files = {}
        rows = make_largest_xlsx(work / "institutions.xlsx")
        files["largest-xlsx"] = work / "institutions.xlsx"
        print(f"largest-xlsx: {rows:,} data rows x {len(HEADER)} columns")
        rows = make_largest_csv(work / "institutions.csv")
        files["largest-csv"] = work / "institutions.csv"
        print(f"largest-csv: {rows:,} data rows")
        streamed_xlsx(work / "million.xlsx", ((n, ["x", n]) for n in range(1, 1_000_001)))
        files["million-rows"] = work / "million.xlsx"
        streamed_xlsx(work / "far.xlsx", [(1, HEADER[:2])],
                      extra_xml='<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
        files["far-cell"] = work / "far.xlsx"
        for case in CASES:
            completed = subprocess.run([sys.executable, __file__, "--child", case,
                                        str(files[case])], cwd=ROOT, capture_output=True,
                                       text=True)
            sys.stdout.write(completed.stdout)
            sys.stderr.write(completed.stderr[-2000:])
            failed |= completed.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
