"""Writes for instructors and their assignments (派驻)."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from partybuild.accounts.scoping import require_region_in_scope
from partybuild.core.periods import close_period, refuse_overlap, validate_period
from partybuild.core.services import fmt, require_structure_editor, save_with_history, span
from partybuild.organisation.models import Institution

from .models import Assignment, Instructor

INSTRUCTOR_FIELDS = ("number", "name", "source_type", "source_org", "title", "phone",
                     "phone_publish_consent", "region")


@transaction.atomic
def instructor_create(*, acting_user, **fields) -> Instructor:
    """Register an instructor selected from the bureau or a public school."""
    require_structure_editor(acting_user)
    if fields.get("region") is not None:
        require_region_in_scope(acting_user, fields["region"], _("所属区划"))
    instructor = Instructor(**{k: v for k, v in fields.items() if k in INSTRUCTOR_FIELDS})
    save_with_history(instructor, acting_user)
    return instructor


@transaction.atomic
def instructor_update(*, acting_user, instructor: Instructor, **fields) -> Instructor:
    """Edit an instructor's record."""
    require_structure_editor(acting_user)
    instructor = Instructor.objects.select_for_update().get(pk=instructor.pk)
    if instructor.region is not None:
        require_region_in_scope(acting_user, instructor.region, _("该指导员"))
    for key, value in fields.items():
        if key not in INSTRUCTOR_FIELDS:
            raise TypeError(f"unknown instructor field {key}")
        setattr(instructor, key, value)
    if instructor.region is not None:
        require_region_in_scope(acting_user, instructor.region, _("所属区划"))
    save_with_history(instructor, acting_user)
    return instructor


@transaction.atomic
def assignment_create(*, acting_user, instructor: Instructor, institution: Institution,
                      start: date, end: date | None = None) -> Assignment:
    """Assign an instructor to an institution; each institution has one instructor at a time."""
    require_structure_editor(acting_user)
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    require_region_in_scope(acting_user, institution.region, _("机构"))
    validate_period(start, end)
    if institution.closed_on is not None and start > institution.closed_on:
        raise ValidationError(_("机构“%(institution)s”已于 %(day)s 停办。")
                              % {"institution": institution.name,
                                 "day": fmt(institution.closed_on)})
    refuse_overlap(
        Assignment.objects.filter(institution=institution).select_related("instructor"),
        start, end,
        lambda clash: _("机构“%(institution)s”在 %(period)s 已由指导员%(instructor)s负责。"
                        "请使用“更换指导员”。")
        % {"institution": institution.name, "period": span(clash.start, clash.end),
           "instructor": clash.instructor.name},
    )
    assignment = Assignment(instructor=instructor, institution=institution, start=start, end=end)
    save_with_history(assignment, acting_user)
    return assignment


@transaction.atomic
def assignment_end(*, acting_user, assignment: Assignment, on: date) -> Assignment:
    """End an assignment; `on` is the instructor's last day at the institution."""
    require_structure_editor(acting_user)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    require_region_in_scope(acting_user, assignment.institution.region, _("机构"))
    close_period(assignment, on, pgettext("period noun", "派驻"))
    save_with_history(assignment, acting_user)
    return assignment


@transaction.atomic
def assignment_reassign(*, acting_user, institution: Institution, instructor: Instructor,
                        on: date) -> Assignment:
    """Rotate an institution to a new instructor (轮换); the old one ends the day before `on`."""
    require_structure_editor(acting_user)
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    require_region_in_scope(acting_user, institution.region, _("机构"))
    current = Assignment.objects.filter(institution=institution).holding_on(on).first()
    if current is not None:
        if current.instructor_id == instructor.pk:
            raise ValidationError(_("%(instructor)s在 %(day)s 已负责该机构。")
                                  % {"instructor": instructor.name, "day": fmt(on)})
        if current.start >= on:
            raise ValidationError(_("更换日期须晚于当前派驻的开始日期 %(start)s。")
                                  % {"start": fmt(current.start)})
        assignment_end(acting_user=acting_user, assignment=current, on=on - timedelta(days=1))
    return assignment_create(acting_user=acting_user, instructor=instructor,
                             institution=institution, start=on)
