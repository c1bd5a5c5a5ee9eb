"""Time `import_data` on large files: 20,000 institutions and 250,000 visits.

Run from the repository root: `.venv/bin/python bench/bench_import.py [--postgres URL]`.

The files are generated first (with the regions, instructors and assignments they need;
every visit is by the instructor assigned to the institution, inside its operating period,
with no duplicate), then imported into a fresh SQLite file. When --postgres URL is given,
or DATABASE_URL points at PostgreSQL, the same files are imported into a throwaway database
created on that server (and dropped afterwards); scripts/test-postgres.sh starts a server:
`scripts/test-postgres.sh .venv/bin/python bench/bench_import.py`.
Each database runs in its own process, because Django reads DATABASE_URL once at start-up.
"""

import argparse
import csv
import io
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT_SECONDS = 180
INSTITUTIONS = 20_000
INSTRUCTORS = 2_000
VISITS = 250_000
YEAR = 2024
DISTRICTS = (("430902", "资阳区"), ("430903", "赫山区"), ("430921", "南县"),
             ("430922", "桃江县"), ("430923", "安化县"), ("430981", "沅江市"))
CATEGORIES = ("学科类", "文化艺术", "体育", "科技")
YES = ("是", "√", "Y", "1")


def write_csv(path: Path, header: list, rows) -> int:
    """Write the rows as Excel's "CSV UTF-8" (with BOM); return the number of rows."""
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def generate(folder: Path) -> dict[str, int]:
    """The five files of the benchmark; returns rows per kind."""
    sys.path.insert(0, str(ROOT))
    from partybuild.core.credit_code import make_credit_code

    codes = [make_credit_code(n, DISTRICTS[n % len(DISTRICTS)][0]) for n in range(INSTITUTIONS)]
    counts = {}
    counts["regions"] = write_csv(
        folder / "regions.csv", ["区划代码", "名称", "上级代码"],
        [["430900", "益阳市", ""], *([code, name, "430900"] for code, name in DISTRICTS)])
    counts["instructors"] = write_csv(
        folder / "instructors.csv", ["指导员编号", "姓名", "来源类型", "来源单位", "职务"],
        ([f"ZD{n:05d}", f"指导员{n}", "公办学校", f"益阳市第{n % 50 + 1}中学", "党支部书记"]
         for n in range(INSTRUCTORS)))

    def institutions():
        for n, code in enumerate(codes):
            district_code, district = DISTRICTS[n % len(DISTRICTS)]
            opened = date(2015, 1, 1) + timedelta(days=n % 1500)
            yield [f"{district}第{n}培训学校", code, f"教民{n:010d}", CATEGORIES[n % 4], "有照有证",
                   district_code, f"{district}建设路{n}号", f"举办者{n}", opened.isoformat(),
                   "是" if n % 3 else "否", str(5 + n % 40)]

    counts["institutions"] = write_csv(
        folder / "institutions.csv",
        ["机构名称", "统一社会信用代码", "办学许可证号", "类别", "证照状态", "所属区划", "地址",
         "举办者", "开办日期", "党建入章程", "从业人员数"], institutions())
    counts["assignments"] = write_csv(
        folder / "assignments.csv", ["指导员编号", "统一社会信用代码", "开始日期"],
        ([f"ZD{n % INSTRUCTORS:05d}", code, "2020-01-01"] for n, code in enumerate(codes)))

    def visits():
        # Twelve monthly visits to each institution in YEAR, then one in January of the next
        # year to as many institutions as it takes to reach VISITS rows.
        days = [(date(YEAR, month, 1), month) for month in range(1, 13)]
        extra = VISITS - 12 * INSTITUTIONS
        for n, code in enumerate(codes):
            instructor = f"ZD{n % INSTRUCTORS:05d}"
            visit_days = days + ([(date(YEAR + 1, 1, 1), 13)] if n < extra else [])
            for first, month in visit_days:
                day = first + timedelta(days=n % 28)
                items = [YES[(n + month) % 4] if (n + month + item) % 5 else ""
                         for item in range(5)]
                yield [instructor, code, day.isoformat(), *items, f"第{month}次走访，讲授党章"]

    counts["visits"] = write_csv(
        folder / "visits.csv",
        ["指导员编号", "统一社会信用代码", "走访日期", "上党课", "讲政策", "排隐患", "核台账",
         "以案说法", "内容摘要"], visits())
    return counts


