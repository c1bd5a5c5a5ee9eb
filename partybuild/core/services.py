"""Helpers every service uses: who may write and who did it (the region check is
accounts.scoping.require_region_in_scope)."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def require_structure_editor(acting_user) -> None:
    """Only committee staff and administrators change the structure."""
    # Anonymous users have no role properties at all; treat them like any other outsider.
    if not getattr(acting_user, "can_edit_structure", False):
        raise PermissionDenied(_("只有党委工作人员和系统管理员可以修改组织架构。"))


def save_with_history(instance, acting_user) -> None:
    """Validate and save, recording the acting user in the change history."""
    instance.full_clean()
    instance._history_user = acting_user
    instance.save()


def fmt(day: date | None) -> str:
    return day.isoformat() if day else _("至今")


def span(start: date, end: date | None) -> str:
    """A period as users read it: "2021-03-01 至 2023-06-30", or "2021-03-01 至今" when open."""
    if end is None:
        return _("%(start)s 至今") % {"start": fmt(start)}
    return _("%(start)s 至 %(end)s") % {"start": fmt(start), "end": fmt(end)}
