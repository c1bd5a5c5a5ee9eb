"""Time `import_data` on large files: 20,000 institutions and 250,000 visits.

Run from the repository root: `.venv/bin/python bench/bench_import.py [--postgres URL]`.

The files are generated first (with the regions, instructors and assignments they need;
every visit is by the instructor assigned to the institution, inside its operating period,
with no duplicate), then imported into a fresh SQLite file. When --postgres URL is given,
or DATABASE_URL points at PostgreSQL, the same files are imported into a throwaway database
created on that server (and dropped afterwards); scripts/test-postgres.sh starts a server:
`scripts/test-postgres.sh .venv/bin/python bench/bench_import.py`.
Each database runs in its own processes, because Django reads DATABASE_URL once at start-up,
and each measured import in a process of its own, so that its peak memory is its own.

For the institutions and the visits it prints
`KIND (ROWS) DATABASE: project X s, floor Y s, ratio Z, peak N MiB`, where the floor is the
same rows read with the csv module, looked up (one query per referenced table) and inserted
with executemany (SQLite) or COPY (PostgreSQL) in the same process, without validation or
history. The visits' floor also reads what the project must read to validate a visit and
nothing more: the assignments (who may visit where and when) and the stored visits (a
visit already stored is updated, not inserted), each table in one query. Exit status 1
when a target is missed: the visits within TARGET_RATIO of their floor, every import under
PEAK_LIMIT_MIB, re-importing the visits creating nothing.
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
# Targets (issue 16): the visits within 2x of the floor; every import under 400 MiB.
TARGET_RATIO = {"visits": 2.0}
PEAK_LIMIT_MIB = 400
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


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partybuild.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    # As in production: with DEBUG on, Django would also keep every query's SQL.
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 40)
    import django

    django.setup()


def import_file(folder: Path, kind: str) -> tuple[float, float, str]:
    """Run `import_data KIND FILE`; wall and CPU seconds, and its summary line."""
    from django.core.management import call_command

    out = io.StringIO()
    started, cpu_started = time.perf_counter(), time.process_time()
    call_command("import_data", kind, str(folder / f"{kind}.csv"), stdout=out)
    return time.perf_counter() - started, time.process_time() - cpu_started, \
        out.getvalue().strip()


# The floors: the same rows read from the same file with the csv module, the same look-ups
# (institutions by credit code, instructors by number, regions by code; for the visits also
# the assignments and the stored visits, which the project must read to validate: one query
# each), and
# the rows inserted with executemany (SQLite) or COPY (PostgreSQL), 2,000 at a time, in one
# transaction. No validation, no history, no counting: what no importer can beat.

FLOOR_BATCH = 2000


def _insert(cursor, table: str, columns: list[str], rows: list[tuple]) -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) "
                           f"VALUES ({', '.join(['%s'] * len(columns))})", rows)


def floor(folder: Path, kind: str) -> tuple[float, float]:
    """Wall and CPU seconds to read, look up, insert and commit the kind's rows as plainly as
    possible. The commit is timed (it is where PostgreSQL and SQLite check the deferred
    foreign keys); the rows are deleted afterwards, so that the project's import finds the
    same empty table."""
    from django.db import connection, transaction
    from django.utils import timezone

    from partybuild.core.natural import sort_key
    from partybuild.imports.engine import SQLITE_IMPORT_CACHE_KIB
    from partybuild.imports.kinds import KINDS
    from partybuild.instructors.models import Assignment, Instructor
    from partybuild.organisation.models import Institution
    from partybuild.regions.models import Region
    from partybuild.visits.models import Visit

    started, cpu_started = time.perf_counter(), time.process_time()
    now = timezone.now()
    on_pg = connection.vendor == "postgresql"
    day = (lambda text: date.fromisoformat(text)) if on_pg else (lambda text: text)
    stamp = now if on_pg else connection.ops.adapt_datetimefield_value(now)
    with transaction.atomic(), connection.cursor() as cursor:
        if not on_pg and KINDS[kind].streamed:
            # The page cache the project's streamed imports use (imports.engine), so that
            # the floor's index inserts are as cheap as the project's (and no cheaper for
            # the kinds imported whole, which keep the connection's own).
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}")
        with (folder / f"{kind}.csv").open(encoding="utf-8-sig", newline="") as stream:
            reader = csv.reader(stream)
            next(reader)
            if kind == "visits":
                institutions = dict(Institution.objects.values_list("credit_code", "pk"))
                instructors = dict(Instructor.objects.values_list("number", "pk"))
                # Read, not used: what a visit is checked against (see the module's doc).
                periods: dict[tuple, list] = {}
                for instructor_id, institution_id, start, end in \
                        Assignment.objects.order_by().values_list(
                            "instructor_id", "institution_id", "start", "end"):
                    periods.setdefault((instructor_id, institution_id), []).append((start, end))
                stored = set(Visit.objects.order_by().values_list(
                    "instructor_id", "institution_id", "date"))
                del periods, stored
                table = "visits_visit"
                columns = ["instructor_id", "institution_id", "date", "lesson", "lesson_topic",
                           "policy", "policy_text", "hazard_check", "hazard_check_text",
                           "ledger", "ledger_text", "case_talk", "case_talk_case", "notes",
                           "created_at"]

                def convert(row):
                    items = [cell in YES for cell in row[3:8]]
                    return (instructors[row[0]], institutions[row[1]], day(row[2]),
                            items[0], "", items[1], "", items[2], "", items[3], "", items[4],
                            "", row[8], stamp)
            else:
                regions = dict(Region.objects.values_list("code", "pk"))
                table = "organisation_institution"
                columns = ["name", "name_key", "credit_code", "permit_no", "category", "licence",
                           "region_id", "address", "founder", "opened_on",
                           "charter_includes_party_building", "staff_count"]

                def convert(row):
                    # The natural-order key is part of every institution row (core.natural).
                    return (row[0], sort_key(row[0]), row[1], row[2], row[3], "licensed",
                            regions[row[5]], row[6], row[7], day(row[8]), row[9] == "是",
                            int(row[10]))
            batch = []
            for row in reader:
                batch.append(convert(row))
                if len(batch) == FLOOR_BATCH:
                    _insert(cursor, table, columns, batch)
                    batch = []
            _insert(cursor, table, columns, batch)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
    return seconds, cpu


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(folder: Path, step: str) -> int:
    """One step in its own process, so that its peak memory is its own.

    setup: migrate, then import regions, instructors and (for the visits) assignments;
    institutions: the floor, then the project's import; visits: the same, then again.
    """
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    vendor = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[connection.vendor]
    if step == "setup":
        call_command("migrate", verbosity=0, interactive=False)
        for kind in ("regions", "instructors"):
            seconds, _cpu, summary = import_file(folder, kind)
            print(f"  {kind}: {seconds:.1f} s ({summary})", flush=True)
        return 0
    if step == "assignments":
        seconds, _cpu, summary = import_file(folder, "assignments")
        print(f"  assignments: {seconds:.1f} s ({summary})", flush=True)
        return 0
    rows = sum(1 for _line in (folder / f"{step}.csv").open(encoding="utf-8-sig")) - 1
    floor_seconds, floor_cpu = floor(folder, step)
    seconds, cpu, summary = import_file(folder, step)
    ratio = seconds / floor_seconds
    peak = peak_mib()
    # The CPU time of this process includes SQLite's own work (not PostgreSQL's): on a
    # shared machine it shows the cost when the wall clock also measures the neighbours.
    print(f"{step} ({rows:,}) {vendor}: project {seconds:.1f} s, floor {floor_seconds:.1f} s, "
          f"ratio {ratio:.1f}, peak {peak:,.0f} MiB   (CPU of this process: project {cpu:.1f} s, "
          f"floor {floor_cpu:.1f} s; {summary})", flush=True)
    missed = []
    if step in TARGET_RATIO and ratio > TARGET_RATIO[step]:
        missed.append(f"ratio {ratio:.1f} > {TARGET_RATIO[step]}")
    if peak > PEAK_LIMIT_MIB:
        missed.append(f"peak {peak:,.0f} MiB > {PEAK_LIMIT_MIB} MiB")
    if step == "visits":
        seconds, cpu, summary = import_file(folder, step)
        print(f"  visits again: {seconds:.1f} s (CPU {cpu:.1f} s; {summary})", flush=True)
        if summary != "visits: 0 created, 0 updated":
            missed.append(f"re-import said {summary!r}")
    if missed:
        print(f"MISSED on {vendor}, {step}: " + "; ".join(missed), flush=True)
        return 1
    return 0


def run_child(folder: Path, database_url: str) -> int:
    env = {**os.environ, "DATABASE_URL": database_url}
    status = 0
    for step in ("setup", "institutions", "assignments", "visits"):
        status = subprocess.run([sys.executable, __file__, "--child", str(folder), step],
                                env=env, cwd=ROOT).returncode or status
    return status


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
    parser.add_argument("--child", nargs=2, metavar=("FOLDER", "STEP"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(Path(args.child[0]), args.child[1])

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
