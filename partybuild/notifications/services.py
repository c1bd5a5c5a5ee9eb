"""Writes of the notification centre, the channel settings and the delivery log."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from partybuild.accounts.scoping import require_region_in_scope
from partybuild.regions.models import Region

from . import channels
from .models import (
    Channel,
    ChannelPreference,
    Delivery,
    DeliveryAttempt,
    Notification,
    RegionChannel,
)


@transaction.atomic
def notification_create(*, recipient, day: date, title: str, lines: list[dict]) -> Notification:
    """Put a message in the user's notification centre."""
    notification = Notification(recipient=recipient, day=day, title=title, lines=lines)
    notification.full_clean()
    notification.save()
    return notification


@transaction.atomic
def notification_mark_read(*, user, notification: Notification) -> Notification:
    """Mark one of the user's own messages as read (a message of someone else is refused)."""
    if notification.recipient_id != user.pk:
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    """Mark every unread message of the user as read; returns how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now())


@transaction.atomic
def preference_update(*, user, email: bool, bot: bool) -> ChannelPreference:
    """Save the user's channels; e-mail needs an address on the account."""
    if email and not user.email:
        raise ValidationError(
            {"email": gettext("您的账号没有电子邮箱地址，请联系管理员填写后再选择邮件提醒。")})
    preference, _created = ChannelPreference.objects.get_or_create(user=user)
    preference.email, preference.bot = email, bot
    preference.full_clean()
    preference.save()
    return preference


@transaction.atomic
def region_channel_save(*, acting_user, region: Region, wecom_url: str, dingtalk_url: str,
                        dingtalk_secret: str, feishu_url: str, feishu_secret: str
                        ) -> RegionChannel:
    """Set a region's group bots; an empty secret keeps the stored one (it is never shown)."""
    require_region_in_scope(acting_user, region, gettext("该区划"))
    errors = {}
    for field, value in (("wecom_url", wecom_url), ("dingtalk_url", dingtalk_url),
                         ("feishu_url", feishu_url)):
        if value:
            try:
                channels.validate_webhook_url(value)
            except ValidationError as error:
                errors[field] = error.messages
    if errors:
        raise ValidationError(errors)
    config, _created = RegionChannel.objects.get_or_create(region=region)
    config.wecom_url, config.dingtalk_url, config.feishu_url = wecom_url, dingtalk_url, feishu_url
    if dingtalk_secret:
        config.dingtalk_secret = dingtalk_secret
    if feishu_secret:
        config.feishu_secret = feishu_secret
    config.full_clean()
    config.save()
    return config


# Deliveries --------------------------------------------------------------------------------


def backoff(attempts: int) -> timedelta:
    """Wait before the next attempt: the base doubled after every failure."""
    return timedelta(minutes=settings.PARTYBUILD_NOTIFY_RETRY_MINUTES * 2 ** (attempts - 1))


@transaction.atomic
def delivery_create(*, channel: str, day: date, title: str, lines: list[dict], target: str,
                    recipient=None, region: Region | None = None) -> Delivery:
    """Queue one message for one channel; `delivery_attempt` sends it."""
    delivery = Delivery(channel=channel, day=day, title=title, lines=lines, target=target,
                        recipient=recipient, region=region, next_attempt_at=timezone.now())
    delivery.full_clean()
    delivery.save()
    return delivery


def _send(delivery: Delivery) -> None:
    message = channels.Message(delivery.title, delivery.lines)
    if delivery.channel == Channel.EMAIL:
        if delivery.recipient is None or not delivery.recipient.email:
            raise channels.DeliveryError("接收人没有电子邮箱地址")
        channels.send_email(delivery.recipient.email, message)
        return
    config = RegionChannel.objects.filter(region=delivery.region_id).first()
    if config is None:
        raise channels.DeliveryError("该区划未配置机器人")
    if delivery.channel == Channel.WECOM and config.wecom_url:
        channels.send_wecom(config.wecom_url, message)
    elif delivery.channel == Channel.DINGTALK and config.dingtalk_url:
        channels.send_dingtalk(config.dingtalk_url, config.dingtalk_secret, message)
    elif delivery.channel == Channel.FEISHU and config.feishu_url:
        channels.send_feishu(config.feishu_url, config.feishu_secret, message)
    else:
        raise channels.DeliveryError("该区划未配置此渠道的机器人")


def delivery_attempt(*, delivery: Delivery, now: datetime | None = None) -> Delivery:
    """Try to send once and record the attempt; a failure waits longer each time.

    The network call happens outside any transaction: a slow bot must not hold the database.
    """
    now = now or timezone.now()
    try:
        _send(delivery)
    except (channels.DeliveryError, ValidationError) as error:
        message = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        ok, error_text = False, message[:500]
    else:
        ok, error_text = True, ""
    with transaction.atomic():
        delivery.attempts += 1
        if ok:
            delivery.status, delivery.sent_at, delivery.next_attempt_at = (
                Delivery.Status.SENT, now, None)
        elif delivery.attempts >= settings.PARTYBUILD_NOTIFY_MAX_ATTEMPTS:
            delivery.status, delivery.next_attempt_at = Delivery.Status.FAILED, None
        else:
            delivery.status = Delivery.Status.PENDING
            delivery.next_attempt_at = now + backoff(delivery.attempts)
        delivery.last_error = error_text
        delivery.save(update_fields=["attempts", "status", "sent_at", "next_attempt_at",
                                     "last_error"])
        DeliveryAttempt.objects.create(delivery=delivery, number=delivery.attempts, at=now,
                                       ok=ok, error=error_text,
                                       next_attempt_at=delivery.next_attempt_at)
    return delivery


def deliveries_retry_due(*, now: datetime | None = None) -> list[Delivery]:
    """Attempt every pending delivery whose next attempt is due."""
    now = now or timezone.now()
    due = (Delivery.objects.filter(status=Delivery.Status.PENDING)
           .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
           .select_related("recipient").order_by("pk"))
    return [delivery_attempt(delivery=delivery, now=now) for delivery in due]
