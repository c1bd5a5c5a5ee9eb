"""Check the audit trail's hash chain; exit status 1 names the first broken entry."""

import sys

from django.core.management.base import BaseCommand

from partybuild.audit.services import audit_verify


class Command(BaseCommand):
    help = "校验审计记录的哈希链。"

    def handle(self, *args, **options):
        checked, broken, reason = audit_verify()
        if broken is None:
            self.stdout.write(f"审计记录完整：共校验 {checked} 条。")
            return
        self.stderr.write(f"审计记录第 {broken.pk} 号（{broken}）异常：{reason}")
        sys.exit(1)
