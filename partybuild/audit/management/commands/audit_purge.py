"""Delete audit entries past the retention (PARTYBUILD_AUDIT_RETENTION_DAYS, at least 180)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from partybuild.audit.selectors import day_start
from partybuild.audit.services import audit_purge


class Command(BaseCommand):
    help = "清理超过保存期的审计记录；保存期内的记录不能清理。"

    def add_arguments(self, parser):
        parser.add_argument("--before", type=date.fromisoformat,
                            help="只清理此日期（YYYY-MM-DD）之前的记录；须早于保存期")

    def handle(self, *args, **options):
        before = day_start(options["before"]) if options["before"] else None
        try:
            deleted = audit_purge(before)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"已清理 {deleted} 条过期审计记录。")
