"""Change-history timelines built from django-simple-history records.

A detail page shows one list of who changed what and when, merging the history of the
object itself with that of its period records (coverage, memberships, assignments,
pairings). The number of queries is one per history source plus one per referenced model.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .masking import mask_id_number, mask_phone

ACTIONS = {"+": gettext_lazy("新增"), "~": gettext_lazy("修改"), "-": gettext_lazy("删除")}


@dataclass(frozen=True)
class HistorySource:
    """The history records of `model` matching `condition`; `describe` names the row by FKs."""

    model: type[Model]
    condition: Q
    describe: tuple[str, ...] = ()


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class TimelineEntry:
    when: datetime
    user: str
    kind: str  # simple_history's history_type: "+" added, "~" changed, "-" deleted
    action: str
    subject: str
    target: str
    changes: list[FieldChange] = field(default_factory=list)


MASKED_FIELDS = {"phone": mask_phone, "id_number": mask_id_number}


def timeline(*sources: HistorySource) -> list[TimelineEntry]:
    """All changes recorded for the sources, newest first, with changed fields old → new."""
    fetched = [
        (source, list(source.model.history.filter(source.condition)
                      .select_related("history_user")
                      .order_by("id", "history_date", "history_id")))
        for source in sources
    ]
    names = _related_names(fetched)
    entries = []
    for source, records in fetched:
        # Fields left out of the history (derived sort keys) have nothing to show.
        kept = {f.attname for f in source.model.history.model._meta.concrete_fields}
        fields = [f for f in source.model._meta.concrete_fields
                  if not f.primary_key and f.attname in kept]
        subject = str(source.model._meta.verbose_name)
        previous: dict = {}
        for record in records:
            before = previous.get(record.id)
            previous[record.id] = record
            changes = _changes(fields, before, record, names)
            if record.history_type == "~" and not changes:
                continue
            target = " · ".join(
                _display(source.model._meta.get_field(name),
                         getattr(record, source.model._meta.get_field(name).attname), names)
                for name in source.describe
            )
            entries.append(TimelineEntry(
                when=record.history_date,
                user=str(record.history_user) if record.history_user else _("系统"),
                kind=record.history_type,
                action=str(ACTIONS[record.history_type]),
                subject=subject,
                target=target,
                changes=[] if record.history_type == "-" else changes,
            ))
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def _related_names(fetched) -> dict[tuple[type[Model], object], str]:
    """Names of every object referenced by a foreign key in the records, one query per model."""
    wanted: dict[type[Model], set] = defaultdict(set)
    for source, records in fetched:
        for f in source.model._meta.concrete_fields:
            if f.is_relation and not f.primary_key:
                wanted[f.related_model].update(
                    v for r in records if (v := getattr(r, f.attname)) is not None
                )
    names = {}
    for model, pks in wanted.items():
        if pks:
            for obj in model._default_manager.filter(pk__in=pks):
                names[(model, obj.pk)] = str(obj)
    return names


def _changes(fields, before, record, names) -> list[FieldChange]:
    changes = []
    for f in fields:
        new = getattr(record, f.attname)
        old = getattr(before, f.attname) if before is not None else None
        if before is not None and old == new:
            continue
        if before is None and new in (None, ""):
            continue
        changes.append(FieldChange(str(f.verbose_name), _display(f, old, names) if before else "",
                                   _display(f, new, names)))
    return changes


def _display(f, value, names) -> str:
    """A field value as a person reads it: names for references, labels for choices."""
    if value is None or value == "":
        return "—"
    if f.is_relation:
        return names.get((f.related_model, value), f"#{value}")
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if f.name in MASKED_FIELDS:
        # PIPL: the change history shows a number as masked as every list does.
        return MASKED_FIELDS[f.name](str(value))
    # datetime before date: a datetime is a date too. Shown in Beijing time to the minute,
    # like the rest of the page, not as a stored UTC timestamp.
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
