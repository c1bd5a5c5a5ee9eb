"""python manage.py annual_scores --year Y [--region CODE] [--output FILE]"""

import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from partybuild.reports.pdf import scores_pdf
from partybuild.scoring.engine import score_region
from partybuild.scoring.exports import scores_csv, scores_xlsx

from ._region import region_from_option


class Command(BaseCommand):
    help = "每家有计分月份的机构的年度党建评分：CSV（默认输出到标准输出）、.xlsx 或 .pdf。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--region", help="区划代码；默认顶级区划")
        parser.add_argument("--output", help="输出文件，按扩展名 .csv/.xlsx/.pdf 决定格式")

    def handle(self, *args, year, region, output, **options):
        region = region_from_option(region)
        scores = score_region(region_path=region.path, year=year)
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
