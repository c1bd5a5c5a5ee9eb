"""Time the completeness grid ("who hasn't been visited") for the demo city and for 20,000
institutions, each on a fresh SQLite file.

Run from the repository root: `.venv/bin/python bench/bench_completeness.py`.
For each size: `seed_demo`, then the city staff user `staff` opens the grid for last year
(100 institutions a page, totals over all of them) a few times; the median time and the
number of queries are printed, and the whole-grid XLSX download is timed once. The number
of queries must be the same for both sizes: it may not depend on the number of institutions.
"""

import io
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

LARGE = 20_000
REPETITIONS = 5
# A generous ceiling for one grid page of 20,000 institutions on a developer machine.
LIMIT_MS = 3000


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    workdir = Path(tempfile.mkdtemp(prefix="partybuild-bench-"))
    # The settings read DATABASE_URL when Django starts, so it is set before django.setup().
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'default.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partybuild.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from partybuild.accounts.models import User
    from partybuild.visits.completeness import GridFilters, completeness_grid
    from partybuild.visits.models import Visit

    last_year = timezone.localdate().year - 1

    def seed(**options) -> float:
        call_command("migrate", verbosity=0, interactive=False)
        started = time.perf_counter()
        call_command("seed_demo", stdout=io.StringIO(), **options)
        if not Visit.objects.filter(date__year=last_year).exists():
            add_a_year_of_visits(last_year)
        return time.perf_counter() - started

    def measure(label: str) -> dict:
        staff = User.objects.get(username="staff")
        client = Client()
        client.force_login(staff)
        url = reverse("visits:completeness")
        params = {"year": last_year}
        client.get(url, params)  # warm the caches (templates, URL resolver, SQLite pages)
        timings, queries = [], set()
        for _ in range(REPETITIONS):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url, params)
                timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{label}: the grid answered {response.status_code}")
            queries.add(len(captured))
        # The figures are read again outside the timed requests (the client keeps no context).
        grid = completeness_grid(user=staff, filters=GridFilters(last_year, 12))
        started = time.perf_counter()
        export = client.get(url, {**params, "_export": "xlsx"})
        export_seconds = time.perf_counter() - started
        if export.status_code != 200:
            raise RuntimeError(f"{label}: the export answered {export.status_code}")
        result = {
            "label": label,
            "institutions": grid.page.paginator.count,
            "visits": Visit.objects.filter(date__year=last_year).count(),
            "rows": len(grid.rows),
            "median_ms": statistics.median(timings),
            "min_ms": min(timings),
            "queries": queries,
            "totals": grid.totals,
            "kib": len(response.content) // 1024,
            "export_s": export_seconds,
            "export_kib": len(export.content) // 1024,
        }
        totals = result["totals"]
        print(f"{label}: {result['institutions']} institutions in the grid, "
              f"{result['visits']} visits in {last_year}")
        print(f"  grid page ({result['rows']} rows, {result['kib']} KiB): "
              f"median {result['median_ms']:.0f} ms (min {result['min_ms']:.0f} ms) "
              f"over {REPETITIONS} runs, {sorted(queries)} queries")
        print(f"  December totals: expected {totals.expected}, visited {totals.visited}, "
              f"complete {totals.complete}, missing {totals.missing}")
        print(f"  XLSX of the whole grid: {result['export_s']:.1f} s, "
              f"{result['export_kib']} KiB")
        return result

    try:
        seconds = seed()
        print(f"seed_demo (default) on SQLite: {seconds:.1f} s")
        small = measure("demo city")

        # A second fresh file for the large city, switched the way Django's test runner does.
        connection.close()
        connection.settings_dict["NAME"] = str(workdir / "large.sqlite3")
        seconds = seed(institutions=LARGE)
        print(f"seed_demo --institutions {LARGE} on SQLite: {seconds:.1f} s")
        large = measure(f"{LARGE} institutions")
        connection.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    failed = False
    if small["queries"] != large["queries"] or len(small["queries"]) != 1:
        print(f"FAILED: query counts differ: {small['queries']} vs {large['queries']}")
        failed = True
    if large["median_ms"] > LIMIT_MS:
        print(f"FAILED: the grid for {LARGE} institutions took over {LIMIT_MS} ms")
        failed = True
    return 1 if failed else 0


# --- Bench-only fallback data ------------------------------------------------------------
# Used only when seed_demo made no visits for last year (the demo visit loader is optional
# here), so that the timing is not of an empty grid. Not demo data: no history, no texts.


def add_a_year_of_visits(year: int) -> None:
    """A realistic year: 5 % every month with all four items, 6 % never, the rest 1–6."""
    from partybuild.instructors.models import Assignment
    from partybuild.organisation.models import Institution
    from partybuild.visits.models import FOUR_ONES, Visit

    rng = random.Random(year)
    items = [key for key, _label in FOUR_ONES]
    holders: dict[int, list] = {}
    for institution_id, start, end, instructor_id in Assignment.objects.values_list(
            "institution", "start", "end", "instructor"):
        holders.setdefault(institution_id, []).append((start, end, instructor_id))
    visits = []
    for pk, opened_on, closed_on in Institution.objects.values_list("pk", "opened_on",
                                                                    "closed_on"):
        roll = rng.random()
        if roll < 0.06:
            continue
        months = range(1, 13) if roll < 0.11 else sorted(rng.sample(range(1, 13),
                                                                    rng.randint(1, 6)))
        for month in months:
            day = date(year, month, rng.randint(1, 28))
            if day < opened_on or (closed_on and day > closed_on):
                continue
            instructor = next((i for start, end, i in holders.get(pk, ())
                               if start <= day and (end is None or day <= end)), None)
            if instructor is None:
                continue
            done = items if roll < 0.11 else rng.sample(items, rng.randint(1, 4))
            visits.append(Visit(institution_id=pk, instructor_id=instructor, date=day,
                                **{key: True for key in done}))
    Visit.objects.bulk_create(visits, batch_size=2000)
    print(f"  (bench fallback: seed_demo made no {year} visits; added {len(visits)})")


if __name__ == "__main__":
    sys.exit(main())
