"""python manage.py finalise_year --year Y [--user USERNAME] [--force-current-year]"""

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from partybuild.accounts.models import User
from partybuild.core.years import year_from_option
from partybuild.scoring.services import year_finalise


def command_line() -> str:
    """What history records when no user is named: the command as it was typed."""
    args = sys.argv[1:] if sys.argv and sys.argv[0].endswith("manage.py") else sys.argv
    if "finalise_year" not in args:
        return "manage.py finalise_year"
    return "manage.py " + " ".join(args[args.index("finalise_year"):])


class Command(BaseCommand):
    help = ("年度定稿：按该年度评分细则计算并保存每家机构的评分，锁定评分细则和评分，"
            "发布该年度红名单。")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--user", help="记入历史的用户名；默认记录命令行")
        parser.add_argument("--force-current-year", action="store_true",
                            dest="force_current_year",
                            help="有意对尚未结束的当年定稿")

    def handle(self, *args, year, user, force_current_year, **options):
        year = year_from_option(year)
        acting_user = None
        if user:
            acting_user = User.objects.filter(username=user).first()
            if acting_user is None:
                raise CommandError(f"用户 {user} 不存在，未定稿。")
        try:
            result = year_finalise(acting_user=acting_user, year=year,
                                   command=command_line() if acting_user is None else "",
                                   force_current_year=force_current_year)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"{year}: {result.scores} scores finalised, "
                          f"{result.red_list} institutions on the red list")
