"""Writes for visits, hazards and clues.

Instructors record what they did at the institutions they are assigned to; committee staff
and administrators may record on an instructor's behalf and review what was recorded;
reviewers only read. Every date is checked against today, the institution's operating
period and the instructor's assignment on that day before anything is saved.
"""

import datetime
import uuid
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partybuild.accounts.scoping import require_region_in_scope
from partybuild.core.evidence import check_evidence_upload
from partybuild.core.periods import holding_on_q
from partybuild.core.services import fmt, save_with_history, span
from partybuild.instructors.models import Assignment, Instructor
from partybuild.organisation.models import Institution

from .models import Clue, Hazard, HazardEvidence, Visit, VisitEvidence

ITEM_TEXTS = {
    "lesson": "lesson_topic",
    "policy": "policy_text",
    "hazard_check": "hazard_check_text",
    "ledger": "ledger_text",
    "case_talk": "case_talk_case",
}
VISIT_FIELDS = (*[name for pair in ITEM_TEXTS.items() for name in pair], "attendees", "notes")


# Who may write ---------------------------------------------------------------------------


def own_instructor(user) -> Instructor | None:
    """The instructor record linked to an instructor user, or None."""
    if not getattr(user, "is_instructor", False):
        return None
    return getattr(user, "instructor", None)


def may_record(user) -> bool:
    """Instructors with a record, committee staff and administrators record visits."""
    return getattr(user, "can_edit_structure", False) or own_instructor(user) is not None


def require_recorder(acting_user) -> None:
    if not may_record(acting_user):
        raise PermissionDenied(
            _("只有党建指导员、党委工作人员和系统管理员可以录入走访、隐患和线索。"))


def require_reviewer_of_records(acting_user, what: str) -> None:
    """Close-outs and clue reviews are decisions of committee staff and administrators."""
    if not getattr(acting_user, "can_edit_structure", False):
        raise PermissionDenied(_("只有党委工作人员和系统管理员可以%(what)s。") % {"what": what})


def require_may_change(acting_user, record) -> None:
    """Instructors change only their own records; staff only records in their regions."""
    require_recorder(acting_user)
    mine = own_instructor(acting_user)
    if mine is not None:
        if record.instructor_id != mine.pk:
            raise PermissionDenied(_("只能修改本人录入的记录。"))
        return
    require_region_in_scope(acting_user, record.institution.region, _("该记录"))


# Date rules ------------------------------------------------------------------------------


def check_not_future(day: datetime.date, field: str, label: str) -> None:
    today = timezone.localdate()
    if day > today:
        raise ValidationError(
            {field: _("%(label)s %(day)s 晚于今天（%(today)s），不能录入未来的日期。")
             % {"label": label, "day": fmt(day), "today": fmt(today)}})


def check_operating(institution: Institution, day: datetime.date, field: str) -> None:
    """The institution must be operating on the day: opened, and not closed before it."""
    if day < institution.opened_on:
        raise ValidationError({field: (
            _("机构“%(institution)s”于 %(opened)s 开办，%(day)s 尚未开办，不能录入。")
            % {"institution": institution.name, "opened": fmt(institution.opened_on),
               "day": fmt(day)}
        )})
    if institution.closed_on is not None and day > institution.closed_on:
        raise ValidationError({field: (
            _("机构“%(institution)s”已于 %(closed)s 停办，%(day)s 不在办学期间，不能录入。")
            % {"institution": institution.name, "closed": fmt(institution.closed_on),
               "day": fmt(day)}
        )})


def check_assigned(instructor: Instructor, institution: Institution, day: datetime.date,
                   field: str) -> None:
    """The instructor must hold an assignment to the institution on the day."""
    assignments = Assignment.objects.filter(instructor=instructor, institution=institution)
    if assignments.filter(holding_on_q(day)).exists():
        return
    periods = _("、").join(span(a.start, a.end) for a in assignments.order_by("start"))
    known = (_("其派驻期间为 %(periods)s。") % {"periods": periods} if periods
             else _("从未派驻到该机构。"))
    raise ValidationError({field: (
        _("指导员%(instructor)s在 %(day)s 没有派驻到机构“%(institution)s”，不能录入；%(known)s")
        % {"instructor": instructor.name, "day": fmt(day), "institution": institution.name,
           "known": known}
    )})


def assigned_instructor(institution: Institution, day: datetime.date) -> Instructor | None:
    """The instructor assigned to the institution on the day, if any."""
    assignment = (Assignment.objects.filter(holding_on_q(day), institution=institution)
                  .select_related("instructor").order_by("-start").first())
    return assignment.instructor if assignment else None


# Evidence --------------------------------------------------------------------------------


