"""Consistent backups of the database and the uploaded files, and their restoration."""

import glob
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

MANIFEST = "manifest.json"
SQLITE_DUMP = "database.sqlite3"
PG_DUMP = "database.pgdump"
MEDIA_PREFIX = "media/"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator."""


@dataclass
class BackupResult:
    path: Path
    manifest: dict


def migration_state() -> dict[str, str]:
    """The latest applied migration name per app label."""
    state: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if name > state.get(app, ""):
            state[app] = name
    return state


def row_counts() -> dict[str, int]:
    """Rows per concrete model whose table exists, keyed by "app_label.ModelName"."""
    tables = set(connection.introspection.table_names())
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.db_table in tables
    }


def find_pg_tool(name: str) -> str:
    """Path to a PostgreSQL client tool, preferring the server's major version."""
    major = connection.pg_version // 10000 if connection.vendor == "postgresql" else None
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                        key=lambda p: int(Path(p).parts[-3]), reverse=True)
    preferred = [p for p in candidates if Path(p).parts[-3] == str(major)]
    on_path = shutil.which(name)
    for candidate in [*preferred, on_path, *candidates]:
        if candidate:
            return candidate
    message = _("找不到 PostgreSQL 工具 %(name)s，请安装 postgresql-client。")
    raise BackupError(message % {"name": name})


def pg_args_and_env() -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump/pg_restore; the password goes in the environment."""
    db = settings.DATABASES["default"]
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args + ["--dbname", str(db["NAME"])], env


def run_tool(command: list[str], env: dict[str, str]) -> None:
    """Run a client tool, turning its failure into a BackupError."""
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(_("%(tool)s 失败：%(error)s") % {
            "tool": Path(command[0]).name, "error": done.stderr.strip()})


def dump_database(target_dir: Path) -> str:
    """Write a consistent database dump into target_dir; return its file name."""
    if connection.vendor == "sqlite":
        source = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
        target = sqlite3.connect(str(target_dir / SQLITE_DUMP))
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return SQLITE_DUMP
    if connection.vendor == "postgresql":
        args, env = pg_args_and_env()
        run_tool([find_pg_tool("pg_dump"), "--format=custom", "--file",
                  str(target_dir / PG_DUMP), *args], env)
        return PG_DUMP
    raise BackupError(_("不支持的数据库：%(vendor)s") % {"vendor": connection.vendor})


def media_files(root: Path) -> list[Path]:
    """Every regular file under root, sorted."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file())


def create_backup(output_dir: Path) -> BackupResult:
    """Write one .tar.gz archive (database, media files, manifest) into output_dir."""
    output_dir.mkdir(parents=True, exist_ok=True)
    media_root = Path(settings.MEDIA_ROOT)
    files = media_files(media_root)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    final = output_dir / f"partybuild-backup-{stamp}.tar.gz"
    manifest = {
        "created_at": timezone.now().isoformat(),
        "vendor": connection.vendor,
        "migrations": migration_state(),
        "row_counts": row_counts(),
        "file_count": len(files),
    }
    with tempfile.TemporaryDirectory() as work:
        dump_name = dump_database(Path(work))
        manifest["database_file"] = dump_name
        handle, partial = tempfile.mkstemp(dir=output_dir, suffix=".partial")
        os.close(handle)
        try:
            with tarfile.open(partial, "w:gz") as archive:
                data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
                archive.add(Path(work) / dump_name, arcname=dump_name)
                for path in files:
                    relative = path.relative_to(media_root).as_posix()
                    archive.add(path, arcname=MEDIA_PREFIX + relative)
            os.replace(partial, final)
        finally:
            if os.path.exists(partial):
                os.unlink(partial)
    return BackupResult(final, manifest)


def open_archive(path: Path) -> tuple[tarfile.TarFile, dict]:
    """Open an archive and read its manifest, with a clear message when it is unusable."""
    try:
        archive = tarfile.open(path, "r:gz")
        member = archive.extractfile(MANIFEST)
        manifest = json.loads(member.read())
        manifest["vendor"], manifest["row_counts"], manifest["database_file"]
    except FileNotFoundError:
        raise BackupError(_("找不到备份文件 %(path)s。") % {"path": path}) from None
    except (tarfile.TarError, KeyError, EOFError, OSError, ValueError, TypeError, AttributeError):
        message = _("%(path)s 不是有效的备份文件（已损坏或格式不对）。")
        raise BackupError(message % {"path": path}) from None
    return archive, manifest


def check_compatible(manifest: dict) -> None:
    """Refuse an archive from another database vendor or from newer code."""
    if manifest["vendor"] != connection.vendor:
        raise BackupError(_(
            "备份来自 %(theirs)s 数据库，当前数据库是 %(ours)s，不能恢复。"
        ) % {"theirs": manifest["vendor"], "ours": connection.vendor})
    from django.db.migrations.loader import MigrationLoader
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unknown = [f"{app}.{name}" for app, name in manifest.get("migrations", {}).items()
               if (app, name) not in known]
    if unknown:
        raise BackupError(_(
            "备份包含当前代码没有的数据库迁移（%(names)s），请先升级代码再恢复。"
        ) % {"names": "、".join(sorted(unknown))})


def restore_backup(path: Path) -> dict:
    """Replace the database and the media files with the archive's; return the manifest."""
    archive, manifest = open_archive(path)
    with archive, tempfile.TemporaryDirectory() as work:
        check_compatible(manifest)
        work_dir = Path(work)
        try:
            members = archive.getmembers()
            archive.extractall(work_dir, members=members, filter="data")
        except (tarfile.TarError, EOFError, OSError) as error:
            raise BackupError(_("备份文件已损坏：%(error)s") % {"error": error}) from None
        dump = work_dir / manifest["database_file"]
        if not dump.is_file():
            raise BackupError(_("备份文件缺少数据库内容。"))
        restore_database(dump)
        restore_media(work_dir / MEDIA_PREFIX.rstrip("/"))
    return manifest


def restore_database(dump: Path) -> None:
    """Copy the dump over the configured database."""
    connections.close_all()
    if connection.vendor == "sqlite":
        source = sqlite3.connect(str(dump))
        target = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return
    args, env = pg_args_and_env()
    run_tool([find_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner",
              "--single-transaction", *args, str(dump)], env)


def restore_media(source: Path) -> None:
    """Replace MEDIA_ROOT's contents with the archive's files."""
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    for child in media_root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    if source.is_dir():
        shutil.copytree(source, media_root, dirs_exist_ok=True)


def has_unapplied_migrations() -> bool:
    """Whether the restored database is older than the code and needs `migrate`."""
    from django.db.migrations.executor import MigrationExecutor
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def count_differences(expected: dict[str, int]) -> dict[str, tuple[int, int]]:
    """Models whose row count differs from expected: label → (expected, actual)."""
    actual = row_counts()
    return {label: (count, actual.get(label, 0))
            for label, count in expected.items() if actual.get(label, 0) != count}
