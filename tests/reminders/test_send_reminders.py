"""send_reminders end to end: one digest per recipient, sent once however often it runs,
to the notification centre, e-mail (a real SMTP server) and the region's bots (a real
HTTP server)."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from partybuild.instructors.models import Instructor
from partybuild.notifications.models import (
    ChannelPreference,
    Delivery,
    DeliveryAttempt,
    Notification,
    RegionChannel,
)
from partybuild.reminders.models import SentReminder
from tests.factories import AssignmentFactory
from tests.factories_visits import ClueFactory, HazardFactory
from tests.notifications.servers import DINGTALK_SECRET, bot_server, smtp_server

pytestmark = pytest.mark.django_db

SITE = "https://dangjian.example.gov.cn"


@pytest.fixture
def overdue(bob, alice, institution_a):
    instructor = Instructor.objects.get(user=bob)
    AssignmentFactory(instructor=instructor, institution=institution_a, start=date(2026, 1, 1))
    hazard = HazardFactory(institution=institution_a, instructor=instructor,
                           found_on=date(2026, 11, 1), deadline=date(2026, 11, 20),
                           description="灭火器过期")
    clue = ClueFactory(institution=institution_a, date=date(2026, 11, 10),
                       description="疑似超范围招收学科类学员")
    return hazard, clue


def run(*args) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def database_counts() -> tuple[int, ...]:
    return (SentReminder.objects.count(), Notification.objects.count(),
            Delivery.objects.count(), DeliveryAttempt.objects.count())


@override_settings(PARTYBUILD_SITE_URL=SITE)
def test_running_twice_sends_each_reminder_once(overdue, alice, bob, county_a):
    hazard, clue = overdue
    alice.email = "zhangli@heshan.example.gov.cn"
    alice.save()
    ChannelPreference.objects.create(user=alice, email=True, bot=True)
    with smtp_server() as (smtp, sink), bot_server() as (server, base), override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST=smtp.hostname, EMAIL_PORT=smtp.port):
        RegionChannel.objects.create(
            region=county_a, dingtalk_url=f"{base}/robot/send?access_token=4f1b9c0e2d7a8b6c",
            dingtalk_secret=DINGTALK_SECRET)
        first = run("--today", "2026-11-24")
        after_first = database_counts()
        second = run("--today", "2026-11-24")
        assert database_counts() == after_first
    assert first.strip().endswith(
        "2026-11-24: 4 new reminders to 2 recipients (0 already sent); 2 notifications, "
        "1 e-mails, 1 bot messages; deliveries 2 sent, 0 to retry, 0 failed")
    assert second.strip() == (
        "2026-11-24: 0 new reminders to 0 recipients (4 already sent); 0 notifications, "
        "0 e-mails, 0 bot messages; deliveries 0 sent, 0 to retry, 0 failed")
    # alice: the overdue hazard, the four-ones month and the clue: one digest, each item linked.
    digest = Notification.objects.get(recipient=alice)
    assert digest.title == "2026-11-24 工作提醒（2 项）"
    assert digest.lines == [
        {"text": "【隐患已逾期】1 项", "url": ""},
        {"text": "隐患赫山区阳光艺术培训学校“灭火器过期”已逾期 4 天（整改期限 2026-11-20）",
         "url": f"/visits/hazards/{hazard.pk}/"},
        {"text": "【线索待核查】1 项", "url": ""},
        {"text": "线索：赫山区阳光艺术培训学校“疑似超范围招收学科类学员”（2026-11-10）14 天未核查",
         "url": f"/visits/clues/{clue.pk}/"},
    ]
    bob_digest = Notification.objects.get(recipient=bob)
    assert [line["text"] for line in bob_digest.lines] == [
        "【本月四个一未完成】1 项",
        "赫山区阳光艺术培训学校：11月“四个一”尚缺 4 项（上党课、讲政策、排隐患、核台账）",
        "【隐患已逾期】1 项",
        "隐患赫山区阳光艺术培训学校“灭火器过期”已逾期 4 天（整改期限 2026-11-20）",
    ]
    [mail] = sink.messages
    assert mail.rcpt_tos == ["zhangli@heshan.example.gov.cn"]
    assert f"{SITE}/visits/hazards/{hazard.pk}/".encode() in mail.original_content
    [post] = server.received
    text = post["body"]["markdown"]["text"]
    assert "张丽（2 项）" in text and "李波（2 项）" in text
    assert f"({SITE}/visits/clues/{clue.pk}/)" in text


def test_a_dry_run_prints_the_digests_and_writes_nothing(overdue, alice):
    output = run("--today", "2026-11-24", "--dry-run")
    assert database_counts() == (0, 0, 0, 0)
    assert "== alice 张丽 (党委工作人员) · 2026-11-24 工作提醒（2 项）" in output
    assert "  【线索待核查】1 项" in output
    assert output.strip().endswith(
        "2026-11-24: (dry run) 4 new reminders to 2 recipients (0 already sent)")


def test_a_failed_delivery_is_retried_on_a_later_run(overdue, alice, county_a):
    with bot_server() as (server, base):
        RegionChannel.objects.create(region=county_a, wecom_url=f"{base}/fail/send?key=abcdef12345")
        run("--today", "2026-11-24")
        delivery = Delivery.objects.get()
        assert (delivery.status, delivery.attempts) == (Delivery.Status.PENDING, 1)
        Delivery.objects.update(next_attempt_at=delivery.created_at)  # the back-off has passed
        RegionChannel.objects.update(wecom_url=f"{base}/cgi-bin/webhook/send?key=abcdef12345")
        output = run("--today", "2026-11-25")
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 2)
    assert "deliveries 1 sent" in output


def test_a_user_who_turns_the_bot_off_is_left_out_of_the_group_digest(overdue, alice, bob,
                                                                        county_a):
    ChannelPreference.objects.create(user=alice, bot=False)
    with bot_server() as (server, base):
        RegionChannel.objects.create(region=county_a,
                                     wecom_url=f"{base}/cgi-bin/webhook/send?key=abcdef12345")
        run("--today", "2026-11-24")
    content = server.received[0]["body"]["markdown"]["content"]
    assert "李波（2 项）" in content and "张丽" not in content


def test_a_bad_date_is_refused():
    with pytest.raises(Exception, match="not a date"):
        run("--today", "2026-13-01")