def checked_uploads(files: Iterable, field: str = "evidence") -> list[tuple]:
    """Check every uploaded file before any is stored; all problems are reported at once."""
    checked, problems = [], []
    for uploaded in files:
        try:
            content_type, extension = check_evidence_upload(uploaded)
        except ValidationError as error:
            problems.extend(error.error_list)
        else:
            checked.append((uploaded, content_type, extension))
    if problems:
        raise ValidationError({field: problems})
    return checked


def store_evidence(model, owner: dict, checked: Sequence[tuple], acting_user) -> list:
    """Save checked uploads under random names with the extension their content proves."""
    stored = []
    for uploaded, content_type, extension in checked:
        item = model(**owner, original_name=uploaded.name[-255:], content_type=content_type,
                     size=uploaded.size, uploaded_by=acting_user)
        item.file.save(f"evidence{extension}", uploaded, save=False)
        item.full_clean()
        item.save()
        stored.append(item)
    return stored


# Visits ----------------------------------------------------------------------------------


def check_visit(*, instructor: Instructor, institution: Institution, date: datetime.date,
                exclude_pk: int | None = None) -> None:
    """Every rule a visit must meet: past, operating, assigned, one a day."""
    check_not_future(date, "date", _("走访日期"))
    check_operating(institution, date, "date")
    check_assigned(instructor, institution, date, "date")
    same_day = Visit.objects.filter(instructor=instructor, institution=institution, date=date)
    existing = same_day.exclude(pk=exclude_pk).values_list("pk", flat=True).first()
    if existing is not None:
        # The code and the pk let the form link to the visit that is already there.
        raise ValidationError({"date": ValidationError(
            _("指导员%(instructor)s在 %(day)s 已有对“%(institution)s”的走访记录，"
              "请打开那条记录修改，不要重复录入。")
            % {"instructor": instructor.name, "day": fmt(date), "institution": institution.name},
            code="duplicate_visit", params={"pk": existing},
        )})


def apply_visit_fields(visit: Visit, fields: dict) -> None:
    for key, value in fields.items():
        if key not in VISIT_FIELDS:
            raise TypeError(f"unknown visit field {key}")
        setattr(visit, key, "" if value is None and key != "attendees" else value)
    # The text of an item not done would describe something that did not happen.
    for item, text in ITEM_TEXTS.items():
        if not getattr(visit, item):
            setattr(visit, text, "")


@transaction.atomic
def visit_record(*, acting_user, institution: Institution, date: datetime.date,
                 instructor: Instructor | None = None, evidence: Iterable = (),
                 hazards: Sequence[dict] = (), client_id: uuid.UUID | None = None,
                 **fields) -> Visit:
    """Record a visit; staff may record it for an instructor (recorded_by is the staff user).

    The hazards found on it (dicts of category, severity, description, deadline and
    optional photos) are recorded with it, all or nothing.
    """
    require_recorder(acting_user)
    mine = own_instructor(acting_user)
    if mine is not None:
        if instructor is not None and instructor.pk != mine.pk:
            raise PermissionDenied(_("只能录入本人的走访记录。"))
        instructor = mine
    else:
        require_region_in_scope(acting_user, institution.region, _("机构"))
        if instructor is None:
            instructor = assigned_instructor(institution, date)
            if instructor is None:
                raise ValidationError({"instructor": (
                    _("机构“%(institution)s”在 %(day)s 没有派驻指导员，请选择指导员。")
                    % {"institution": institution.name, "day": fmt(date)}
                )})
    check_visit(instructor=instructor, institution=institution, date=date)
    uploads = checked_uploads(evidence)
    visit = Visit(instructor=instructor, institution=institution, date=date,
                  recorded_by=acting_user, client_id=client_id)
    apply_visit_fields(visit, fields)
    if hazards and not visit.hazard_check:
        raise ValidationError({"hazard_check": _("记录发现的隐患时请勾选“排隐患”并填写排查内容。")})
    save_with_history(visit, acting_user)
    found = [hazard_with_visit(acting_user=acting_user, visit=visit, number=number, **hazard)
             for number, hazard in enumerate(hazards, start=1)]
    # Files last: a hazard refused above rolls the rows back, and leaves no stray file.
    store_evidence(VisitEvidence, {"visit": visit}, uploads, acting_user)
    for hazard, photos in found:
        store_evidence(HazardEvidence, {"hazard": hazard}, photos, acting_user)
    return visit


def hazard_with_visit(*, acting_user, visit: Visit, number: int, photos: Iterable = (),
                      **fields) -> tuple[Hazard, list[tuple]]:
    """A hazard found on the visit, recorded with it; its checked photos, to be stored."""
    try:
        hazard = hazard_record(acting_user=acting_user, institution=visit.institution,
                               found_on=visit.date, visit=visit, **fields)
        return hazard, checked_uploads(photos, "photos")
    except ValidationError as error:
        raise ValidationError({"hazards": [
            _("第 %(number)s 条隐患：%(message)s") % {"number": number, "message": message}
            for message in error.messages]}) from error


