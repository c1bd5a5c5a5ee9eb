"""Delivery through a real SMTP server and a real HTTP server: what arrives, signed, and
how a failing bot is retried with back-off and recorded."""

from datetime import date, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from partybuild.notifications import services
from partybuild.notifications.channels import mask_url
from partybuild.notifications.models import Channel, Delivery, DeliveryAttempt, RegionChannel

from .servers import DINGTALK_SECRET, FEISHU_SECRET, bot_server, smtp_server

pytestmark = pytest.mark.django_db

LINES = [{"text": "隐患赫山区阳光艺术培训学校“灭火器过期”已逾期 1 天",
          "url": "https://dangjian.example.gov.cn/visits/hazards/7/"}]
DAY = date(2026, 11, 24)


def test_an_email_reaches_a_real_smtp_server(alice):
    alice.email = "zhangli@heshan.example.gov.cn"
    alice.save()
    with smtp_server() as (controller, sink), override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST=controller.hostname, EMAIL_PORT=controller.port):
        delivery = services.delivery_create(
            channel=Channel.EMAIL, day=DAY, title="2026-11-24 工作提醒（1 项）", lines=LINES,
            target=alice.email, recipient=alice)
        services.delivery_attempt(delivery=delivery)
    assert delivery.status == Delivery.Status.SENT
    [envelope] = sink.messages
    assert envelope.rcpt_tos == ["zhangli@heshan.example.gov.cn"]
    text = envelope.original_content.decode()
    assert "hazards/7/" in text


def region_bots(region, base: str, dingtalk_secret=DINGTALK_SECRET,
                feishu_secret=FEISHU_SECRET):
    return RegionChannel.objects.create(
        region=region,
        wecom_url=f"{base}/cgi-bin/webhook/send?key=693axxx6-7aoc-4bc4-97a0-0ec2sifa5aaa",
        dingtalk_url=f"{base}/robot/send?access_token=4f1b9c0e2d7a8b6c5d4e3f2a1b0c9d8e",
        dingtalk_secret=dingtalk_secret,
        feishu_url=f"{base}/open-apis/bot/v2/hook/2f9e5c1a-77b3-4d0e-9a61-c3b0e8f4d2a7",
        feishu_secret=feishu_secret)


def send_all(region) -> list[Delivery]:
    config = RegionChannel.objects.get(region=region)
    deliveries = []
    for channel, url in ((Channel.WECOM, config.wecom_url),
                         (Channel.DINGTALK, config.dingtalk_url),
                         (Channel.FEISHU, config.feishu_url)):
        delivery = services.delivery_create(channel=channel, day=DAY, title="赫山区工作提醒",
                                            lines=LINES, target=mask_url(url), region=region)
        deliveries.append(services.delivery_attempt(delivery=delivery))
    return deliveries


def test_the_three_bots_receive_their_documented_messages_signed(county_a):
    with bot_server() as (server, base):
        region_bots(county_a, base)
        deliveries = send_all(county_a)
    assert [d.status for d in deliveries] == [Delivery.Status.SENT] * 3, \
        [d.last_error for d in deliveries]
    wecom, dingtalk, feishu = server.received
    assert wecom["body"]["msgtype"] == "markdown"
    assert ("[隐患赫山区阳光艺术培训学校“灭火器过期”已逾期 1 天]"
            "(https://dangjian.example.gov.cn/visits/hazards/7/)"
            in wecom["body"]["markdown"]["content"])
    assert dingtalk["body"]["msgtype"] == "markdown"
    assert dingtalk["body"]["markdown"]["title"] == "赫山区工作提醒"
    assert set(dingtalk["query"]) == {"access_token", "timestamp", "sign"}
    assert abs(int(dingtalk["query"]["timestamp"][0]) / 1000 - timezone.now().timestamp()) < 60
    assert feishu["body"]["msg_type"] == "text"
    assert "灭火器过期" in feishu["body"]["content"]["text"]
    assert feishu["body"]["sign"]


def test_a_wrong_dingtalk_secret_is_a_recorded_failure(county_a):
    with bot_server() as (server, base):
        region_bots(county_a, base, dingtalk_secret="SECwrong")
        _wecom, dingtalk, _feishu = send_all(county_a)
    assert dingtalk.status == Delivery.Status.PENDING
    assert dingtalk.last_error == "机器人返回错误 310000 sign not match"


@override_settings(PARTYBUILD_NOTIFY_MAX_ATTEMPTS=3, PARTYBUILD_NOTIFY_RETRY_MINUTES=10)
def test_a_failing_bot_is_retried_with_back_off_then_given_up(county_a):
    with bot_server() as (server, base):
        RegionChannel.objects.create(region=county_a,
                                     wecom_url=f"{base}/fail/send?key=abcdef123456")
        delivery = services.delivery_create(channel=Channel.WECOM, day=DAY, title="赫山区工作提醒",
                                            lines=LINES, target="…", region=county_a)
        start = timezone.now()
        services.deliveries_retry_due(now=start)
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (Delivery.Status.PENDING, 1)
        assert delivery.next_attempt_at == start + timedelta(minutes=10)
        # Not due yet: nothing is attempted.
        assert services.deliveries_retry_due(now=start + timedelta(minutes=9)) == []
        services.deliveries_retry_due(now=start + timedelta(minutes=10))
        delivery.refresh_from_db()
        assert delivery.attempts == 2
        assert delivery.next_attempt_at == start + timedelta(minutes=10 + 20)
        services.deliveries_retry_due(now=start + timedelta(minutes=30))
        delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (
        Delivery.Status.FAILED, 3, None)
    log = list(DeliveryAttempt.objects.filter(delivery=delivery).order_by("number")
               .values_list("number", "ok", "error"))
    assert log == [(1, False, "HTTP 502"), (2, False, "HTTP 502"), (3, False, "HTTP 502")]
    assert len(server.received) == 3


def test_a_retry_that_succeeds_is_recorded_as_sent(county_a):
    with bot_server() as (server, base):
        RegionChannel.objects.create(region=county_a,
                                     wecom_url=f"{base}/cgi-bin/webhook/send?key=abcdef123456")
        server.failing = True
        delivery = services.delivery_create(channel=Channel.WECOM, day=DAY, title="赫山区工作提醒",
                                            lines=LINES, target="…", region=county_a)
        services.deliveries_retry_due()
        server.failing = False
        services.deliveries_retry_due(now=timezone.now() + timedelta(hours=1))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 2)


def test_webhook_tokens_are_masked():
    assert mask_url("https://oapi.dingtalk.com/robot/send?access_token=4f1b9c0e2d7a8b6c5d4e") == \
        "https://oapi.dingtalk.com/robot/send?access_token=4f1b…"
    assert mask_url("https://open.feishu.cn/open-apis/bot/v2/hook/2f9e5c1a-77b3-4d0e-9a61") == \
        "https://open.feishu.cn/open-apis/bot/v2/hook/2f9e…"
