"""Print the audit trail, oldest first: `audit_log [--since D] [--user U] [--event E] [--json]`."""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from partybuild.audit.models import AuditEntry
from partybuild.audit.selectors import as_dict, audit_entries


def parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from error


class Command(BaseCommand):
    help = "打印审计记录（按时间先后）。"

    def add_arguments(self, parser):
        parser.add_argument("--since", type=parse_day, help="YYYY-MM-DD")
        parser.add_argument("--until", type=parse_day, help="YYYY-MM-DD")
        parser.add_argument("--user", default="")
        parser.add_argument("--event", default="", choices=[""] + AuditEntry.Event.values)
        parser.add_argument("--json", action="store_true", help="每行一条 JSON 记录")

    def handle(self, *args, **options):
        entries = audit_entries(since=options["since"], until=options["until"],
                                user=options["user"], event=options["event"]).order_by("pk")
        for entry in entries.iterator(chunk_size=2000):
            if options["json"]:
                self.stdout.write(json.dumps(as_dict(entry), ensure_ascii=False))
                continue
            at = timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S")
            details = json.dumps(entry.details, ensure_ascii=False) if entry.details else ""
            self.stdout.write("  ".join(part for part in (
                at, entry.username or "-", entry.role or "-", entry.client_ip or "-",
                entry.event, entry.outcome, entry.object_repr or "-", details) if part))