def visit_by_client_id(*, acting_user, client_id: uuid.UUID) -> Visit | None:
    """The visit this user's phone already created under the id, or None when there is none.

    An id that another user's visit carries is refused: it is no way into their records.
    """
    visit = (Visit.objects.select_related("institution", "instructor")
             .filter(client_id=client_id).first())
    if visit is None:
        return None
    if visit.recorded_by_id != acting_user.pk:
        raise ValidationError(_("该客户端编号已被其他用户的走访记录使用，不能重复提交。"))
    return visit


def visit_record_once(*, acting_user, client_id: uuid.UUID, **fields) -> tuple[Visit, bool]:
    """Record a visit sent from a phone's outbox at most once: (visit, True) when this call
    created it, (the stored visit, False) when an earlier send with the same id did.

    Retries on a flaky network, or the same outbox sent by two tabs at once, all land here;
    the unique client_id settles a race that both checks pass.
    """
    existing = visit_by_client_id(acting_user=acting_user, client_id=client_id)
    if existing is not None:
        return existing, False
    try:
        return visit_record(acting_user=acting_user, client_id=client_id, **fields), True
    except (IntegrityError, ValidationError):
        # A send of the same visit that committed meanwhile trips the unique client id, or
        # the one-visit-a-day rule first: either way the stored visit is the answer.
        existing = visit_by_client_id(acting_user=acting_user, client_id=client_id)
        if existing is None:
            raise
        return existing, False


@transaction.atomic
def visit_update(*, acting_user, visit: Visit, evidence: Iterable = (), **fields) -> Visit:
    """Correct a visit (own visits for instructors, visits in their regions for staff)."""
    visit = Visit.objects.select_for_update().select_related("institution__region").get(
        pk=visit.pk)
    require_may_change(acting_user, visit)
    institution = fields.pop("institution", visit.institution)
    date = fields.pop("date", visit.date)
    if own_instructor(acting_user) is None:
        require_region_in_scope(acting_user, institution.region, _("机构"))
    check_visit(instructor=visit.instructor, institution=institution, date=date,
                exclude_pk=visit.pk)
    uploads = checked_uploads(evidence)
    visit.institution, visit.date = institution, date
    apply_visit_fields(visit, fields)
    save_with_history(visit, acting_user)
    store_evidence(VisitEvidence, {"visit": visit}, uploads, acting_user)
    return visit


@transaction.atomic
def visit_evidence_add(*, acting_user, visit: Visit, files: Iterable) -> list[VisitEvidence]:
    """Attach more evidence files (photos, sign-in sheets) to a visit."""
    require_may_change(acting_user, visit)
    return store_evidence(VisitEvidence, {"visit": visit}, checked_uploads(files), acting_user)


# Hazards and clues -----------------------------------------------------------------------


def finding_instructor(*, acting_user, institution: Institution, day: datetime.date,
                       visit: Visit | None, field: str) -> Instructor | None:
    """Who found a hazard or clue: the visit's instructor, the acting one, or the assigned one."""
    require_recorder(acting_user)
    mine = own_instructor(acting_user)
    if visit is not None:
        if visit.institution_id != institution.pk:
            raise ValidationError(_("走访记录“%(visit)s”不是对机构“%(institution)s”的走访。")
                                  % {"visit": visit, "institution": institution.name})
        if mine is not None and visit.instructor_id != mine.pk:
            raise PermissionDenied(_("只能在本人的走访记录中录入。"))
    if mine is not None:
        check_assigned(mine, institution, day, field)
        return mine
    require_region_in_scope(acting_user, institution.region, _("机构"))
    if visit is not None:
        return visit.instructor
    return assigned_instructor(institution, day)


@transaction.atomic
def hazard_record(*, acting_user, institution: Institution, found_on: datetime.date,
                  category: str, severity: str, description: str, deadline: datetime.date,
                  visit: Visit | None = None, photos: Iterable = ()) -> Hazard:
    """Record a hazard found at an institution, from a visit or by staff, with photos of it."""
    instructor = finding_instructor(acting_user=acting_user, institution=institution,
                                    day=found_on, visit=visit, field="found_on")
    check_not_future(found_on, "found_on", _("发现日期"))
    check_operating(institution, found_on, "found_on")
    if deadline < found_on:
        raise ValidationError(
            {"deadline": _("整改期限 %(deadline)s 不能早于发现日期 %(found)s。")
             % {"deadline": fmt(deadline), "found": fmt(found_on)}})
    description = description.strip()
    if Hazard.objects.filter(institution=institution, found_on=found_on,
                             description=description).exists():
        raise ValidationError({"description": (
            _("机构“%(institution)s”在 %(day)s 已登记过描述相同的隐患，请勿重复录入。")
            % {"institution": institution.name, "day": fmt(found_on)}
        )})
    uploads = checked_uploads(photos, "photos")
    hazard = Hazard(institution=institution, visit=visit, instructor=instructor,
                    found_on=found_on, category=category, severity=severity,
                    description=description, deadline=deadline, recorded_by=acting_user)
    save_with_history(hazard, acting_user)
    store_evidence(HazardEvidence, {"hazard": hazard}, uploads, acting_user)
    return hazard


