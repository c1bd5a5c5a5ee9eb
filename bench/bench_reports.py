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

import statistics
import sys
import time

from benchdb import run_sizes, seeded, setup_django

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
    return run_sizes(__file__, __doc__.splitlines()[0], child, SIZES)


if __name__ == "__main__":
    sys.exit(main())
