"""`python manage.py security_check`: PASS or FAIL for each security item of the running
configuration; exit status 1 on a FAIL under production settings (DEBUG off)."""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from partybuild.accounts.security_items import run_items


class Command(BaseCommand):
    help = "Check the running configuration against 等保 2.0 level 3 and the issue 18 findings."

    def handle(self, *args, **options):
        results = run_items()
        width = max(len(result.key) for result in results)
        for result in results:
            status = "PASS" if result.ok else "FAIL"
            style = self.style.SUCCESS if result.ok else self.style.ERROR
            self.stdout.write(f"{style(status)}  {result.key:<{width}}  {result.clause}"
                              f" · {result.title}: {result.detail}")
        failed = [result for result in results if not result.ok]
        mode = "development (DEBUG on)" if settings.DEBUG else "production"
        self.stdout.write(f"{len(results) - len(failed)} PASS, {len(failed)} FAIL ({mode})")
        if failed and not settings.DEBUG:
            sys.exit(1)
