"""Attack finding 2 of issue 18: concurrent writers on the embedded SQLite database.

Ten threads (eight instructors posting visits, two reviewers finalising inspections) write
at once to a real SQLite file with the production options; every request must go through
and nothing may be lost. The writers run in a child process (tests/core/sqlite_writers.py)
so that the database is a file in WAL mode, not the suite's in-memory one.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ten_concurrent_writers_on_sqlite_get_no_error_and_lose_nothing(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(PARTYBUILD_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="tests.settings")
    run = subprocess.run([sys.executable, "tests/core/sqlite_writers.py"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])

    assert result["errors"] == []
    assert set(result["answers"]) == {302}
    assert result["visits"] == result["expected_visits"] == 96
    assert result["finalised"] == result["expected_finalised"] == 6
