"""What the size benchmarks share: one child process per database (Django reads
DATABASE_URL once at start-up), seeded with `seed_demo --institutions N`, optionally kept
and reused between runs (`--keep DIR`: SQLite files in DIR, databases on the PostgreSQL
server named after the size)."""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partybuild.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-use")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def seeded(institutions: int) -> str:
    """Migrate and seed the child's database unless a kept one is reused; says which."""
    from django.core.management import call_command

    from partybuild.organisation.models import Institution

    call_command("migrate", verbosity=0)
    if Institution.objects.exists():
        return "reused"
    started = time.perf_counter()
    call_command("seed_demo", stdout=open(os.devnull, "w"), institutions=institutions)
    return f"seeded in {time.perf_counter() - started:.0f} s"


def run_child(script: str, database_url: str, institutions: int) -> int:
    env = {**os.environ, "DATABASE_URL": database_url}
    args = [sys.executable, script, "--child", str(institutions)]
    return subprocess.run(args, env=env, cwd=ROOT).returncode


def run_sqlite(script: str, workdir: Path, institutions: int) -> int:
    return run_child(script, f"sqlite:///{workdir / f'demo-{institutions}.sqlite3'}",
                     institutions)


def run_postgres(script: str, url: str, institutions: int, keep: bool) -> int:
    """Run in a database on the URL's server, dropped afterwards unless kept."""
    import psycopg
    from psycopg import sql

    name = (f"partybuild_bench_{institutions}" if keep
            else f"partybuild_bench_{institutions}_{os.getpid()}")
    with psycopg.connect(url, autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                             [name]).fetchone():
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        base = url.partition("?")[0].rpartition("/")[0]
        return run_child(script, f"{base}/{name}", institutions)
    finally:
        if not keep:
            with psycopg.connect(url, autocommit=True) as admin:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)))


def postgres_url(given: str | None) -> str | None:
    if given:
        return given
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres:", "postgresql:")) else None


def run_sizes(script: str, description: str, child: Callable[[int], int],
              sizes: tuple[int, ...]) -> int:
    """The command line both size benchmarks take: every size on SQLite (unless
    --no-sqlite) and on PostgreSQL when a URL is given, each in a child process; the exit
    status is 1 when any run missed its target."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--postgres", metavar="URL")
    parser.add_argument("--keep", metavar="DIR", help="keep and reuse the seeded databases")
    parser.add_argument("--sizes", default=",".join(map(str, sizes)))
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child)
    postgres = postgres_url(args.postgres)
    status = 0
    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(
        prefix=f"partybuild-{Path(script).stem.replace('_', '-')}-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        for institutions in (int(size) for size in args.sizes.split(",")):
            if not args.no_sqlite:
                status = run_sqlite(script, workdir, institutions) or status
            if postgres:
                status = run_postgres(script, postgres, institutions, bool(args.keep)) or status
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    if not postgres:
        print("PostgreSQL: skipped (give --postgres URL or a postgres DATABASE_URL)")
    return status
