"""python manage.py summary --year Y [--region CODE] [--as-of YYYY-MM-DD] [--json]"""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from partybuild.core.years import year_from_option
from partybuild.regions.options import region_from_option
from partybuild.scoring.services import rubric_for_year
from partybuild.scoring.summary import summary_figures

LABELS = {
    "institutions": "培训机构（办学中）",
    "party_members": "党员",
    "joint_branches": "联合党支部",
    "standalone_branches": "单独党支部",
    "secretaries": "配备书记的支部",
    "instructors": "党建指导员",
    "covered_institutions": "党组织覆盖的机构",
    "institutions_without_instructor": "未派驻指导员的机构",
    "paired_branches": "结对共建的机构党支部",
    "paired_school_branches": "结对的学校党支部",
    "visits": "上门指导（走访）",
    "case_talks": "以案说法",
    "hazards_found": "发现隐患",
    "hazards_rectified_on_time": "按期整改的隐患",
    "clues": "提供线索",
    "clues_substantiated": "查实线索",
    "enforcement_actions": "参与查处行动",
    "activities": "党建活动",
    "pairing_activities": "结对共建活动",
    "red_list": "红名单机构",
}


def parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--as-of 日期格式应为 YYYY-MM-DD，收到“{value}”。") from error


class Command(BaseCommand):
    help = "区划（含下级）某年度的汇总数字（SCORING.md 汇总指标）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--region", help="区划代码；默认顶级区划")
        parser.add_argument("--as-of", dest="as_of", help="结构数字的统计日，默认当年12月31日")
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象")

    def handle(self, *args, year, region, as_of, json: bool, **options):
        year = year_from_option(year)
        region = region_from_option(region)
        rubric = rubric_for_year(year)
        figures = summary_figures(region=region, year=year,
                                  as_of=parse_day(as_of) if as_of else None,
                                  rubric=rubric.values(), stored_red_list=rubric.is_finalised)
        data = figures.as_dict()
        if json:
            self.stdout.write(dumps(data))
            return
        named = f"{region.name}（{region.code}）" if region.code else region.name
        self.stdout.write(f"{named}{year} 年，结构数字截至 {data['as_of']}")
        for key, label in LABELS.items():
            self.stdout.write(f"  {label}：{data[key]}")


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)
