"""`manage.py seed_demo`: load the deterministic demo city once and print the demo logins."""

import unicodedata

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partybuild.demo.activities import seed_demo_activities
from partybuild.demo.city import (
    build_demo_city,
    demo_figures,
    existing_demo_city,
    was_built_by_seed_demo,
)
from partybuild.demo.common import DEFAULT_INSTITUTIONS, DEMO_PASSWORD, MIN_INSTITUTIONS
from partybuild.demo.users import DemoLogin, ensure_demo_users
from partybuild.demo.visits import seed_demo_visits


def _width(text: str) -> int:
    """Columns the text takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def login_table(logins: list[DemoLogin]) -> str:
    """The demo logins as an aligned plain-text table."""
    rows = [(_("用户名"), _("角色"), _("区划"), _("密码"))]
    rows += [(login.username, login.role, login.region, login.password) for login in logins]
    widths = [max(_width(row[i]) for row in rows) for i in range(4)]
    return "\n".join(
        "  ".join(_pad(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


class Command(BaseCommand):
    help = "Load the Yiyang demo city (seed 003's 2022 figures) and the demo users, once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--institutions", type=int, default=DEFAULT_INSTITUTIONS,
            help="number of institutions; branches, members and instructors scale with it "
                 f"(default {DEFAULT_INSTITUTIONS})",
        )

    def handle(self, *args, institutions: int, **options):
        if institutions < MIN_INSTITUTIONS:
            raise CommandError(_("演示城市至少需要 %(n)d 家机构。") % {"n": MIN_INSTITUTIONS})
        with transaction.atomic():
            city = existing_demo_city()
            if city is None:
                city = build_demo_city(institutions).city
                message = _("已生成演示城市%(city)s。") % {"city": city}
                self.stdout.write(self.style.SUCCESS(message))
            elif not was_built_by_seed_demo(city):
                # Never add users with a published password to a city holding real records.
                raise CommandError(_(
                    "区划 %(code)s（%(city)s）已存在且不是演示数据，"
                    "seed_demo 不会向其中添加演示账号。"
                ) % {"code": city.code, "city": city})
            else:
                self.stdout.write(_("演示城市%(city)s（%(code)s）已存在，未重复生成。")
                                  % {"city": city, "code": city.code})
            logins = ensure_demo_users()
            self.stdout.write(seed_demo_visits(city))
            self.stdout.write(seed_demo_activities(city))
        today = timezone.localdate()
        figures = demo_figures(city, today)
        self.stdout.write(_(
            "截至 %(day)s：培训机构 %(institutions)d 家；联合党支部 %(joint)d 个、单独党支部 "
            "%(standalone)d 个；党员 %(members)d 名，支部书记 %(secretaries)d 名；党建指导员 "
            "%(instructors)d 名，派驻机构 %(assigned)d 家；支部覆盖机构 %(covered)d 家；"
            "%(paired_branches)d 个支部与 %(school_branches)d 个学校党支部结对共建。"
        ) % {"day": today.isoformat(), **figures})
        self.stdout.write("")
        self.stdout.write(_("演示账号（密码均为 %(password)s）：") % {"password": DEMO_PASSWORD})
        self.stdout.write(login_table(logins))
