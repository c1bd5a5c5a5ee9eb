"""Time the annual scoring of 1,000 and 20,000 institutions against its floor, SQLite and
PostgreSQL.

Run from the repository root: `.venv/bin/python bench/bench_scoring.py [--postgres URL]`
(with a server from `scripts/test-postgres.sh .venv/bin/python bench/bench_scoring.py`, the
DATABASE_URL it sets is used). Each case seeds a fresh database with `seed_demo` (which adds
the previous calendar year of visits, activities, hazards, clues and points), then times,
interleaved, the engine and its floor (floor_scoring.py: hand-written SQL, same figures,
asserted equal), and storing the scores against the floor's plain executemany of the same
rows. Medians of REPEATS runs. Each database runs in its own process, because Django reads
DATABASE_URL once at start-up. `--keep DIR` keeps the seeded databases (SQLite files in DIR,
PostgreSQL databases on the server) and reuses them on the next run with the same DIR.

Prints `name: project X, floor Y, ratio Z` and exits 1 when a target is missed: the engine
within RATIO_TARGET of its floor at every size, and the scores stored with one INSERT.
"""

import statistics
import sys
import time

from benchdb import run_sizes, seeded, setup_django

SIZES = (1_000, 20_000)
REPEATS = 5  # 3 from 5,000 institutions
RATIO_TARGET = 1.5


def child(institutions: int) -> int:
    setup_django()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from floor_scoring import engine_figures, floor_scores

    from partybuild.organisation.models import Institution
    from partybuild.scoring.engine import score_institutions
    from partybuild.scoring.models import Score
    from partybuild.scoring.services import rubric_for_year, scores_store

    how = seeded(institutions)
    year = timezone.localdate().year - 1
    rubric = rubric_for_year(year)
    values = rubric.values()
    everything = Institution.objects.all()
    vendor = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[connection.vendor]

    def project_engine():
        return score_institutions(institutions=everything, year=year, rubric=values)

    def floor_engine():
        return floor_scores(year=year, rubric=values)

    # The floor's store: the floor's figures, then the same rows with a plain executemany.
    columns = ("institution_id", "year", "rubric_version", "months_in_scope", "coverage",
               "charter", "four_ones", "activities", "hazards", "red_points", "deductions",
               "total", "grade", "red_list", "computed_at")
    table = connection.ops.quote_name(Score._meta.db_table)
    insert = (f"INSERT INTO {table} ({', '.join(connection.ops.quote_name(c) for c in columns)})"
              f" VALUES ({', '.join(['%s'] * len(columns))})")

    def floor_store():
        rows = floor_engine()
        now = timezone.now()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE year = %s", [year])
            cursor.executemany(insert, [
                (row[0], year, rubric.version, row[1],
                 *(f"{cents / 100:.2f}" for cents in row[2:10]), row[10], row[11], now)
                for row in rows])
        return rows

    def project_store():
        return scores_store(year=year, institutions=everything, rubric=rubric)

    # Same figures, to the cent, before anything is timed.
    project_engine()
    assert engine_figures(project_engine()) == floor_engine(), "the floor differs"

    def timed(*works) -> list[tuple[float, int, int]]:
        samples = [[] for _ in works]
        queries = [0] * len(works)
        for _ in range(REPEATS if institutions < 5_000 else 3):
            for index, work in enumerate(works):
                with CaptureQueriesContext(connection) as captured:
                    began = time.perf_counter()
                    work()
                    samples[index].append(time.perf_counter() - began)
                queries[index] = sum(1 for query in captured.captured_queries
                                     if query["sql"].lstrip().upper().startswith("INSERT")
                                     and table in query["sql"])
        return [(statistics.median(times), inserts) for times, inserts in
                zip(samples, queries, strict=True)]

    (engine, _), (floor, _) = timed(project_engine, floor_engine)
    (stored, inserts), (floor_stored, _) = timed(project_store, floor_store)
    size = f"{institutions:,} institutions"
    scored = Score.objects.filter(year=year).count()
    print(f"  ({vendor}, {size}, {how}, year {year}: {scored:,} scores)")
    status = 0
    engine_ratio = engine / floor
    print(f"scoring engine, {size}, {vendor}: project {engine * 1000:.0f} ms, "
          f"floor {floor * 1000:.0f} ms, ratio {engine_ratio:.2f}", flush=True)
    if engine_ratio > RATIO_TARGET:
        print(f"  MISSED: the engine is over {RATIO_TARGET}× its floor")
        status = 1
    print(f"scoring + storing, {size}, {vendor}: project {stored * 1000:.0f} ms "
          f"({inserts} INSERT), floor {floor_stored * 1000:.0f} ms, "
          f"ratio {stored / floor_stored:.2f}", flush=True)
    if inserts != 1:
        print(f"  MISSED: the scores took {inserts} INSERT statements, not one")
        status = 1
    return status


def main() -> int:
    return run_sizes(__file__, __doc__.splitlines()[0], child, SIZES)


if __name__ == "__main__":
    sys.exit(main())
