"""Time the region report for 1,000 institutions: the builder, then the PDF.

Run from the repository root: `.venv/bin/python bench/bench_reports.py`.
Seeds a fresh SQLite file with `seed_demo --institutions 1000`, then builds the city's
report for the demo's full year and renders its PDF, printing the times and the figures.
"""

import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

INSTITUTIONS = 1_000
YEAR = 2025
LIMIT_SECONDS = 30


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    workdir = Path(tempfile.mkdtemp(prefix="partybuild-bench-"))
    # The settings read DATABASE_URL when Django starts, so it is set before django.setup().
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'reports.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partybuild.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from partybuild.regions.models import Region
    from partybuild.reports.builders import region_report
    from partybuild.reports.pdf import region_report_pdf, register_font

    try:
        call_command("migrate", verbosity=0, interactive=False)
        started = time.perf_counter()
        call_command("seed_demo", institutions=INSTITUTIONS, stdout=io.StringIO())
        print(f"seed_demo --institutions {INSTITUTIONS}: {time.perf_counter() - started:.1f} s")
        city = Region.objects.get(parent__isnull=True)

        started = time.perf_counter()
        register_font()
        font_seconds = time.perf_counter() - started

        started = time.perf_counter()
        with CaptureQueriesContext(connection) as context:
            report = region_report(region=city, year=YEAR)
        build_seconds = time.perf_counter() - started

        started = time.perf_counter()
        content = region_report_pdf(report)
        pdf_seconds = time.perf_counter() - started

        print(f"region_report({city.name}, {YEAR}): {build_seconds:.2f} s, "
              f"{len(context)} queries, {report.scored} institutions scored")
        print(f"region_report_pdf: {pdf_seconds:.2f} s, {len(content) / 1024:.0f} KiB, "
              f"{content.count(b'/Type /Page') - content.count(b'/Type /Pages')} pages "
              f"(font registration, once per process: {font_seconds:.2f} s)")
        print(f"  grades {report.grades}, red list {len(report.red_list)}, "
              f"average total {report.average_total}")
        total = build_seconds + pdf_seconds
        print(f"total: {total:.2f} s")
        connection.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    if total > LIMIT_SECONDS:
        print(f"FAILED: the region report for {INSTITUTIONS} institutions took over "
              f"{LIMIT_SECONDS} s")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