@transaction.atomic
def hazard_rectify(*, acting_user, hazard: Hazard, rectified_on: datetime.date,
                   rectification_note: str = "", evidence: Iterable = ()) -> Hazard:
    """Record (or correct) how and when a hazard was rectified, with evidence."""
    hazard = Hazard.objects.select_for_update().select_related("institution__region").get(
        pk=hazard.pk)
    require_may_change(acting_user, hazard)
    if hazard.closed_out_on is not None:
        raise ValidationError(_("该隐患已于 %(day)s 销号，不能再修改整改情况。")
                              % {"day": fmt(hazard.closed_out_on)})
    if rectified_on < hazard.found_on:
        raise ValidationError({"rectified_on": (
            _("整改完成日期 %(rectified)s 不能早于发现日期 %(found)s。")
            % {"rectified": fmt(rectified_on), "found": fmt(hazard.found_on)}
        )})
    check_not_future(rectified_on, "rectified_on", _("整改完成日期"))
    uploads = checked_uploads(evidence)
    hazard.rectified_on = rectified_on
    hazard.rectification_note = rectification_note.strip()
    save_with_history(hazard, acting_user)
    store_evidence(HazardEvidence, {"hazard": hazard}, uploads, acting_user)
    return hazard


@transaction.atomic
def hazard_close_out(*, acting_user, hazard: Hazard, on: datetime.date) -> Hazard:
    """Close out (销号) a rectified hazard after checking the rectification."""
    require_reviewer_of_records(acting_user, _("为隐患销号"))
    hazard = Hazard.objects.select_for_update().select_related("institution__region").get(
        pk=hazard.pk)
    require_region_in_scope(acting_user, hazard.institution.region, _("该隐患"))
    if hazard.closed_out_on is not None:
        raise ValidationError(_("该隐患已于 %(day)s 销号。") % {"day": fmt(hazard.closed_out_on)})
    if hazard.rectified_on is None:
        raise ValidationError(_("该隐患尚未登记整改完成，不能销号。"))
    if on < hazard.rectified_on:
        raise ValidationError({"on": (
            _("销号日期 %(day)s 不能早于整改完成日期 %(rectified)s。")
            % {"day": fmt(on), "rectified": fmt(hazard.rectified_on)}
        )})
    check_not_future(on, "on", _("销号日期"))
    hazard.closed_out_on = on
    hazard.closed_out_by = acting_user
    save_with_history(hazard, acting_user)
    return hazard


@transaction.atomic
def clue_record(*, acting_user, institution: Institution, date: datetime.date,
                description: str, visit: Visit | None = None) -> Clue:
    """Record a lead on a violation (线索) found at an institution."""
    instructor = finding_instructor(acting_user=acting_user, institution=institution,
                                    day=date, visit=visit, field="date")
    check_not_future(date, "date", _("日期"))
    check_operating(institution, date, "date")
    description = description.strip()
    if Clue.objects.filter(institution=institution, date=date,
                           description=description).exists():
        raise ValidationError({"description": (
            _("机构“%(institution)s”在 %(day)s 已登记过描述相同的线索，请勿重复录入。")
            % {"institution": institution.name, "day": fmt(date)}
        )})
    clue = Clue(institution=institution, visit=visit, instructor=instructor, date=date,
                description=description, recorded_by=acting_user)
    save_with_history(clue, acting_user)
    return clue


@transaction.atomic
def clue_review(*, acting_user, clue: Clue, substantiated: bool, enforcement: bool,
                reviewed_on: datetime.date) -> Clue:
    """Record whether a clue was substantiated and whether the instructor joined enforcement."""
    require_reviewer_of_records(acting_user, _("核查线索"))
    clue = Clue.objects.select_for_update().select_related("institution__region").get(pk=clue.pk)
    require_region_in_scope(acting_user, clue.institution.region, _("该线索"))
    if reviewed_on < clue.date:
        raise ValidationError({"reviewed_on": (
            _("核查日期 %(reviewed)s 不能早于线索日期 %(day)s。")
            % {"reviewed": fmt(reviewed_on), "day": fmt(clue.date)}
        )})
    check_not_future(reviewed_on, "reviewed_on", _("核查日期"))
    clue.substantiated = substantiated
    clue.enforcement = enforcement
    clue.reviewed_on = reviewed_on
    save_with_history(clue, acting_user)
    return clue
