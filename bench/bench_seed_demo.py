"""Time `seed_demo` on fresh SQLite files: 20,000 institutions must load in under 3 minutes.

Run from the repository root: `.venv/bin/python bench/bench_seed_demo.py`.
The default city (530 institutions) is timed too, for reference.
"""

import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

LIMIT_SECONDS = 180
LARGE = 20_000


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    workdir = Path(tempfile.mkdtemp(prefix="partybuild-bench-"))
    # The settings read DATABASE_URL when Django starts, so it is set before django.setup().
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'large.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partybuild.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    def seed(**options) -> tuple[float, str]:
        call_command("migrate", verbosity=0, interactive=False)
        output = io.StringIO()
        started = time.perf_counter()
        call_command("seed_demo", stdout=output, **options)
        seconds = time.perf_counter() - started
        figures = next(line for line in output.getvalue().splitlines() if line.startswith("截至"))
        return seconds, figures

    try:
        seconds, figures = seed(institutions=LARGE)
        print(f"seed_demo --institutions {LARGE} on SQLite: {seconds:.1f} s")
        print(f"  {figures}")

        # A second fresh file for the default city, switched the way Django's test runner does.
        connection.close()
        connection.settings_dict["NAME"] = str(workdir / "default.sqlite3")
        default_seconds, default_figures = seed()
        print(f"seed_demo (default, 530 institutions) on SQLite: {default_seconds:.1f} s")
        print(f"  {default_figures}")
        connection.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    if seconds > LIMIT_SECONDS:
        print(f"FAILED: seed_demo --institutions {LARGE} took over {LIMIT_SECONDS} s")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
