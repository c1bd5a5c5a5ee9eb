"""python manage.py send_reminders [--today YYYY-MM-DD] [--dry-run]"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from partybuild.reminders.services import reminders_send


class Command(BaseCommand):
    help = ("Sends the day's reminders: one digest per recipient to the notification centre, "
            "e-mail and the regions' group bots; each reminder once; retries failed deliveries.")

    def add_arguments(self, parser):
        parser.add_argument("--today", help="the day to compute reminders for (YYYY-MM-DD)")
        parser.add_argument("--dry-run", action="store_true",
                            help="print the digests and write nothing")

    def handle(self, *args, today=None, dry_run=False, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--today: {today!r} is not a date (YYYY-MM-DD)") from error
        # The digests are in Chinese whatever the shell's locale.
        with translation.override("zh-hans"):
            summary = reminders_send(today=day, dry_run=dry_run)
        if dry_run:
            for digest in summary.digests:
                recipient = digest.recipient
                self.stdout.write(f"== {recipient.username} {recipient} "
                                  f"({recipient.get_role_display()}) · {digest.title}")
                for line in digest.lines(absolute=True):
                    url = f"  {line['url']}" if line["url"] else ""
                    self.stdout.write(f"  {line['text']}{url}")
        self.stdout.write(summary.line(dry_run))
