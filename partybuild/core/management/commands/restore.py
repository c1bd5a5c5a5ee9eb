import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from partybuild.core.backup import (
    BackupError,
    count_differences,
    has_unapplied_migrations,
    restore_backup,
)


class Command(BaseCommand):
    help = "Replace the database and the uploaded files with a backup archive's (destructive)."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="archive written by the backup command")
        parser.add_argument("--yes", action="store_true",
                            help="do not ask for confirmation")

    def handle(self, *args, archive: Path, yes: bool, **options):
        if not yes:
            self.confirm(archive)
        try:
            manifest = restore_backup(archive)
        except (BackupError, OSError) as error:
            raise CommandError(_("恢复失败：%(error)s") % {"error": error}) from None
        differences = count_differences(manifest["row_counts"])
        if differences:
            lines = [f"{label}: {want} → {got}" for label, (want, got) in differences.items()]
            raise CommandError(_("恢复后行数与备份不符：\n%(lines)s") % {"lines": "\n".join(lines)})
        for label, count in sorted(manifest["row_counts"].items()):
            if count:
                self.stdout.write(f"{label}: {count}")
        message = _("已从 %(path)s 恢复，%(files)d 个上传文件，行数全部核对一致。")
        self.stdout.write(self.style.SUCCESS(
            message % {"path": archive, "files": manifest["file_count"]}))
        if has_unapplied_migrations():
            self.stdout.write(self.style.WARNING(
                _("备份早于当前代码，请运行 python manage.py migrate。")))

    def confirm(self, archive: Path) -> None:
        """Ask for a typed "yes"; refuse when nobody can answer."""
        if not sys.stdin or not sys.stdin.isatty():
            raise CommandError(_("恢复会覆盖当前数据库和上传文件。非交互运行时请加 --yes 确认。"))
        warning = _("恢复会覆盖当前数据库和上传文件（来自 %(path)s）。")
        self.stdout.write(warning % {"path": archive})
        if input(_("确认请输入 yes：")).strip() != "yes":
            raise CommandError(_("已取消，未做任何改动。"))
