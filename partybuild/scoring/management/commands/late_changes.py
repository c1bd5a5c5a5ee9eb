"""python manage.py late_changes --year Y [--region CODE]"""

import csv
import io

from django.core.management.base import BaseCommand, CommandError

from partybuild.core.years import year_from_option
from partybuild.organisation.models import Institution
from partybuild.regions.options import region_from_option
from partybuild.scoring.finality import LATE_COLUMNS, late_changes, year_is_final


class Command(BaseCommand):
    help = ("已定稿年度中，按今天的记录计算与定稿值不同的每一项（CSV：credit_code,name,item,"
            "final,current）。")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--region", help="区划代码；默认全部")

    def handle(self, *args, year, region, **options):
        year = year_from_option(year)
        if not year_is_final(year):
            raise CommandError(f"{year} 年度尚未定稿，没有可比较的定稿评分。"
                               f"请先运行 finalise_year --year {year}。")
        region = region_from_option(region)
        institutions = Institution.objects.filter(region__path__startswith=region.path)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(LATE_COLUMNS)
        for change in late_changes(year=year, institutions=institutions):
            writer.writerow(change.as_row())
        self.stdout.write(buffer.getvalue(), ending="")
