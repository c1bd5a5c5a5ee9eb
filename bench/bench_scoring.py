"""Time the annual scoring of the demo city and of 20,000 institutions, SQLite and PostgreSQL.

Run from the repository root: `.venv/bin/python bench/bench_scoring.py [--postgres URL]`
(with a server from `scripts/test-postgres.sh .venv/bin/python bench/bench_scoring.py`, the
DATABASE_URL it sets is used). Each case seeds a fresh database with `seed_demo` (which adds
the previous calendar year of visits, activities, hazards, clues and points), then times the
engine alone and the engine plus storing the scores, three times each, and reports the
median and the number of queries. Each database runs in its own process, because Django
reads DATABASE_URL once at start-up.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = (("demo city", None), ("20,000 institutions", 20_000))
REPEATS = 3
LIMIT_SECONDS = 60


def child(institutions: int | None) -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partybuild.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-use")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from partybuild.organisation.models import Institution
    from partybuild.scoring.engine import score_institutions
    from partybuild.scoring.services import rubric_for_year, scores_store

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    options = {"institutions": institutions} if institutions else {}
    call_command("seed_demo", stdout=open(os.devnull, "w"), **options)
    seeded = time.perf_counter() - started
    year = timezone.localdate().year - 1
    rubric = rubric_for_year(year)
    everything = Institution.objects.all()
    vendor = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[connection.vendor]

    def timed(work) -> tuple[float, int, int]:
        times, queries, count = [], 0, 0
        for _ in range(REPEATS):
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                count = len(work())
                times.append(time.perf_counter() - began)
            queries = len(captured)
        return statistics.median(times), queries, count

    engine, engine_queries, scored = timed(
        lambda: score_institutions(institutions=everything, year=year, rubric=rubric.values()))
    stored, stored_queries, _ = timed(
        lambda: scores_store(year=year, institutions=everything, rubric=rubric))
    size = f"{Institution.objects.count():,} institutions"
    print(f"  {vendor}, {size} (seeded in {seeded:.1f} s), year {year}: {scored:,} scored; "
          f"engine {engine * 1000:.0f} ms ({engine_queries} queries), "
          f"engine + store {stored * 1000:.0f} ms ({stored_queries} queries)", flush=True)
    return 0 if max(engine, stored) < LIMIT_SECONDS else 1


def run_child(database_url: str, institutions: int | None) -> int:
    env = {**os.environ, "DATABASE_URL": database_url}
    args = [sys.executable, __file__, "--child"] + ([str(institutions)] if institutions else [])
    return subprocess.run(args, env=env, cwd=ROOT).returncode


def run_postgres(url: str, institutions: int | None) -> int:
    """Seed and score in a throwaway database on the URL's server, dropped afterwards."""
    import psycopg
    from psycopg import sql

    name = f"partybuild_bench_scoring_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        base = url.partition("?")[0].rpartition("/")[0]
        return run_child(f"{base}/{name}", institutions)
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL")
    parser.add_argument("--child", nargs="?", const="demo", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(None if args.child == "demo" else int(args.child))
    postgres = args.postgres
    if not postgres and os.environ.get("DATABASE_URL", "").startswith(("postgres:", "postgresql:")):
        postgres = os.environ["DATABASE_URL"]
    status = 0
    with tempfile.TemporaryDirectory(prefix="partybuild-bench-scoring-") as workdir:
        for label, institutions in CASES:
            print(f"scoring, {label}:", flush=True)
            database = Path(workdir) / f"{institutions or 'demo'}.sqlite3"
            status = run_child(f"sqlite:///{database}", institutions) or status
            if postgres:
                status = run_postgres(postgres, institutions) or status
    if not postgres:
        print("PostgreSQL: skipped (give --postgres URL or a postgres DATABASE_URL)")
    return status


if __name__ == "__main__":
    sys.exit(main())
