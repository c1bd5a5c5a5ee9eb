"""A day of the seeded demo year: the digests a named instructor, a district's staff member
and the city's reviewer receive, item by item.

The demo is seeded with "today" pinned to 2026-11-22 (as the other demo tests do), so its
records are the same on any day the suite runs; the reminders are computed for that day.
The city's administrator has moved the inspection reminder to 15 November for the city
(a per-region override), so the reviewer's rule is due too.
"""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from partybuild.organisation.models import Institution
from partybuild.regions.models import Region
from partybuild.reminders.models import RegionThresholds, SentReminder
from partybuild.reminders.services import reminders_send
from tests.visits.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_digests(django_db_setup, django_db_blocker):
    real_localdate = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else real_localdate(value, timezone)

    with (pytest.MonkeyPatch.context() as patch, django_db_blocker.unblock(),
          transaction.atomic()):
        patch.setattr("django.utils.timezone.localdate", localdate)
        call_command("seed_demo", stdout=StringIO())
        RegionThresholds.objects.create(region=Region.objects.get(code="430900"),
                                        inspection_from="11-15")
        summary = reminders_send(today=TODAY, dry_run=True)
        digests = {d.recipient.username: d for d in summary.digests}
        inspections_due = [
            (f"institution:{i.pk}", f"{i.name}：2026 年度年检尚未开始")
            for i in Institution.objects.operating_on(TODAY).order_by("region__path", "name",
                                                                      "pk")]
        yield digests, inspections_due
        transaction.set_rollback(True)


def lines(digest) -> list[str]:
    return [line["text"] for line in digest.lines(absolute=False)]


def items(digest) -> list[tuple[str, str]]:
    """(rule, text) of each item; the link is checked against the record it names."""
    for item in digest.items:
        kind, pk = item.record.split(":")
        assert item.url == {"institution": f"/organisation/institutions/{pk}/",
                            "hazard": f"/visits/hazards/{pk}/"}[kind]
    return [(item.rule, item.text) for item in digest.items]


def test_the_demo_day_is_pinned():
    assert TODAY == date(2026, 11, 22)


def test_the_instructor_hears_of_the_month_and_an_overdue_hazard(demo_digests):
    digests, _ = demo_digests
    digest = digests["instructor"]
    assert str(digest.recipient) == "石凯"
    assert digest.title == "2026-11-22 工作提醒（3 项）"
    assert items(digest) == [
        ("visit_month", "赫山区春雨武术培训中心：11月“四个一”尚缺 2 项（上党课、核台账）"),
        ("visit_month",
         "赫山区桃李武术培训中心：11月“四个一”尚缺 4 项（上党课、讲政策、排隐患、核台账）"),
        ("hazard_overdue", "隐患赫山区春雨武术培训中心“未按要求开展应急疏散演练”已逾期 450 天"
                           "（整改期限 2025-08-29）"),
    ]
    assert lines(digest)[0] == "【本月四个一未完成】2 项"


def test_the_district_staff_member_hears_of_the_districts_overdue_hazards(demo_digests):
    digests, _ = demo_digests
    digest = digests["staff_heshan"]
    assert str(digest.recipient) == "彭涛"
    overdue = [
        ("赫山区瑞丰舞蹈培训中心", "楼梯扶手松动", 609, "2025-03-23"),
        ("赫山区同创音乐培训中心", "电线私拉乱接，插座超负荷使用", 580, "2025-04-21"),
        ("赫山区书香航模培训中心", "安全出口处堆放桌椅杂物", 515, "2025-06-25"),
        ("赫山区春雨口才培训学校", "临街窗户未安装防护栏", 511, "2025-06-29"),
        ("赫山区芙蓉钢琴培训中心", "监控设备部分损坏，录像保存不足30天", 485, "2025-07-25"),
        ("赫山区春雨武术培训中心", "未按要求开展应急疏散演练", 450, "2025-08-29"),
        ("赫山区向上科技培训学校", "厨房从业人员健康证过期", 360, "2025-11-27"),
        ("赫山区奔跑机器人培训学校", "新装修教室气味明显，未做空气检测", 333, "2025-12-24"),
        ("赫山区启明播音主持培训中心", "楼梯扶手松动", 6, "2026-11-16"),
    ]
    assert items(digest) == [
        ("hazard_overdue", f"隐患{name}“{what}”已逾期 {days} 天（整改期限 {deadline}）")
        for name, what, days, deadline in overdue]


def test_the_city_staff_member_hears_of_hazards_overdue_beyond_14_days(demo_digests):
    digests, _ = demo_digests
    digest = digests["staff"]
    assert str(digest.recipient) == "陈敏"
    found = items(digest)
    assert len(found) == 28
    assert {rule for rule, _text in found} == {"hazard_escalated"}
    assert found[0] == ("hazard_escalated",
                        "隐患安化县小荷舞蹈培训中心“电动车在楼道内停放充电”已逾期 668 天"
                        "（整改期限 2025-01-23），超过 14 天仍未整改")
    # 赫山区's last hazard, 6 days overdue, is not escalated yet.
    assert not any("启明播音主持" in text for _rule, text in found)


def test_the_reviewer_hears_of_every_unfinished_inspection(demo_digests):
    digests, inspections_due = demo_digests
    reviewer = digests["reviewer"]
    assert [(item.record, item.text) for item in reviewer.items] == inspections_due
    assert {item.url for item in reviewer.items} == {
        f"/scores/2026/institutions/{record.split(':')[1]}/" for record, _ in inspections_due}


def test_a_dry_run_wrote_nothing(demo_digests):
    assert not SentReminder.objects.exists()
