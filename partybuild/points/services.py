"""Writes to the red-list points ledger: add an entry, or correct one with a reversing entry.

There is deliberately no update or delete service: the ledger is append-only.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partybuild.accounts.models import User
from partybuild.accounts.scoping import require_region_in_scope
from partybuild.core.services import fmt
from partybuild.organisation.models import Institution

from .models import PointEntry

# The year's red-list item is worth at most 10 (SCORING.md); one entry larger than that is
# almost certainly a typing slip (50 for 5.0).
MAX_POINTS = Decimal("10")
ONE_DECIMAL = Decimal("0.1")
MIN_REASON_LENGTH = 4


def may_write_points(user) -> bool:
    """Committee staff and administrators add entries; everyone else only reads."""
    return getattr(user, "can_edit_structure", False)


def require_points_writer(acting_user) -> None:
    if not may_write_points(acting_user):
        raise PermissionDenied(_("只有党委工作人员和系统管理员可以录入红名单积分。"))


def clean_points(points) -> Decimal:
    """The points as a one-decimal Decimal, or a ValidationError a user can act on."""
    try:
        value = Decimal(str(points).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"points": _("请填写分值，例如 2 或 -1.5。")}) from None
    if not value.is_finite():
        raise ValidationError({"points": _("请填写分值，例如 2 或 -1.5。")})
    if value == 0:
        raise ValidationError({"points": _("分值不能为0：加分填正数，扣分填负数。")})
    if value != value.quantize(ONE_DECIMAL):
        raise ValidationError({"points": _("分值最多保留一位小数，例如 1.5。")})
    if abs(value) > MAX_POINTS:
        raise ValidationError({"points": _("单条积分的绝对值不能超过 %(max)s 分。")
                               % {"max": MAX_POINTS}})
    return value.quantize(ONE_DECIMAL)


def clean_reason(reason: str) -> str:
    """The reason without surrounding spaces; it must say something."""
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError({"reason": _("请写明事由（至少 %(n)d 个字）。")
                               % {"n": MIN_REASON_LENGTH}})
    max_length = PointEntry._meta.get_field("reason").max_length
    if len(reason) > max_length:
        raise ValidationError({"reason": _("事由不能超过 %(n)d 个字。") % {"n": max_length}})
    return reason


def check_entry_date(institution: Institution, day: datetime.date | None) -> None:
    """An entry is dated on a day the institution was open, and not in the future."""
    today = timezone.localdate()
    if day is None:
        raise ValidationError({"date": _("请填写日期。")})
    if day > today:
        raise ValidationError({"date": _("日期不能晚于今天（%(today)s）。")
                               % {"today": fmt(today)}})
    if day < institution.opened_on:
        raise ValidationError({"date": _("该机构 %(day)s 才开办，不能录入此前的积分。")
                               % {"day": fmt(institution.opened_on)}})
    if institution.closed_on and day > institution.closed_on:
        raise ValidationError({"date": _("该机构已于 %(day)s 停办，不能录入此后的积分。")
                               % {"day": fmt(institution.closed_on)}})


def check_unique(institution: Institution, day: datetime.date, reason: str) -> None:
    if PointEntry.objects.filter(institution=institution, date=day, reason=reason).exists():
        raise ValidationError({"reason": _(
            "该机构在 %(day)s 已有事由相同的积分记录，请勿重复录入。") % {"day": fmt(day)}})


def validate_point_entry(*, institution: Institution, date: datetime.date | None, points,
                         reason: str) -> tuple[Decimal, str]:
    """Check a new entry's values; return the cleaned points and reason (forms call this too)."""
    errors = {}

    def collect(check, *args):
        try:
            return check(*args)
        except ValidationError as error:
            errors.update(error.error_dict)
            return None

    points = collect(clean_points, points)
    reason = collect(clean_reason, reason)
    collect(check_entry_date, institution, date)
    if errors:
        raise ValidationError(errors)
    check_unique(institution, date, reason)
    return points, reason


def correction_problem(entry: PointEntry) -> str | None:
    """Why the entry cannot be corrected, or None when it can."""
    if entry.corrects_id is not None:
        return _("这是一条更正记录，不能再被更正；如仍有错误，请录入一条新的积分记录。")
    correction = PointEntry.objects.filter(corrects=entry).first()
    if correction is not None:
        return _("该记录已被 %(day)s 的更正记录冲正，不能重复更正。") % {
            "day": fmt(correction.date)}
    return None


def validate_correction(*, entry: PointEntry, date: datetime.date | None, reason: str) -> str:
    """Check a correction of the entry; return the cleaned reason (forms call this too)."""
    problem = correction_problem(entry)
    if problem:
        raise ValidationError(problem)
    reason = clean_reason(reason)
    today = timezone.localdate()
    if date is None:
        raise ValidationError({"date": _("请填写日期。")})
    # The reversal must fall in the corrected entry's year, or that year's total stays wrong.
    last = min(datetime.date(entry.date.year, 12, 31), today)
    if not entry.date <= date <= last:
        raise ValidationError({"date": _(
            "更正日期须在原记录日期（%(first)s）至 %(last)s 之间，与原记录同一年度。"
        ) % {"first": fmt(entry.date), "last": fmt(last)}})
    check_unique(entry.institution, date, reason)
    return reason


@transaction.atomic
def point_entry_add(*, acting_user: User, institution: Institution, date: datetime.date,
                    points: Decimal, reason: str) -> PointEntry:
    """Add a signed points entry for an institution in the acting user's regions."""
    require_points_writer(acting_user)
    require_region_in_scope(acting_user, institution.region, _("该机构"))
    points, reason = validate_point_entry(institution=institution, date=date, points=points,
                                          reason=reason)
    entry = PointEntry(institution=institution, date=date, points=points, reason=reason,
                       created_by=acting_user)
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def point_entry_correct(*, acting_user: User, entry: PointEntry, reason: str,
                        date: datetime.date | None = None) -> PointEntry:
    """Reverse an entry with a new one of opposite points that points back at it.

    The reversal is dated on the corrected entry's day unless another day of the same year
    is given, so that the year's net total no longer counts the mistake.
    """
    require_points_writer(acting_user)
    # Lock the corrected row so two staff correcting it at once cannot both pass the check;
    # the one-to-one constraint on `corrects` is the last guard.
    entry = (PointEntry.objects.select_for_update(of=("self",))
             .select_related("institution__region").get(pk=entry.pk))
    require_region_in_scope(acting_user, entry.institution.region, _("该机构"))
    day = date or entry.date
    reason = validate_correction(entry=entry, date=day, reason=reason)
    correction = PointEntry(institution=entry.institution, date=day, points=-entry.points,
                            reason=reason, corrects=entry, created_by=acting_user)
    correction.full_clean()
    correction.save()
    return correction
