"""Time the region report (data and PDF) for 1,000 and 20,000 institutions against its floor,
SQLite and PostgreSQL.

Run from the repository root: `.venv/bin/python bench/bench_reports.py [--postgres URL]
[--keep DIR] [--sizes 1000,20000]` (see benchdb.py). Each case seeds a database with
`seed_demo --institutions N`, then times, interleaved, the city's report for the demo's
full year: the builder (region_report: the engine once, the summary figures), the PDF
(region_report_pdf), and the drawing floor (floor_reports.py: the same PDF with every cell a
plain string). Medians of the runs.

Prints `name: project X, floor Y, ratio Z` and exits 1 when the report of 1,000
institutions takes TARGET_SECONDS or more all told (data and drawing).
"""

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchdb import postgres_url, run_postgres, run_sqlite, seeded, setup_django

SIZES = (1_000, 20_000)
TARGET_INSTITUTIONS = 1_000
TARGET_SECONDS = 0.5


def child(institutions: int) -> int:
    setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from floor_reports import floor_region_pdf

    from partybuild.regions.models import Region
    from partybuild.reports.builders import region_report
    from partybuild.reports.pdf import region_report_pdf, register_font

    how = seeded(institutions)
    year = timezone.localdate().year - 1
    vendor = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[connection.vendor]
    city = Region.objects.get(parent__isnull=True)
    started = time.perf_counter()
    register_font()
    font_seconds = time.perf_counter() - started
    repeats = 5 if institutions <= 5_000 else 2

    data, drawing, floor = [], [], []
    report = content = None
    for _ in range(repeats):
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            report = region_report(region=city, year=year)
        data.append(time.perf_counter() - began)
        began = time.perf_counter()
        content = region_report_pdf(report)
        drawing.append(time.perf_counter() - began)
        began = time.perf_counter()
        floor_content = floor_region_pdf(report)
        floor.append(time.perf_counter() - began)
    data, drawing, floor = (statistics.median(times) for times in (data, drawing, floor))
    pages = content.count(b"/Type /Page") - content.count(b"/Type /Pages")
    floor_pages = floor_content.count(b"/Type /Page") - floor_content.count(b"/Type /Pages")
    size = f"{institutions:,} institutions"
    print(f"  ({vendor}, {size}, {how}, year {year}: {report.scored:,} scored, "
          f"{len(queries)} queries, {pages} pages (floor {floor_pages}), "
          f"{len(content) / 1024:.0f} KiB; font registration once per process "
          f"{font_seconds:.2f} s)")
    print(f"region PDF drawing, {size}, {vendor}: project {drawing * 1000:.0f} ms, "
          f"floor {floor * 1000:.0f} ms, ratio {drawing / floor:.2f}")
    total = data + drawing
    print(f"region PDF all told, {size}, {vendor}: project {total * 1000:.0f} ms "
          f"(data {data * 1000:.0f} + drawing {drawing * 1000:.0f}), "
          f"floor {floor * 1000:.0f} ms (drawing alone), ratio {total / floor:.2f}", flush=True)
    if institutions == TARGET_INSTITUTIONS and total >= TARGET_SECONDS:
        print(f"  MISSED: the region report of {size} took {TARGET_SECONDS} s or more")
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL")
    parser.add_argument("--keep", metavar="DIR", help="keep and reuse the seeded databases")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child)
    postgres = postgres_url(args.postgres)
    status = 0
    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(
        prefix="partybuild-bench-reports-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        for institutions in (int(size) for size in args.sizes.split(",")):
            if not args.no_sqlite:
                status = run_sqlite(__file__, workdir, institutions) or status
            if postgres:
                status = run_postgres(__file__, postgres, institutions,
                                      bool(args.keep)) or status
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    if not postgres:
        print("PostgreSQL: skipped (give --postgres URL or a postgres DATABASE_URL)")
    return status


if __name__ == "__main__":
    sys.exit(main())
