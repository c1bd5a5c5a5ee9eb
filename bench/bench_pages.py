"""Time the main pages against the floor, /health/, at 1,000 and 20,000 institutions (issue 16).

Run from the repository root: `.venv/bin/python bench/bench_pages.py [--postgres URL]
[--sizes 1000,20000] [--keep DIR]`. With `--postgres URL` (a role that may create databases,
e.g. the DATABASE_URL of `scripts/test-postgres.sh`) the same is measured on PostgreSQL in
a fresh database per size, after SQLite.

Each size runs in its own process (Django reads the database settings once) on a fresh
database: `seed_demo --institutions N`, last year's scores stored, then the city staff user
opens each page in interleaved pairs with /health/ (the whole middleware stack and session,
no page work): floor, page, floor, page... The medians of PAIRS pairs are printed as

    name: project X ms, floor Y ms, ratio Z

with the number of queries and, for the list pages, the share of the time spent rendering
the template (SQL run while rendering not counted as rendering). Targets (issue 16): every
page within 5× of the floor (the completeness grid within 10×), at the largest size within
1.3× of its time at the smallest (both as multiples of their own floor, since the sizes run
minutes apart), list pages rendering in at most a third of their time, and the number of
queries the same at every size. A missed target exits 1. Pages are measured as production
serves them: DEBUG off, static files collected, HTTPS.

`--keep DIR` keeps the seeded SQLite files in DIR and reuses them next time (new
migrations are applied to the copy), to compare before and after without seeding again.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SIZES = (1_000, 20_000)
PAIRS = 25
RATIO_LIMIT = 5.0
GRID_RATIO_LIMIT = 10.0
GROWTH_LIMIT = 1.3
# Below this the page is so close to the floor that a growth ratio measures noise only.
GROWTH_NOISE_MS = 1.0
TEMPLATE_SHARE_LIMIT = 1 / 3
LIST_PAGES = ("institution list", "score list")
GRID = "completeness grid"


# --- The child: one database, one size ----------------------------------------------------


def child(institutions: int, keep: str | None) -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partybuild.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    # As in production: with DEBUG on, Django keeps every query's SQL and, on SQLite, runs
    # one more statement per query to quote its parameters — a cost a page with 12 queries
    # pays and /health/ (2 queries) hardly does. The static files are collected into a
    # throwaway folder, as a deployment does, because production settings read the manifest.
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-use")
    static_root = tempfile.mkdtemp(prefix="partybuild-bench-static-")
    os.environ.setdefault("DJANGO_STATIC_ROOT", static_root)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.template.backends.django import Template
    from django.test import Client
    from django.utils import timezone

    from partybuild.accounts.models import User
    from partybuild.organisation.models import Region
    from partybuild.scoring.models import Score
    from partybuild.scoring.services import scores_recompute

    year = timezone.localdate().year - 1
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    if not User.objects.filter(username="staff").exists():
        call_command("seed_demo", institutions=institutions, stdout=open(os.devnull, "w"))
    staff = User.objects.get(username="staff")
    if not Score.objects.filter(year=year).exists():
        scores_recompute(acting_user=staff, year=year)
    seeded = time.perf_counter() - started
    if connection.vendor == "postgresql":
        # A deployment's autovacuum analyses a table within a minute of a bulk load; measured
        # straight after seeding, the planner would still know nothing of the rows just
        # written and plan for empty tables. Wait for nothing: analyse now, as it would.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    if keep and connection.vendor == "sqlite":
        connection.close()
        shutil.copyfile(connection.settings_dict["NAME"], keep)

    district = Region.objects.get(code="430903")  # 赫山区, the largest district of the demo
    score = (Score.objects.filter(year=year, institution__region__path__startswith=district.path)
             .order_by("-total", "institution__credit_code").first())
    pages = {
        "home": "/",
        "institution list": f"/organisation/institutions/?region={district.pk}"
                            "&status=open&sort=name",
        GRID: f"/visits/completeness/?year={year}&month=12",
        "score list": f"/scores/{year}/",
        "score detail": f"/scores/{year}/institutions/{score.institution_id}/",
    }
    floor_url = "/health/"

    # Time spent in templates, less the SQL they run (a lazy queryset evaluated in a loop).
    clock = {"render": 0.0, "sql_in_render": 0.0, "rendering": False, "queries": 0}
    original_render = Template.render

    def timed_render(self, *args, **kwargs):
        if clock["rendering"]:
            return original_render(self, *args, **kwargs)
        clock["rendering"] = True
        began = time.perf_counter()
        try:
            return original_render(self, *args, **kwargs)
        finally:
            clock["render"] += time.perf_counter() - began
            clock["rendering"] = False

    def sql_clock(execute, sql, params, many, context):
        clock["queries"] += 1
        if not clock["rendering"]:
            return execute(sql, params, many, context)
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            clock["sql_in_render"] += time.perf_counter() - began

    Template.render = timed_render
    client = Client()
    client.force_login(staff)

    def get(url: str) -> float:
        began = time.perf_counter()
        response = client.get(url, secure=True)  # HTTPS, as production redirects to it
        elapsed = (time.perf_counter() - began) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return elapsed

    results = {"size": institutions, "vendor": connection.vendor, "seed_s": seeded,
               "pages": {}}
    with connection.execute_wrapper(sql_clock):
        for name, url in pages.items():
            for _ in range(3):  # warm the caches: templates, URL resolver, database pages
                get(floor_url)
                get(url)
            clock["queries"] = 0
            get(url)
            queries = clock["queries"]
            floors, times, shares = [], [], []
            for _ in range(PAIRS):
                floors.append(get(floor_url))
                clock.update(render=0.0, sql_in_render=0.0)
                elapsed = get(url)
                times.append(elapsed)
                shares.append((clock["render"] - clock["sql_in_render"]) * 1000 / elapsed)
            results["pages"][name] = {
                "project_ms": statistics.median(times),
                "floor_ms": statistics.median(floors),
                "queries": queries,
                "template_share": statistics.median(shares),
            }
    print(json.dumps(results))
    shutil.rmtree(static_root, ignore_errors=True)
    return 0


# --- The parent: every size on every database, then the verdict ----------------------------


def run_child(size: int, env: dict, keep: str | None) -> dict:
    command = [sys.executable, __file__, "--child", str(size)]
    if keep:
        command += ["--keep-file", keep]
    out = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"bench_pages: the run at {size} institutions failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def postgres_database(url: str, name: str) -> str:
    """A fresh database `name` on the server of `url`; returns its URL."""
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def drop_postgres_database(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def report(label: str, runs: list[dict]) -> list[str]:
    """Print each page at each size; return the targets missed."""
    missed = []
    for run in runs:
        print(f"-- {label}, {run['size']:,} institutions (seeded in {run['seed_s']:.0f} s)")
        for name, page in run["pages"].items():
            ratio = page["project_ms"] / page["floor_ms"]
            extra = ""
            if name in LIST_PAGES or name == GRID:
                extra = f", template {page['template_share']:.0%}"
            print(f"{name}: project {page['project_ms']:.1f} ms, floor {page['floor_ms']:.1f} ms,"
                  f" ratio {ratio:.1f} ({page['queries']} queries{extra})")
            limit = GRID_RATIO_LIMIT if name == GRID else RATIO_LIMIT
            if ratio > limit:
                missed.append(f"{label} {run['size']:,}: {name} at {ratio:.1f}× the floor"
                              f" (limit {limit:g}×)")
            if name in LIST_PAGES and page["template_share"] > TEMPLATE_SHARE_LIMIT:
                missed.append(f"{label} {run['size']:,}: {name} spends"
                              f" {page['template_share']:.0%} of its time in the template")
    small, large = runs[0], runs[-1]
    if small is not large:
        for name, page in large["pages"].items():
            before = small["pages"][name]
            # Each size runs in its own process, minutes apart: on a shared machine the load
            # can differ between them, and it moves the floor as much as the page. The growth
            # is therefore that of the page's multiple of its own floor (the raw times too).
            growth = ((page["project_ms"] / page["floor_ms"])
                      / (before["project_ms"] / before["floor_ms"]))
            raw = page["project_ms"] / before["project_ms"]
            print(f"{name}: {large['size']:,} / {small['size']:,} institutions = {growth:.2f}×"
                  f" (raw times {raw:.2f}×)")
            grew_ms = (page["project_ms"] / page["floor_ms"] * before["floor_ms"]
                       - before["project_ms"])
            if growth > GROWTH_LIMIT and grew_ms > GROWTH_NOISE_MS:
                missed.append(f"{label}: {name} grows {growth:.2f}× from {small['size']:,} to"
                              f" {large['size']:,} institutions (limit {GROWTH_LIMIT}×)")
            if page["queries"] != before["queries"]:
                missed.append(f"{label}: {name} runs {before['queries']} queries at"
                              f" {small['size']:,} and {page['queries']} at {large['size']:,}")
    return missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--keep-file", help=argparse.SUPPRESS)
    parser.add_argument("--postgres", metavar="URL", help="also measure on this PostgreSQL server")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)),
                        help="comma-separated numbers of institutions (default 1000,20000)")
    parser.add_argument("--keep", metavar="DIR", help="keep and reuse the seeded SQLite files")
    parser.add_argument("--json", metavar="FILE", help="also write the raw results here")
    parser.add_argument("--postgres-only", action="store_true",
                        help="with --postgres: leave SQLite out")
    options = parser.parse_args()
    if options.child:
        return child(options.child, options.keep_file)

    sizes = [int(size) for size in options.sizes.split(",")]
    base_env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_LOG_LEVEL": "WARNING"}
    base_env.pop("DATABASE_URL", None)
    missed, everything = [], {}
    workdir = Path(tempfile.mkdtemp(prefix="partybuild-bench-pages-"))
    try:
        runs = []
        for size in ([] if options.postgres and options.postgres_only else sizes):
            database = workdir / f"pages-{size}.sqlite3"
            keep = None
            if options.keep:
                Path(options.keep).mkdir(parents=True, exist_ok=True)
                keep = str(Path(options.keep) / f"pages-{size}.sqlite3")
                if Path(keep).exists():
                    shutil.copyfile(keep, database)
            env = {**base_env, "DATABASE_URL": f"sqlite:///{database}"}
            runs.append(run_child(size, env, keep))
        if runs:
            everything["sqlite"] = runs
            missed += report("SQLite", runs)
        if options.postgres:
            runs = []
            for size in sizes:
                name = f"partybuild_bench_pages_{size}"
                url = postgres_database(options.postgres, name)
                try:
                    runs.append(run_child(size, {**base_env, "DATABASE_URL": url}, None))
                finally:
                    drop_postgres_database(options.postgres, name)
            everything["postgresql"] = runs
            missed += report("PostgreSQL", runs)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if options.json:
        Path(options.json).write_text(json.dumps(everything, indent=1))
    for line in missed:
        print(f"FAILED: {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
