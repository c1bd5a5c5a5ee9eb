from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from partybuild.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Write one archive: a consistent database dump, the uploaded files and a manifest."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, default=None,
            help="folder for the archive (default var/backups/)",
        )

    def handle(self, *args, output: Path | None, **options):
        output = output or Path(settings.VAR_DIR) / "backups"
        try:
            result = create_backup(output)
        except (BackupError, OSError) as error:
            raise CommandError(_("备份失败：%(error)s") % {"error": error}) from None
        manifest = result.manifest
        self.stdout.write(self.style.SUCCESS(_("备份已写入 %(path)s") % {"path": result.path}))
        self.stdout.write(_("数据库：%(vendor)s，%(rows)d 行，%(files)d 个上传文件。") % {
            "vendor": manifest["vendor"],
            "rows": sum(manifest["row_counts"].values()),
            "files": manifest["file_count"],
        })
