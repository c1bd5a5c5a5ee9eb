"""The backup and restore commands, run as real processes against a database file."""

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = POSTGRES_URL.startswith(("postgres://", "postgresql://"))

EVIDENCE = {
    "visits/2026/11/photo.jpg": b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40,
    "hazards/2026/10/report.pdf": b"%PDF-1.4\n" + "整改报告".encode() * 500,
}

COUNTS = (
    "import json; from partybuild.core.backup import row_counts; print(json.dumps(row_counts()))"
)
DAMAGE = (
    "from partybuild.organisation.models import Membership, Institution; "
    "Membership.objects.all().delete(); "
    "Institution.objects.filter(pk=Institution.objects.order_by('pk').first().pk).update(name='改坏了')"
)


class Site:
    """A database plus a media folder, driven through manage.py in a child process."""

    def __init__(self, database_url: str, folder: Path):
        self.folder = folder
        self.media = folder / "media"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "partybuild.settings",
            "DJANGO_DEBUG": "1",
            "DJANGO_SECRET_KEY": "backup-test",
            "DATABASE_URL": database_url,
            "DJANGO_MEDIA_ROOT": str(self.media),
            "PARTYBUILD_VAR_DIR": str(folder / "var"),
        }

    def run(self, *args: str, stdin=subprocess.DEVNULL) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, stdin=stdin)

    def ok(self, *args: str) -> str:
        done = self.run(*args)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def counts(self) -> dict[str, int]:
        return json.loads(self.ok("shell", "-c", COUNTS).strip().splitlines()[-1])

    def seed(self) -> None:
        self.ok("migrate", "--no-input")
        self.ok("seed_demo", "--institutions", "60")
        for name, data in EVIDENCE.items():
            (self.media / name).parent.mkdir(parents=True, exist_ok=True)
            (self.media / name).write_bytes(data)

    def backup(self) -> Path:
        out = self.folder / "backups"
        self.ok("backup", "--output", str(out))
        (archive,) = out.glob("partybuild-backup-*.tar.gz")
        return archive


@pytest.fixture(scope="module")
def seeded_sqlite(tmp_path_factory) -> Path:
    """A migrated, seeded SQLite file built once and copied by each test."""
    folder = tmp_path_factory.mktemp("template")
    site = Site(f"sqlite:///{folder / 'db.sqlite3'}", folder)
    site.seed()
    return folder


@pytest.fixture
def sqlite_site(seeded_sqlite, tmp_path) -> Site:
    shutil.copy(seeded_sqlite / "db.sqlite3", tmp_path / "db.sqlite3")
    shutil.copytree(seeded_sqlite / "media", tmp_path / "media")
    return Site(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path)


def round_trip(site: Site) -> None:
    """Back up, damage the records and files, restore, and find everything as it was."""
    before = site.counts()
    assert before["organisation.Membership"] > 0
    archive = site.backup()

    site.ok("shell", "-c", DAMAGE)
    (site.media / "visits/2026/11/photo.jpg").unlink()
    (site.media / "stray.txt").write_text("not in the backup")
    assert site.counts()["organisation.Membership"] == 0

    out = site.ok("restore", str(archive), "--yes")

    assert f"organisation.Membership: {before['organisation.Membership']}" in out
    assert site.counts() == before
    for name, data in EVIDENCE.items():
        assert (site.media / name).read_bytes() == data
    assert not (site.media / "stray.txt").exists()
    assert "改坏了" not in site.ok("shell", "-c", (
        "from partybuild.organisation.models import Institution; "
        "print(list(Institution.objects.values_list('name', flat=True)))"))


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite round trip")
def test_a_sqlite_backup_restores_every_record_and_evidence_file(sqlite_site):
    round_trip(sqlite_site)


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite checks")
def test_the_archive_holds_a_manifest_describing_the_backup(sqlite_site):
    archive = sqlite_site.backup()
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = tar.getnames()
    assert manifest["vendor"] == "sqlite"
    assert manifest["file_count"] == len(EVIDENCE)
    assert manifest["migrations"]["organisation"].startswith("0")
    assert manifest["row_counts"]["organisation.Institution"] == 60
    assert "database.sqlite3" in names
    assert {f"media/{name}" for name in EVIDENCE} <= set(names)
    assert not list(archive.parent.glob("*.partial"))


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite checks")
def test_restore_without_yes_and_no_terminal_refuses_and_changes_nothing(sqlite_site):
    archive = sqlite_site.backup()
    sqlite_site.ok("shell", "-c", DAMAGE)
    damaged = sqlite_site.counts()

    done = sqlite_site.run("restore", str(archive))

    assert done.returncode != 0
    assert "--yes" in done.stderr
    assert sqlite_site.counts() == damaged


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite checks")
def test_an_archive_from_another_database_vendor_is_refused(sqlite_site):
    archive = sqlite_site.backup()
    foreign = sqlite_site.folder / "foreign.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(foreign, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["vendor"] = "postgresql"
                data = json.dumps(manifest).encode()
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    sqlite_site.ok("shell", "-c", DAMAGE)

    done = sqlite_site.run("restore", str(foreign), "--yes")

    assert done.returncode != 0
    assert "postgresql" in done.stderr and "不能恢复" in done.stderr
    assert sqlite_site.counts()["organisation.Membership"] == 0


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite checks")
def test_a_corrupted_archive_gives_a_clear_message(sqlite_site):
    archive = sqlite_site.backup()
    broken = sqlite_site.folder / "broken.tar.gz"
    broken.write_bytes(archive.read_bytes()[:200])

    done = sqlite_site.run("restore", str(broken), "--yes")

    assert done.returncode != 0
    assert "不是有效的备份文件" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL pointing at PostgreSQL")
def test_a_postgresql_backup_restores_every_record_and_evidence_file(tmp_path):
    import psycopg
    from psycopg import sql

    name = f"partybuild_backup_{os.getpid()}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        base = POSTGRES_URL.partition("?")[0].rpartition("/")[0]
        query = POSTGRES_URL.partition("?")[2]
        site = Site(f"{base}/{name}" + (f"?{query}" if query else ""), tmp_path)
        site.seed()
        round_trip(site)
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))
