"""send_reminders: the day's items, one digest per recipient, delivered once.

The SentReminder rows and the digest are written in one transaction per recipient; the
unique key (rule, record, recipient, period) refuses a second copy even when two runs race,
and then the loser sends nothing. Deliveries (e-mail, bots) are attempted after the
commit, outside any transaction, and retried on later runs.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q

from partybuild.accounts.models import User
from partybuild.notifications import services as notify
from partybuild.notifications.channels import mask_url
from partybuild.notifications.models import Channel, ChannelPreference, Delivery, RegionChannel

from .models import Rule, SentReminder
from .rules import Item, all_items

# A digest lists at most this many items of one rule, then says how many more there are.
LINES_PER_RULE = 20


@dataclass
class Digest:
    recipient: User
    day: date
    items: list[Item]

    @property
    def title(self) -> str:
        return f"{self.day:%Y-%m-%d} 工作提醒（{len(self.items)} 项）"

    def lines(self, absolute: bool) -> list[dict]:
        return digest_lines(self.items, absolute)


def absolute(path: str) -> str:
    return f"{settings.PARTYBUILD_SITE_URL}{path}" if path else ""


def digest_lines(items: list[Item], make_absolute: bool, prefix: str = "") -> list[dict]:
    """Items grouped by rule in the rules' order: a heading line, then one line per item."""
    by_rule: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_rule[item.rule].append(item)
    lines = []
    for rule in Rule.values:
        group = by_rule.get(rule)
        if not group:
            continue
        lines.append({"text": f"【{Rule(rule).label}】{len(group)} 项", "url": ""})
        for item in group[:LINES_PER_RULE]:
            url = absolute(item.url) if make_absolute else item.url
            lines.append({"text": prefix + item.text, "url": url})
        if len(group) > LINES_PER_RULE:
            lines.append({"text": f"……另有 {len(group) - LINES_PER_RULE} 项，请登录平台查看",
                          "url": absolute("/notifications/") if make_absolute else ""})
    return lines


@dataclass
class RunSummary:
    day: date
    items: int = 0
    recipients: int = 0
    notifications: int = 0
    emails: int = 0
    bot_messages: int = 0
    skipped: int = 0  # items already sent on an earlier run
    sent: int = 0
    pending: int = 0
    failed: int = 0
    digests: list[Digest] = field(default_factory=list)

    def line(self, dry_run: bool) -> str:
        head = f"{self.day}: {'(dry run) ' if dry_run else ''}{self.items} new reminders " \
               f"to {self.recipients} recipients ({self.skipped} already sent)"
        if dry_run:
            return head
        return (f"{head}; {self.notifications} notifications, {self.emails} e-mails, "
                f"{self.bot_messages} bot messages; deliveries {self.sent} sent, "
                f"{self.pending} to retry, {self.failed} failed")


def new_items(today: date) -> tuple[list[Item], int]:
    """The day's items not sent before (and not twice in the list); how many were skipped."""
    items = all_items(today)
    periods = {item.period for item in items}
    sent = set(SentReminder.objects.filter(period__in=periods)
               .values_list("rule", "record", "recipient", "period"))
    fresh, seen = [], set()
    for item in items:
        if item.key in sent or item.key in seen:
            continue
        seen.add(item.key)
        fresh.append(item)
    return fresh, len(items) - len(fresh)


def digests_for(today: date) -> tuple[list[Digest], int]:
    """One digest per recipient, in the order of user names."""
    items, skipped = new_items(today)
    by_user: dict[int, list[Item]] = defaultdict(list)
    users: dict[int, User] = {}
    for item in items:
        by_user[item.recipient.pk].append(item)
        users[item.recipient.pk] = item.recipient
    digests = [Digest(users[pk], today, by_user[pk])
               for pk in sorted(by_user, key=lambda pk: users[pk].username)]
    return digests, skipped


def _record_digest(digest: Digest, email: bool) -> tuple[bool, int]:
    """Write the sent reminders, the notification and the e-mail; False if already sent."""
    try:
        with transaction.atomic():
            SentReminder.objects.bulk_create([
                SentReminder(rule=item.rule, record=item.record, recipient=digest.recipient,
                             period=item.period, day=digest.day, text=item.text[:500])
                for item in digest.items])
            notify.notification_create(recipient=digest.recipient, day=digest.day,
                                       title=digest.title, lines=digest.lines(absolute=False))
            if email:
                notify.delivery_create(channel=Channel.EMAIL, day=digest.day,
                                       title=digest.title, lines=digest.lines(absolute=True),
                                       target=digest.recipient.email,
                                       recipient=digest.recipient)
    except IntegrityError:
        return False, 0  # another run sent these first
    return True, int(email)


BOT_CHANNELS = ((Channel.WECOM, "wecom_url"), (Channel.DINGTALK, "dingtalk_url"),
                (Channel.FEISHU, "feishu_url"))


@transaction.atomic
def _queue_bot_digests(day: date, digests: list[Digest]) -> int:
    """One digest per configured region: the new items of its users who chose the bot."""
    no_bot = {pk for pk, bot in ChannelPreference.objects.filter(
        user__in=[d.recipient.pk for d in digests]).values_list("user", "bot") if not bot}
    by_region: dict[int, list[Digest]] = defaultdict(list)
    for digest in digests:
        if digest.recipient.region_id and digest.recipient.pk not in no_bot:
            by_region[digest.recipient.region_id].append(digest)
    configs = RegionChannel.objects.filter(region__in=list(by_region)).select_related("region")
    queued = 0
    for config in configs:
        lines = []
        for digest in by_region[config.region_id]:
            lines.append({"text": f"◆ {digest.recipient}（{len(digest.items)} 项）", "url": ""})
            lines += digest_lines(digest.items, make_absolute=True)
        title = f"{day:%Y-%m-%d} {config.region.name}工作提醒"
        for channel, field_name in BOT_CHANNELS:
            url = getattr(config, field_name)
            if url:
                notify.delivery_create(channel=channel, day=day, title=title, lines=lines,
                                       target=mask_url(url), region=config.region)
                queued += 1
    return queued


def reminders_send(*, today: date, dry_run: bool = False) -> RunSummary:
    """Compute the day's digests; unless dry_run, record and deliver them, and retry failures."""
    digests, skipped = digests_for(today)
    summary = RunSummary(day=today, skipped=skipped, digests=digests,
                         items=sum(len(d.items) for d in digests), recipients=len(digests))
    if dry_run:
        return summary
    email_users = set(ChannelPreference.objects.filter(
        email=True, user__in=[d.recipient.pk for d in digests]).exclude(
        Q(user__email="") | Q(user__email__isnull=True)).values_list("user", flat=True))
    recorded = []
    for digest in digests:
        ok, emails = _record_digest(digest, email=digest.recipient.pk in email_users)
        if ok:
            recorded.append(digest)
            summary.notifications += 1
            summary.emails += emails
    summary.bot_messages = _queue_bot_digests(today, recorded)
    for delivery in notify.deliveries_retry_due():
        if delivery.status == Delivery.Status.SENT:
            summary.sent += 1
        elif delivery.status == Delivery.Status.PENDING:
            summary.pending += 1
        else:
            summary.failed += 1
    return summary
