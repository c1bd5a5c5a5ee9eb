"""Date periods that are inclusive at both ends; an empty end means the period still holds."""

from collections.abc import Callable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .services import fmt


def holding_on_q(day: date, start: str = "start", end: str = "end") -> Q:
    """Rows whose [start, end] period holds on the given day."""
    return Q(**{f"{start}__lte": day}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": day}))


def overlapping_q(first: date, last: date | None, start: str = "start", end: str = "end") -> Q:
    """Rows whose period shares at least one day with [first, last]."""
    q = Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": first})
    if last is not None:
        q &= Q(**{f"{start}__lte": last})
    return q


def periods_overlap(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    return (a_end is None or a_end >= b_start) and (b_end is None or b_end >= a_start)


class PeriodQuerySet(models.QuerySet):
    def holding_on(self, day: date):
        """Periods that hold on the day."""
        return self.filter(holding_on_q(day))

    def overlapping(self, first: date, last: date | None):
        """Periods that share at least one day with [first, last] (last None: open)."""
        return self.filter(overlapping_q(first, last))


class Period(models.Model):
    """A start/end period; the end date is the last day on which it holds.

    Coverage, membership, pairing and assignment are periods: they share these fields, the
    QuerySet (`holding_on`, `overlapping`) and the checks below (validate_period,
    refuse_overlap); PostgreSQL also refuses overlaps itself (organisation 0002).
    """

    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        abstract = True

    def holds_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    @property
    def is_open(self) -> bool:
        return self.end is None


def period_end_after_start_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
        name=name,
        violation_error_message=_("结束日期不能早于开始日期。"),
    )


def validate_period(start: date, end: date | None) -> None:
    """Refuse a period whose end comes before its start."""
    if end is not None and end < start:
        raise ValidationError(gettext("结束日期 %(end)s 不能早于开始日期 %(start)s。")
                              % {"end": fmt(end), "start": fmt(start)})


def close_period(period: "Period", on: date, noun: str) -> None:
    """Set a period's last day to `on` (unsaved): refused when it already ended before `on`
    or when `on` comes before its start. `noun` names the period in the message (覆盖, 结对…)."""
    if period.end is not None and period.end < on:
        raise ValidationError(gettext("该%(noun)s已于 %(end)s 结束。")
                              % {"noun": noun, "end": fmt(period.end)})
    validate_period(period.start, on)
    period.end = on


def refuse_overlap(periods: PeriodQuerySet, start: date, end: date | None,
                   message: Callable[[Period], str]) -> None:
    """Refuse the period [start, end] when it shares a day with one of `periods`.

    `periods` is already narrowed to what must not overlap (one institution's coverage, one
    member's memberships...); message(clash) words the refusal around the clashing period.
    """
    clash = periods.overlapping(start, end).first()
    if clash is not None:
        raise ValidationError(message(clash))


def overlapping_pairs(periods):
    """Pairs of (start, end, payload) periods that share a day, found in one sorted sweep.

    Periods are inclusive; an end of None means open. Each period is reported at most once,
    paired with the earlier period it collides with.
    """
    ordered = sorted(periods, key=lambda period: period[0])
    clashes = []
    reach = None  # the period reaching furthest so far
    for period in ordered:
        if reach is not None and (reach[1] is None or reach[1] >= period[0]):
            clashes.append((reach, period))
        if reach is None or (reach[1] is not None and (period[1] is None or period[1] > reach[1])):
            reach = period
    return clashes