def child(folder: Path) -> int:
    """Import the files into the database of DATABASE_URL (freshly migrated) and time them."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partybuild.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    # As in production: with DEBUG on, Django would also keep every query's SQL.
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 40)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    vendor = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[connection.vendor]
    too_slow = []

    def timed(kind: str, label: str = "") -> float:
        path = folder / f"{kind}.csv"
        rows = sum(1 for _line in path.open(encoding="utf-8-sig")) - 1
        out = io.StringIO()
        started, cpu_started = time.perf_counter(), time.process_time()
        call_command("import_data", kind, str(path), stdout=out)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        summary = out.getvalue().strip()
        print(f"  {label or kind:<16} {rows:>8,} rows {seconds:7.1f} s {rows / seconds:>8,.0f} "
              f"rows/s  (CPU of this process {cpu:5.1f} s)  {summary}", flush=True)
        if seconds > LIMIT_SECONDS:
            too_slow.append(f"{label or kind} took {seconds:.0f} s")
        return seconds

    # Wall-clock time is what users wait; the CPU time of this process (which, on SQLite,
    # includes the database's own work) shows the cost when the machine is shared.
    print(f"{vendor}:", flush=True)
    for kind in ("regions", "instructors"):
        timed(kind)
    timed("institutions")
    timed("assignments")
    timed("visits")
    timed("visits", "visits (again)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory of the import process: {peak:,.0f} MB", flush=True)
    if too_slow and connection.vendor == "sqlite":
        print(f"FAILED on {vendor}: " + "; ".join(too_slow) + f" (limit {LIMIT_SECONDS} s)")
        return 1
    return 0


def run_child(folder: Path, database_url: str) -> int:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run([sys.executable, __file__, "--child", str(folder)], env=env,
                          cwd=ROOT).returncode


def run_postgres(folder: Path, url: str) -> int:
    """Import into a throwaway database on the server of the URL, dropped afterwards."""
    import psycopg
    from psycopg import sql

    name = f"partybuild_bench_{os.getpid()}"
    try:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as error:
        print(f"PostgreSQL: cannot create a throwaway database on {url}: {error}")
        return 1
    try:
        base, _slash, _database = url.partition("?")[0].rpartition("/")
        query = url.partition("?")[2]
        return run_child(folder, f"{base}/{name}" + (f"?{query}" if query else ""))
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL",
                        help="also run against this PostgreSQL server (postgres://user@host/db)")
    parser.add_argument("--child", metavar="FOLDER", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(Path(args.child))

    postgres = args.postgres
    if not postgres and os.environ.get("DATABASE_URL", "").startswith(("postgres:", "postgresql:")):
        postgres = os.environ["DATABASE_URL"]
    workdir = Path(tempfile.mkdtemp(prefix="partybuild-bench-import-"))
    try:
        folder = workdir / "files"
        folder.mkdir()
        started = time.perf_counter()
        counts = generate(folder)
        print(f"generated {counts['institutions']:,} institutions and {counts['visits']:,} "
              f"visits in {time.perf_counter() - started:.1f} s", flush=True)
        status = run_child(folder, f"sqlite:///{workdir / 'bench.sqlite3'}")
        if postgres:
            status = run_postgres(folder, postgres) or status
        else:
            print("PostgreSQL: skipped (give --postgres URL or a postgres DATABASE_URL)")
        return status
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
