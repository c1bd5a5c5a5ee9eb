"""The notification centre, the channel settings and the delivery log, as users see them."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from partybuild.notifications.models import (
    Channel,
    ChannelPreference,
    Delivery,
    DeliveryAttempt,
    Notification,
    RegionChannel,
)

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 24)


def digest(user, title="2026-11-24 工作提醒（1 项）", read=False):
    return Notification.objects.create(
        recipient=user, day=DAY, title=title,
        lines=[{"text": "隐患赫山区阳光艺术培训学校“灭火器过期”已逾期 4 天",
                "url": "/visits/hazards/7/"}],
        read_at=timezone.now() if read else None)


def test_the_bell_shows_the_unread_count(client, alice):
    digest(alice)
    digest(alice, title="2026-11-23 工作提醒（3 项）")
    digest(alice, read=True)
    client.force_login(alice)
    page = client.get(reverse("notifications:list")).content.decode()
    assert '</svg><span class="badge bad">2</span></a>' in page
    assert "2026-11-23 工作提醒（3 项）" in page
    assert ('<a href="/visits/hazards/7/">隐患赫山区阳光艺术培训学校“灭火器过期”已逾期 4 天</a>'
            in page)


def test_the_bell_costs_one_query(client, alice, django_assert_num_queries):
    from partybuild.notifications.selectors import unread_count
    digest(alice)
    with django_assert_num_queries(1):
        assert unread_count(alice) == 1


def test_marking_one_as_read_lowers_the_count(client, alice):
    first, second = digest(alice), digest(alice)
    client.force_login(alice)
    response = client.post(reverse("notifications:mark_read"), {"id": first.pk})
    assert response.status_code == 302
    first.refresh_from_db(), second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None


def test_someone_elses_message_answers_404_and_stays_unread(client, alice, eve):
    theirs = digest(eve)
    client.force_login(alice)
    assert client.post(reverse("notifications:mark_read"), {"id": theirs.pk}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "工作提醒" not in client.get(reverse("notifications:list")).content.decode()


def test_marking_all_as_read(client, alice, eve):
    digest(alice), digest(alice), digest(eve)
    client.force_login(alice)
    client.post(reverse("notifications:mark_all_read"))
    assert Notification.objects.filter(read_at__isnull=True).count() == 1  # eve's


def test_a_get_never_marks_anything_read(client, alice):
    message = digest(alice)
    client.force_login(alice)
    assert client.get(reverse("notifications:mark_read"), {"id": message.pk}).status_code == 405
    client.get(reverse("notifications:list"))
    message.refresh_from_db()
    assert message.read_at is None


def test_a_user_chooses_e_mail_only_with_an_address(client, alice):
    client.force_login(alice)
    response = client.post(reverse("notifications:preferences"), {"email": "on", "bot": "on"})
    assert response.status_code == 200
    assert "没有电子邮箱地址" in response.content.decode()
    assert not ChannelPreference.objects.exists()
    alice.email = "zhangli@heshan.example.gov.cn"
    alice.save()
    client.post(reverse("notifications:preferences"), {"email": "on"})
    preference = ChannelPreference.objects.get(user=alice)
    assert (preference.email, preference.bot) == (True, False)


def test_an_administrator_sets_a_region_bot_and_sees_its_token_masked(client, dave, county_a):
    client.force_login(dave)
    url = reverse("notifications:channel_edit", args=[county_a.pk])
    response = client.post(url, {
        "dingtalk_url": "https://oapi.dingtalk.com/robot/send?access_token=4f1b9c0e2d7a8b6c5d4e",
        "dingtalk_secret": "SEC0123456789abcdef"})
    assert response.status_code == 302
    config = RegionChannel.objects.get(region=county_a)
    assert config.dingtalk_secret == "SEC0123456789abcdef"
    listing = client.get(reverse("notifications:channel_list")).content.decode()
    assert "https://oapi.dingtalk.com/robot/send?access_token=4f1b…" in listing
    assert "4f1b9c0e2d7a8b6c5d4e" not in listing
    form = client.get(url).content.decode()
    assert "SEC0123456789abcdef" not in form
    # Saving again without a secret keeps the stored one.
    client.post(url, {"dingtalk_url": config.dingtalk_url})
    config.refresh_from_db()
    assert config.dingtalk_secret == "SEC0123456789abcdef"


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "file:///etc/passwd", "ftp://example.com/x",
                                 "https://"])
def test_a_webhook_must_be_http_to_a_host(client, dave, county_a, bad):
    client.force_login(dave)
    response = client.post(reverse("notifications:channel_edit", args=[county_a.pk]),
                           {"wecom_url": bad})
    assert response.status_code == 200
    assert not RegionChannel.objects.exists()


def test_staff_may_not_configure_bots(client, alice, county_a):
    client.force_login(alice)
    assert client.get(reverse("notifications:channel_list")).status_code == 403
    assert client.post(reverse("notifications:channel_edit", args=[county_a.pk]),
                       {"wecom_url": "https://example.com/hook"}).status_code == 403
    assert not RegionChannel.objects.exists()


def attempt(region, channel, ok, day=DAY, number=1):
    delivery = Delivery.objects.create(
        channel=channel, day=day, region=region, title="赫山区工作提醒", attempts=number,
        target="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a…",
        status=Delivery.Status.SENT if ok else Delivery.Status.PENDING)
    return DeliveryAttempt.objects.create(delivery=delivery, number=number, ok=ok,
                                          error="" if ok else "HTTP 502")


def test_the_delivery_log_filters_by_status_channel_and_day(client, dave, county_a):
    attempt(county_a, Channel.WECOM, ok=True)
    attempt(county_a, Channel.DINGTALK, ok=False)
    attempt(county_a, Channel.FEISHU, ok=True, day=date(2026, 11, 23))
    client.force_login(dave)
    url = reverse("notifications:delivery_log")

    def rows(**params):
        page = client.get(url, params).context["page"]
        return sorted(a.delivery.channel for a in page.object_list)

    assert rows() == ["dingtalk", "feishu", "wecom"]
    assert rows(status="error") == ["dingtalk"]
    assert rows(channel="feishu") == ["feishu"]
    assert rows(day="2026-11-24") == ["dingtalk", "wecom"]
    assert client.get(url, {"day": "not-a-day", "page": "x"}).status_code == 200


def test_the_delivery_log_pages_with_a_fixed_number_of_queries(client, dave, county_a,
                                                              django_assert_max_num_queries):
    for _ in range(60):
        attempt(county_a, Channel.WECOM, ok=False)
    client.force_login(dave)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("notifications:delivery_log"))
    assert len(response.context["page"].object_list) == 50


def test_the_delivery_log_keeps_its_filters_from_page_to_page(client, dave, county_a):
    for _ in range(60):
        attempt(county_a, Channel.WECOM, ok=False)
    attempt(county_a, Channel.DINGTALK, ok=True)
    client.force_login(dave)
    url = reverse("notifications:delivery_log")
    first = client.get(url, {"status": "error", "page": "1"}).content.decode()
    assert 'href="?status=error&amp;page=2"' in first
    second = client.get(url, {"status": "error", "page": "2"})
    assert [a.delivery.channel for a in second.context["page"].object_list] == ["wecom"] * 10
    assert 'href="?status=error&amp;page=1"' in second.content.decode()


def test_the_notification_list_takes_a_fixed_number_of_queries(client, alice,
                                                               django_assert_max_num_queries):
    for _ in range(30):
        digest(alice)
    client.force_login(alice)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("notifications:list"))
    assert len(response.context["page"].object_list) == 20
