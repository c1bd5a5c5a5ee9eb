"""python manage.py annual_scores --year Y [--region CODE] [--output FILE]

It lives in reports, above scoring, because it also writes the scores PDF."""

import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from partybuild.core.years import year_from_option
from partybuild.organisation.models import Institution
from partybuild.regions.options import region_from_option
from partybuild.reports.pdf import scores_pdf
from partybuild.scoring.exports import scores_csv, scores_xlsx, stored_score_rows
from partybuild.scoring.services import rubric_for_year, scores_store


class Command(BaseCommand):
    help = ("计算并保存每家有计分月份的机构的年度党建评分，输出 CSV（默认到标准输出）、"
            ".xlsx 或 .pdf；已定稿年度输出保存的评分。")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--region", help="区划代码；默认顶级区划")
        parser.add_argument("--output", help="输出文件，按扩展名 .csv/.xlsx/.pdf 决定格式")

    def handle(self, *args, year, region, output, **options):
        year = year_from_option(year)
        region = region_from_option(region)
        institutions = Institution.objects.filter(region__path__startswith=region.path)
        rubric = rubric_for_year(year)
        if not rubric.is_finalised:
            # Computing is recomputing: the stored scores follow, as the pages' button does
            # (an institution whose inspection is finalised keeps the score it used).
            scores_store(year=year, institutions=institutions, rubric=rubric)
        # A finalised year's scores never change: report what was stored.
        scores = stored_score_rows(year=year, institutions=institutions)
        if not output:
            buffer = io.StringIO()
            scores_csv(scores, buffer)
            self.stdout.write(buffer.getvalue(), ending="")
            return
        path = Path(output)
        suffix = path.suffix.lower()
        if suffix == ".csv":
            with path.open("w", encoding="utf-8", newline="") as stream:
                scores_csv(scores, stream)
        elif suffix == ".xlsx":
            path.write_bytes(scores_xlsx(scores, year))
        elif suffix == ".pdf":
            path.write_bytes(scores_pdf(scores, year))
        else:
            raise CommandError(
                f"不支持的输出格式“{suffix or path.name}”：请使用 .csv、.xlsx 或 .pdf。")
        self.stderr.write(f"{len(scores)} 家机构的 {year} 年评分已写入 {path}")
