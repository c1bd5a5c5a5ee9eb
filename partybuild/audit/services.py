"""Writing the audit trail: every entry hashed together with the hash of the one before it.

Changing, inserting or removing an entry anywhere in the middle breaks the chain from there
on, which `manage.py audit_verify` shows. The database triggers (migration 0002) refuse
UPDATE and DELETE outright; the only delete is the purge of entries past the retention.
"""

import hashlib
import json
from datetime import UTC, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partybuild.accounts.client_ip import client_ip

from .models import AuditEntry

GENESIS = "0" * 64
# The floor that 等保 level 3 sets; the database trigger on PostgreSQL holds the same line.
MIN_RETENTION_DAYS = 180
# Any constant will do: it names the lock that serialises writers of the chain's tail.
CHAIN_LOCK_KEY = 18_0206


def retention_days() -> int:
    days = int(getattr(settings, "PARTYBUILD_AUDIT_RETENTION_DAYS", 3 * 365))
    if days < MIN_RETENTION_DAYS:
        raise ValidationError(
            _("审计记录至少保存 %(min)s 天，当前设置为 %(days)s 天。")
            % {"min": MIN_RETENTION_DAYS, "days": days})
    return days


def _plain(details) -> dict:
    """Details as they will read back from the JSON column, so the hash is reproducible."""
    return json.loads(json.dumps(details or {}, ensure_ascii=False, default=str))


def entry_hash(entry: AuditEntry) -> str:
    payload = {
        "at": entry.at.astimezone(UTC).isoformat(),
        "username": entry.username, "role": entry.role, "client_ip": entry.client_ip,
        "event": entry.event, "object_type": entry.object_type,
        "object_id": entry.object_id, "object_repr": entry.object_repr,
        "outcome": entry.outcome, "details": entry.details, "prev_hash": entry.prev_hash,
    }
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _lock_tail() -> AuditEntry | None:
    """The current last entry, with every other writer of the trail kept waiting."""
    if connection.vendor == "postgresql":
        # A row lock alone would let two writers wait on the same tail and then both chain
        # to it; the transaction-wide advisory lock makes the second read the new tail.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
    return AuditEntry.objects.select_for_update().order_by("-pk").first()


def audit_record(event: str, *, request=None, user=None, username: str = "", obj=None,
                 object_type: str = "", object_id="", object_repr: str = "",
                 outcome: str = AuditEntry.Outcome.SUCCESS, **details) -> AuditEntry:
    """Append one entry: who (the request's user unless given), from where, did what to what.

    `details` are keyword arguments stored as JSON (filters, row counts, file hashes …).
    """
    # No savepoint: an entry that cannot be written must fail the whole request, and a list
    # page's audit entry then costs two queries (read the tail, insert), not four.
    with transaction.atomic(savepoint=False):
        return _append(event, request=request, user=user, username=username, obj=obj,
                       object_type=object_type, object_id=object_id, object_repr=object_repr,
                       outcome=outcome, details=details)


def _append(event, *, request, user, username, obj, object_type, object_id, object_repr,
            outcome, details) -> AuditEntry:
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    tail = _lock_tail()
    entry = AuditEntry(
        at=timezone.now(), user=user,
        username=user.get_username() if user else username[:150],
        role=getattr(user, "role", "") if user else "",
        client_ip=client_ip(request) if request is not None else "",
        event=event, outcome=outcome, object_type=object_type[:60],
        object_id=str(object_id or "")[:60], details=_plain(details),
        prev_hash=tail.hash if tail else GENESIS,
    )
    if obj is not None:
        entry.object_type = obj._meta.label_lower
        entry.object_id = str(obj.pk)
        entry.object_repr = str(obj)[:200]
    if object_repr:
        entry.object_repr = object_repr[:200]
    entry.hash = entry_hash(entry)
    # The database enforces the unique hash and the one-successor rule; no extra SELECTs.
    entry.full_clean(exclude=["user"], validate_unique=False, validate_constraints=False)
    entry.save()
    return entry


def audit_verify() -> tuple[int, AuditEntry | None, str]:
    """Walk the chain: (entries checked, first broken entry or None, what is wrong with it)."""
    purged_tails = {
        entry.details.get("last_deleted_hash")
        for entry in AuditEntry.objects.filter(event=AuditEntry.Event.AUDIT_PURGE)
    }
    previous = None
    checked = 0
    for entry in AuditEntry.objects.order_by("pk").iterator(chunk_size=2000):
        checked += 1
        if entry_hash(entry) != entry.hash:
            return checked, entry, _("记录内容与其哈希不符（记录被改动）。")
        if previous is None:
            # The oldest entry left: the first ever, or the first after a recorded purge.
            if entry.prev_hash != GENESIS and entry.prev_hash not in purged_tails:
                return checked, entry, _("最早的记录之前缺少记录（记录被删除）。")
        elif entry.prev_hash != previous.hash:
            return checked, entry, _("与前一条记录的哈希不相连（记录被删除、插入或改动）。")
        previous = entry
    return checked, None, ""


@transaction.atomic
def audit_purge(before=None) -> int:
    """Delete the entries older than the retention (or than `before`, if that is older)."""
    cutoff = timezone.now() - timedelta(days=retention_days())
    if before is not None:
        if before > cutoff:
            raise ValidationError(
                _("不能清理保存期（%(days)s 天）内的审计记录。") % {"days": retention_days()})
        cutoff = before
    _lock_tail()
    doomed = AuditEntry.objects.filter(at__lt=cutoff)
    last = doomed.order_by("-pk").first()
    if last is None:
        return 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The trigger lets a delete through only for this transaction and only for rows
            # older than 180 days.
            cursor.execute("SET LOCAL partybuild.audit_purge = 'on'")
    # Only entries older than every one kept: the chain stays whole from the first kept on.
    deleted = AuditEntry.objects.filter(pk__lte=last.pk)._raw_delete(connection.alias)
    audit_record(AuditEntry.Event.AUDIT_PURGE, deleted=deleted,
                 before=cutoff.isoformat(), last_deleted_hash=last.hash)
    return deleted


def audit_import(request, filename: str, data: bytes, result) -> AuditEntry:
    """An import that wrote (or tried to write) records: the file, its SHA-256, the counts."""
    return audit_record(
        AuditEntry.Event.IMPORT, request=request, object_repr=filename,
        outcome=AuditEntry.Outcome.SUCCESS if result.ok else AuditEntry.Outcome.FAILURE,
        kind=result.kind, sha256=hashlib.sha256(data).hexdigest(), created=result.created,
        updated=result.updated, unchanged=result.unchanged, errors=len(result.errors))
