"""Reads of the notification centre and the delivery log, scoped to the user first."""

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from partybuild.accounts.scoping import region_path, regions_visible_to
from partybuild.regions.models import Region

from . import channels
from .models import ChannelPreference, Delivery, DeliveryAttempt, Notification, RegionChannel

_UNREAD_SQL = (f"SELECT COUNT(*) FROM {Notification._meta.db_table}"
               f" WHERE {Notification._meta.get_field('recipient').column} = %s"
               f" AND {Notification._meta.get_field('read_at').column} IS NULL")


def unread_count(user) -> int:
    """The bell's figure: one COUNT on the partial index of unread messages.

    Written out: every page's header shows it, and building the same COUNT through the ORM
    on each page cost several times what the database spends answering it.
    """
    with connection.cursor() as cursor:
        cursor.execute(_UNREAD_SQL, [user.pk])
        return cursor.fetchone()[0]


def notification_list(*, user) -> QuerySet[Notification]:
    """The user's own messages, newest first."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def notification_for_user(*, user, pk: int) -> Notification:
    """One of the user's own messages (anyone else's answers 404)."""
    return get_object_or_404(Notification.objects.filter(recipient=user), pk=pk)


def preference_for(user) -> ChannelPreference:
    """The user's channel choices; an unsaved default when they never chose (no GET writes)."""
    return (ChannelPreference.objects.filter(user=user).first()
            or ChannelPreference(user=user))


@dataclass
class RegionChannelRow:
    region: Region
    wecom: str
    dingtalk: str
    dingtalk_signed: bool
    feishu: str
    feishu_signed: bool


def region_channel_list(*, user) -> list[RegionChannelRow]:
    """The regions the administrator may configure, each with its bots, tokens masked."""
    regions = list(regions_visible_to(user).order_by("path"))
    configs = {c.region_id: c for c in RegionChannel.objects.filter(region__in=regions)}
    rows = []
    for region in regions:
        config = configs.get(region.pk) or RegionChannel(region=region)
        rows.append(RegionChannelRow(
            region, channels.mask_url(config.wecom_url), channels.mask_url(config.dingtalk_url),
            bool(config.dingtalk_secret), channels.mask_url(config.feishu_url),
            bool(config.feishu_secret)))
    return rows


def region_for_channels(*, user, pk: int) -> tuple[Region, RegionChannel]:
    """A region in the administrator's scope and its bots (unsaved when none yet)."""
    region = get_object_or_404(regions_visible_to(user), pk=pk)
    config = RegionChannel.objects.filter(region=region).first() or RegionChannel(region=region)
    return region, config


def delivery_log(*, user, status: str = "", channel: str = "", day: date | None = None
                 ) -> QuerySet[DeliveryAttempt]:
    """Delivery attempts to the user's regions (bots) and their users (e-mail), newest first."""
    path = region_path(user)
    attempts = DeliveryAttempt.objects.select_related(
        "delivery__recipient", "delivery__region")
    if path is None:
        return attempts.none()
    if path != "/":
        attempts = attempts.filter(Q(delivery__region__path__startswith=path)
                                   | Q(delivery__recipient__region__path__startswith=path))
    if status == "ok":
        attempts = attempts.filter(ok=True)
    elif status == "error":
        attempts = attempts.filter(ok=False)
    elif status in Delivery.Status.values:
        attempts = attempts.filter(delivery__status=status)
    if channel:
        attempts = attempts.filter(delivery__channel=channel)
    if day is not None:
        attempts = attempts.filter(delivery__day=day)
    return attempts.order_by("-at", "-pk")
