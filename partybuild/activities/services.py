"""Writes of branch activities and their evidence. Each service is atomic and validates first.

Committee staff and administrators record activities for the branches of their regions
(branch secretaries are not users in this version); everyone else is refused.
"""

import contextlib
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partybuild.accounts.scoping import require_region_in_scope
from partybuild.core.evidence import check_evidence_upload
from partybuild.core.services import fmt, save_with_history
from partybuild.organisation.models import Branch, Pairing, SchoolBranch

from .models import Activity, ActivityEvidence


def require_activity_editor(acting_user) -> None:
    """Only committee staff and administrators record activities."""
    if not getattr(acting_user, "can_edit_structure", False):
        raise PermissionDenied(_("只有党委工作人员和系统管理员可以记录党建活动。"))


def _check_evidence(files) -> list[tuple]:
    """Check every file before anything is stored: one bad file rejects them all."""
    checked = []
    for uploaded in files:
        try:
            checked.append((uploaded, *check_evidence_upload(uploaded)))
        except ValidationError as error:
            raise ValidationError({"files": error.messages}) from error
    return checked


def _store_evidence(activity: Activity, checked, acting_user) -> list[ActivityEvidence]:
    stored = []
    try:
        for uploaded, content_type, extension in checked:
            evidence = ActivityEvidence(
                activity=activity, original_name=uploaded.name[:255],
                content_type=content_type, size=uploaded.size, uploaded_by=acting_user,
            )
            # Stored under the sniffed type's extension, never the one the user's name claims.
            evidence.file.save(f"evidence{extension}", uploaded, save=False)
            stored.append(evidence)
            evidence.save()
    except OSError as error:
        # A read-only or full media store: remove what this call wrote, and the ValidationError
        # rolls back the surrounding transaction, so nothing changes.
        for evidence in stored:
            if evidence.file.name:
                with contextlib.suppress(OSError):
                    evidence.file.storage.delete(evidence.file.name)
        raise ValidationError({"files": _(
            "佐证材料无法保存：服务器的文件存储不可写或空间已满。本次未作任何修改，"
            "请稍后重试或联系系统管理员。")}) from error
    return stored


def check_activity(*, branch: Branch, day: date, kind: str, title: str,
                    school_branch: SchoolBranch | None, exclude_pk: int | None = None) -> None:
    """The rules an activity must keep, each reported on the field the user can fix."""
    if day > timezone.localdate():
        raise ValidationError({"date": _("活动日期 %(day)s 晚于今天，不能记录未来的活动。")
                               % {"day": fmt(day)}})
    if not branch.is_active_on(day):
        raise ValidationError({"date": _(
            "支部“%(branch)s”在 %(day)s 不存续（成立于 %(founded)s，撤销于 %(dissolved)s），"
            "不能记录该日的活动。"
        ) % {"branch": branch.name, "day": fmt(day), "founded": fmt(branch.founded_on),
             "dissolved": fmt(branch.dissolved_on) if branch.dissolved_on else _("未撤销")}})
    if kind == Activity.Kind.PAIRING:
        if school_branch is None:
            raise ValidationError({"school_branch": _("结对共建活动须选择结对的学校支部。")})
        paired = Pairing.objects.holding_on(day).filter(branch=branch,
                                                        school_branch=school_branch)
        if not paired.exists():
            raise ValidationError({"school_branch": _(
                "“%(school)s”在 %(day)s 未与“%(branch)s”结对，不能记为结对共建活动。"
            ) % {"school": school_branch, "day": fmt(day), "branch": branch.name}})
    elif school_branch is not None:
        raise ValidationError({"school_branch": _("只有结对共建活动才填写结对学校支部。")})
    duplicate = Activity.objects.filter(branch=branch, date=day, title=title)
    if exclude_pk is not None:
        duplicate = duplicate.exclude(pk=exclude_pk)
    if duplicate.exists():
        raise ValidationError({"title": _(
            "“%(branch)s”在 %(day)s 已记录主题为“%(title)s”的活动。"
        ) % {"branch": branch.name, "day": fmt(day), "title": title}})


def _lock_branch(branch: Branch) -> Branch:
    """Lock the branch so that two concurrent records of the same activity cannot both pass."""
    return Branch.objects.select_related("committee__region").select_for_update(
        of=("self",)).get(pk=branch.pk)


@transaction.atomic
def activity_record(*, acting_user, branch: Branch, date: date, kind: str, title: str,
                    attendees: int | None = None, description: str = "",
                    school_branch: SchoolBranch | None = None, files=()) -> Activity:
    """Record a branch activity with its evidence files."""
    require_activity_editor(acting_user)
    branch = _lock_branch(branch)
    require_region_in_scope(acting_user, branch.committee.region, _("支部"))
    title = title.strip()
    check_activity(branch=branch, day=date, kind=kind, title=title,
                    school_branch=school_branch)
    checked = _check_evidence(files)
    activity = Activity(branch=branch, date=date, kind=kind, title=title, attendees=attendees,
                        description=description, school_branch=school_branch,
                        recorded_by=acting_user)
    save_with_history(activity, acting_user)
    _store_evidence(activity, checked, acting_user)
    return activity


@transaction.atomic
def activity_update(*, acting_user, activity: Activity, branch: Branch, date: date, kind: str,
                    title: str, attendees: int | None = None, description: str = "",
                    school_branch: SchoolBranch | None = None) -> Activity:
    """Correct an activity; the same rules as recording it apply to the new values."""
    require_activity_editor(acting_user)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    current = _lock_branch(activity.branch)
    require_region_in_scope(acting_user, current.committee.region, _("支部"))
    if branch.pk != current.pk:
        branch = _lock_branch(branch)
        require_region_in_scope(acting_user, branch.committee.region, _("支部"))
    else:
        branch = current
    title = title.strip()
    check_activity(branch=branch, day=date, kind=kind, title=title,
                    school_branch=school_branch, exclude_pk=activity.pk)
    activity.branch, activity.date, activity.kind, activity.title = branch, date, kind, title
    activity.attendees, activity.description = attendees, description
    activity.school_branch = school_branch
    save_with_history(activity, acting_user)
    return activity


@transaction.atomic
def activity_evidence_add(*, acting_user, activity: Activity, files) -> list[ActivityEvidence]:
    """Add evidence files (JPEG, PNG or PDF, up to 10 MB each) to an activity."""
    require_activity_editor(acting_user)
    activity = Activity.objects.select_related("branch__committee__region").get(pk=activity.pk)
    require_region_in_scope(acting_user, activity.branch.committee.region, _("支部"))
    if not files:
        raise ValidationError({"files": _("请选择要上传的文件。")})
    return _store_evidence(activity, _check_evidence(files), acting_user)
