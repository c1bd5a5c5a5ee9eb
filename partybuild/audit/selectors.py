"""Reading the audit trail, for the command and the audit administrator's page."""

from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from .models import AuditEntry


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_entries(*, since: date | None = None, until: date | None = None, user: str = "",
                  event: str = "", text: str = ""):
    """Entries, newest first, narrowed by day range, user name, event and free text."""
    entries = AuditEntry.objects.all()
    if since:
        entries = entries.filter(at__gte=day_start(since))
    if until:
        entries = entries.filter(at__lt=day_start(until) + timedelta(days=1))
    if user:
        entries = entries.filter(username=user)
    if event:
        entries = entries.filter(event=event)
    if text:
        entries = entries.filter(Q(object_repr__icontains=text) | Q(client_ip=text)
                                 | Q(username__icontains=text))
    return entries.order_by("-pk")


def as_dict(entry: AuditEntry) -> dict:
    return {
        "id": entry.pk, "at": entry.at.isoformat(), "user": entry.username, "role": entry.role,
        "client_ip": entry.client_ip, "event": entry.event, "object_type": entry.object_type,
        "object_id": entry.object_id, "object": entry.object_repr, "outcome": entry.outcome,
        "details": entry.details, "prev_hash": entry.prev_hash, "hash": entry.hash,
    }
