"""Writes of the scoring app: rubrics, stored scores, inspections and red-list publication.

Every service takes the acting user, checks the role, works inside the user's scope and
raises ValidationError with a message the user can act on.
"""

import json
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from partybuild.accounts.models import User
from partybuild.accounts.scoping import user_may_see_region
from partybuild.core.services import save_with_history
from partybuild.organisation.models import Committee, Institution
from partybuild.organisation.scoping import institutions_visible_to
from partybuild.regions.models import Region

from .engine import InstitutionScore, score_institutions
from .finality import current_publication, frozen_institution_ids
from .models import (
    RUBRIC_FIELDS,
    Inspection,
    RedListEntry,
    RedListPublication,
    Rubric,
    RubricVersion,
    Score,
    YearEvent,
)
from .rubric import DEFAULT_RUBRIC, FIRST_YEAR, LAST_YEAR, year_in_range
from .selectors import ready_inspections

SECTIONS = ("conditions", "teaching", "finance", "safety")


# Who may do what ----------------------------------------------------------------------------


def is_admin(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active
                and user.role == User.Role.ADMIN)


def may_read_scores(user) -> bool:
    """Staff, reviewers and administrators read scores; instructors do not."""
    return bool(getattr(user, "is_authenticated", False) and user.can_view_structure)


def may_recompute(user) -> bool:
    return may_read_scores(user)


def may_review(user) -> bool:
    """Reviewers and administrators enter and finalise inspections."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active
                and user.role in {User.Role.REVIEWER, User.Role.ADMIN})


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _require_admin(acting_user) -> None:
    _require(is_admin(acting_user), _("只有系统管理员可以执行此操作。"))


def _require_reviewer(acting_user) -> None:
    _require(may_review(acting_user), _("只有年检评审人员和系统管理员可以填写年检。"))


# Rubrics ------------------------------------------------------------------------------------


def rubric_version_record(rubric: Rubric, acting_user) -> RubricVersion:
    """Snapshot the rubric's current version: what scores stored with it were computed with."""
    snapshot, _created = RubricVersion.objects.update_or_create(
        year=rubric.year, version=rubric.version,
        defaults={**{name: getattr(rubric, name) for name in RUBRIC_FIELDS},
                  "created_at": timezone.now(), "created_by": acting_user})
    return snapshot


def rubric_for_year(year: int, acting_user=None) -> Rubric:
    """The year's rubric for a write, created from the default of SCORING.md on first use
    (with its version 1 snapshot). Pages read with selectors.rubric_of_year, which never
    writes."""
    require_sane_year(year)
    rubric, created = Rubric.objects.get_or_create(
        year=year, defaults={name: getattr(DEFAULT_RUBRIC, name) for name in RUBRIC_FIELDS})
    if created:
        rubric_version_record(rubric, acting_user)
    return rubric


def require_sane_year(year: int) -> None:
    if not year_in_range(year):
        raise ValidationError(_("年度须在 %(first)d 到 %(last)d 之间。")
                              % {"first": FIRST_YEAR, "last": LAST_YEAR})


def _require_open_year(rubric: Rubric) -> None:
    if rubric.is_finalised:
        raise ValidationError(
            _("%(year)d 年度已于 %(when)s 定稿，评分细则和评分不能再修改。")
            % {"year": rubric.year,
               "when": timezone.localtime(rubric.finalised_at).strftime("%Y-%m-%d %H:%M")})


@transaction.atomic
def rubric_apply(*, acting_user, rubric: Rubric, values: dict) -> Rubric:
    """Set a year's points and thresholds: a new version (and its snapshot) when anything
    changed; refused for a finalised year or values that break the rules (maxima summing to
    100, ordered thresholds). No role check: rubric_update (pages) and the admin (its own
    permissions) both come through here, so every change makes a version."""
    rubric = Rubric.objects.select_for_update().get(
        pk=rubric_for_year(rubric.year, acting_user).pk)
    _require_open_year(rubric)
    changed = False
    for name, value in values.items():
        if name not in RUBRIC_FIELDS:
            raise ValidationError(_("未知的评分细则项目：%(name)s") % {"name": name})
        if Decimal(getattr(rubric, name)) != Decimal(value):
            setattr(rubric, name, value)
            changed = True
    if changed:
        rubric.version += 1
        save_with_history(rubric, acting_user)
        rubric_version_record(rubric, acting_user)
    return rubric


def rubric_update(*, acting_user, rubric: Rubric, values: dict) -> Rubric:
    """Change a year's points and thresholds (administrators); see rubric_apply."""
    _require_admin(acting_user)
    return rubric_apply(acting_user=acting_user, rubric=rubric, values=values)


def may_finalise_year(user) -> bool:
    """A year is one for the whole database: only an administrator of the top region (or a
    superuser) finalises or reopens it, never a county's administrator for the whole city."""
    if not is_admin(user):
        return False
    return bool(user.is_superuser or user.region_id is None or user.region.parent_id is None)


def _require_year_admin(acting_user, command: str) -> None:
    # From the shell the operator is trusted; on the web only a top-level administrator.
    if command:
        return
    _require(may_finalise_year(acting_user),
             _("年度定稿作用于全部机构，只有最高一级区划的系统管理员可以执行。"))


def year_is_over(year: int) -> bool:
    """Whether 31 December of the year has passed in Beijing (the site's time zone)."""
    return year < timezone.localdate().year


def _history_reason(text: str) -> str:
    # simple_history keeps the change reason in a 100-character column.
    return text if len(text) <= 100 else text[:99] + "…"


@dataclass(frozen=True)
class YearFinalised:
    rubric: Rubric
    scores: int
    red_list: int
    publication: RedListPublication


@transaction.atomic
def year_finalise(*, acting_user=None, year: int, command: str = "",
                  force_current_year: bool = False) -> YearFinalised:
    """Finalise a year: store every institution's score with the year's rubric, lock the
    rubric and the scores, and publish the year's red list.

    `command` is the command line when run from the shell (recorded when no user is named).
    Institutions whose inspection of the year is already finalised keep the score that
    inspection used: a final figure is never replaced by a later computation.
    Of two finalisations at once, one succeeds and the other is refused: the rubric row is
    locked (PostgreSQL) or the write transaction is taken at BEGIN (SQLite, IMMEDIATE).
    """
    _require_year_admin(acting_user, command)
    if not year_is_over(year) and not (force_current_year
                                       and year == timezone.localdate().year):
        raise ValidationError(
            _("%(year)d 年度尚未结束（今天是 %(today)s），不能定稿。")
            % {"year": year, "today": timezone.localdate().isoformat()})
    rubric = Rubric.objects.select_for_update().get(pk=rubric_for_year(year, acting_user).pk)
    _require_open_year(rubric)
    now = timezone.now()
    # Compare-and-set: whatever the database's locking, only one finaliser changes the row.
    if not Rubric.objects.filter(pk=rubric.pk, finalised_at__isnull=True).update(
            finalised_at=now, finalised_by=acting_user):
        _require_open_year(Rubric.objects.get(pk=rubric.pk))
    rubric.refresh_from_db()
    rubric._change_reason = _history_reason(command or _("年度定稿"))
    save_with_history(rubric, acting_user)

    institutions = Institution.objects.all()
    _store(year=year, institutions=institutions, rubric=rubric, acting_user=acting_user)
    scores = Score.objects.filter(year=year)
    publication = _publish_if_changed(
        year=year, scores=scores, acting_user=acting_user, body=_publishing_body(None),
        rubric=rubric, reason=_("年度定稿"))
    count = scores.count()
    on_list = publication.entries.count()
    YearEvent.objects.create(year=year, kind=YearEvent.Kind.FINALISED, at=now,
                             user=acting_user, command=command if acting_user is None else "",
                             scores=count, red_list=on_list)
    return YearFinalised(rubric=rubric, scores=count, red_list=on_list,
                         publication=publication)


@transaction.atomic
def year_reopen(*, acting_user, year: int, reason: str, command: str = "") -> Rubric:
    """Reopen a finalised year (with a written reason): its rubric and scores may change
    again; the published red list stays until a new finalisation or correction replaces it."""
    _require_year_admin(acting_user, command)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("重新打开年度须填写理由。")})
    rubric = Rubric.objects.select_for_update().filter(year=year).first()
    if rubric is None or not rubric.is_finalised:
        raise ValidationError(_("%(year)d 年度尚未定稿，无需重新打开。") % {"year": year})
    rubric.finalised_at = None
    rubric.finalised_by = None
    rubric._change_reason = _history_reason(_("重新打开：%(reason)s") % {"reason": reason})
    save_with_history(rubric, acting_user)
    YearEvent.objects.create(year=year, kind=YearEvent.Kind.REOPENED, at=timezone.now(),
                             user=acting_user, command=command if acting_user is None else "",
                             reason=reason)
    return rubric


# Stored scores ------------------------------------------------------------------------------


SCORE_COLUMNS = ("institution_id", "year", "rubric_version", "months_in_scope", "coverage",
                 "charter", "four_ones", "activities", "hazards", "red_points", "deductions",
                 "total", "grade", "red_list", "computed_at")
# How each database reads the JSON array of one score (in SCORE_COLUMNS order; the year, the
# rubric version and computed_at are parameters of the statement, the same for every row).
_JSON_ROW = {
    "sqlite": ("json_extract(value, '$[0]')", "%s", "%s", "json_extract(value, '$[1]')",
               *(f"json_extract(value, '$[{index}]')" for index in range(2, 12)), "%s"),
    "postgresql": ("(value->>0)::integer", "%s", "%s", "(value->>1)::integer",
                   *(f"(value->>{index})::numeric" for index in range(2, 10)),
                   "value->>10", "(value->>11)::boolean", "%s"),
}
_JSON_ROWS = {"sqlite": "json_each(%s)", "postgresql": "jsonb_array_elements(%s::jsonb)"}


def _score_row(score: InstitutionScore, version: int, now) -> Score:
    return Score(
        institution_id=score.institution_id, year=score.year, rubric_version=version,
        months_in_scope=score.months_in_scope, coverage=score.coverage, charter=score.charter,
        four_ones=score.four_ones, activities=score.activities, hazards=score.hazards,
        red_points=score.red_points, deductions=score.deductions, total=score.total,
        grade=score.grade, red_list=score.red_list, computed_at=now,
    )


def _insert_scores(scores: list[InstitutionScore], *, year: int, version: int, now) -> None:
    """Insert the scores with one statement whatever their number: INSERT … SELECT from one
    JSON parameter (bulk_create needs an INSERT per 66 rows on SQLite, whose statements
    take at most 999 parameters). The values are the ones bulk_create would write: the
    points as their two-decimal text, which each database reads as it reads bulk_create's."""
    vendor = connection.vendor
    if not scores:
        return
    if vendor not in _JSON_ROW:
        Score.objects.bulk_create([_score_row(score, version, now) for score in scores])
        return
    rows = json.dumps([
        [score.institution_id, score.months_in_scope, str(score.coverage), str(score.charter),
         str(score.four_ones), str(score.activities), str(score.hazards),
         str(score.red_points), str(score.deductions), str(score.total), score.grade,
         score.red_list]
        for score in scores])
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in SCORE_COLUMNS)
    computed_at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(Score._meta.db_table)} ({columns}) "
            f"SELECT {', '.join(_JSON_ROW[vendor])} FROM {_JSON_ROWS[vendor]}",
            [year, version, computed_at, rows])


def scoped_institutions(acting_user, region: Region | None = None) -> QuerySet[Institution]:
    """The institutions a recompute by this user touches: their scope, narrowed to a region."""
    institutions = institutions_visible_to(acting_user)
    if region is not None:
        if not user_may_see_region(acting_user, region):
            raise ValidationError(_("该区划不在您管辖的范围内。"))
        institutions = institutions.filter(region__path__startswith=region.path)
    return institutions


@transaction.atomic
def scores_store(*, year: int, institutions: QuerySet[Institution], rubric: Rubric,
                 acting_user=None) -> list[InstitutionScore]:
    """Score the institutions with the year's rubric and store the results, replacing old ones.

    No permission check: callers decide who may run it (the pages check the user; the
    annual_scores command runs as the system). Refuses a finalised year. Institutions whose
    inspection of the year is finalised keep their stored score (the one the inspection
    used); the returned list leaves them out.
    """
    _require_open_year(rubric)
    return _store(year=year, institutions=institutions, rubric=rubric, acting_user=acting_user)


def _store(*, year: int, institutions: QuerySet[Institution], rubric: Rubric,
           acting_user) -> list[InstitutionScore]:
    institutions = institutions.exclude(pk__in=frozen_institution_ids(year))
    scores = score_institutions(institutions=institutions, year=year, rubric=rubric.values())
    now = timezone.now()
    # An institution that lost its last month in scope must lose its stale score too.
    Score.objects.filter(year=year, institution__in=institutions.values("pk")).delete()
    _insert_scores(scores, year=year, version=rubric.version, now=now)
    _open_inspections_follow(year=year, institutions=institutions, acting_user=acting_user)
    return scores


def _open_inspections_follow(*, year: int, institutions: QuerySet[Institution],
                             acting_user) -> None:
    """Open inspections take the new computed figure, each change with a history entry;
    finalised ones keep theirs."""
    open_inspections = Inspection.objects.filter(
        year=year, finalised_at__isnull=True, institution__in=institutions.values("pk"),
    ).annotate(new_total=Subquery(
        Score.objects.filter(year=year, institution=OuterRef("institution")).values("total")[:1]
    ))
    changed = [inspection for inspection in open_inspections
               if inspection.party_building_computed != inspection.new_total]
    if not changed:
        return
    for inspection in changed:
        inspection.party_building_computed = inspection.new_total
    Inspection.objects.bulk_update(changed, ["party_building_computed"], batch_size=500)
    Inspection.history.bulk_history_create(
        changed, default_user=acting_user, default_change_reason=_("重新计算党建评分"))


@transaction.atomic
def scores_recompute(*, acting_user, year: int, region: Region | None = None,
                     institution: Institution | None = None) -> int:
    """Recompute and store the year's scores of the institutions in scope; returns how many.

    Set-based: the engine's fixed queries, one delete and one bulk insert, whatever the
    number of institutions. `institution` narrows the run to one (its score page).
    """
    _require(may_recompute(acting_user),
             _("只有党委工作人员、年检评审人员和系统管理员可以重新计算评分。"))
    rubric = rubric_for_year(year, acting_user)
    _require_open_year(rubric)
    scoped = scoped_institutions(acting_user, region)
    if institution is not None:
        if frozen_institution_ids(year).filter(institution_id=institution.pk).exists():
            raise ValidationError(
                _("“%(name)s” %(year)d 年度的年检已定稿，其党建评分不再重新计算。")
                % {"name": institution.name, "year": year})
        scoped = scoped.filter(pk=institution.pk)
    return len(scores_store(year=year, institutions=scoped, rubric=rubric,
                            acting_user=acting_user))


# Annual inspections ---------------------------------------------------------------------------


def _stored_total(institution: Institution, year: int) -> Decimal | None:
    return (Score.objects.filter(institution=institution, year=year)
            .values_list("total", flat=True).first())


def _require_editable(inspection: Inspection) -> None:
    if inspection.is_finalised:
        raise ValidationError(_("该年检已定稿，不能修改；如需修改，请系统管理员重新打开。"))


def _locked(inspection: Inspection) -> Inspection:
    return Inspection.objects.select_for_update().get(pk=inspection.pk)


@transaction.atomic
def inspection_get_or_create(*, acting_user, institution: Institution, year: int) -> Inspection:
    """The institution's inspection of the year; the party-building section takes the score."""
    _require_reviewer(acting_user)
    _require(user_may_see_region(acting_user, institution.region),
             _("该机构不在您管辖的区划内。"))
    inspection = Inspection.objects.filter(institution=institution, year=year).first()
    if inspection is None:
        inspection = Inspection(institution=institution, year=year,
                                party_building_computed=_stored_total(institution, year))
        save_with_history(inspection, acting_user)
    return inspection


@transaction.atomic
def inspection_adjust_party_building(*, acting_user, inspection: Inspection,
                                     adjusted: Decimal | None, reason: str) -> Inspection:
    """Adjust the party-building section (复核); both figures are kept. None removes it."""
    _require_reviewer(acting_user)
    inspection = _locked(inspection)
    _require_editable(inspection)
    reason = (reason or "").strip()
    if adjusted is not None and not reason:
        raise ValidationError({"reason": _("调整党建工作得分须填写复核理由。")})
    inspection.party_building_adjusted = adjusted
    inspection.adjustment_reason = reason if adjusted is not None else ""
    save_with_history(inspection, acting_user)
    return inspection


@transaction.atomic
def inspection_enter_section(*, acting_user, inspection: Inspection, section: str,
                             score: Decimal, comment: str = "") -> Inspection:
    """Enter one of the four reviewer sections: 0–100 with a comment."""
    _require_reviewer(acting_user)
    if section not in SECTIONS:
        raise ValidationError(_("未知的年检项目：%(section)s") % {"section": section})
    inspection = _locked(inspection)
    _require_editable(inspection)
    if score is None or not Decimal(0) <= Decimal(score) <= Decimal(100):
        raise ValidationError({"score": _("得分须在 0 到 100 之间。")})
    setattr(inspection, section, score)
    setattr(inspection, f"{section}_comment", (comment or "").strip())
    save_with_history(inspection, acting_user)
    return inspection


def _breakdown(inspection: Inspection) -> dict:
    """The stored score's items and the engine's explanation, as plain JSON."""
    stored = Score.objects.filter(institution=inspection.institution_id,
                                  year=inspection.year).first()
    if stored is None:
        return {}
    rubric = rubric_for_year(inspection.year)
    live = score_institutions(institutions=Institution.objects.filter(pk=inspection.institution_id),
                              year=inspection.year, rubric=rubric.values())
    items = {name: str(getattr(stored, name)) for name in (
        "coverage", "charter", "four_ones", "activities", "hazards", "red_points",
        "deductions", "total")}
    breakdown = {"rubric_version": stored.rubric_version, "grade": stored.grade,
                 "red_list": stored.red_list, "months_in_scope": stored.months_in_scope,
                 "computed_at": stored.computed_at.isoformat(), "items": items}
    if live:
        explanation = live[0]
        breakdown["explanation"] = {
            "months": explanation.months,
            "covered_months": explanation.covered_months,
            "covering_branch_by_month": {str(k): v for k, v in
                                         explanation.covering_branch_by_month.items()},
            "items_by_month": {str(k): v for k, v in explanation.items_by_month.items()},
            "activities_counted": explanation.activities_counted,
            "hazards_found": explanation.hazards_found,
            "hazards_on_time": explanation.hazards_on_time,
            "points_sum": str(explanation.points_sum),
            "substantiated_clues": explanation.substantiated_clues,
        }
    return breakdown


def _already_finalised(pk: int) -> ValidationError:
    current = Inspection.objects.select_related("finalised_by").get(pk=pk)
    when = timezone.localtime(current.finalised_at).strftime("%Y-%m-%d %H:%M")
    return ValidationError(_("该年检已由%(user)s于 %(when)s 定稿。")
                           % {"user": current.finalised_by or _("他人"), "when": when})


@transaction.atomic
def inspection_finalise(*, acting_user, inspection: Inspection) -> Inspection:
    """Lock the inspection and freeze the party-building breakdown it used.

    A compare-and-set on finalised_at: of two reviewers finalising at once, one succeeds
    and the other is told who finalised it first.
    """
    _require_reviewer(acting_user)
    pk = inspection.pk
    # On PostgreSQL the row lock makes the second finaliser wait for the first to commit.
    Inspection.objects.select_for_update().filter(pk=pk).first()
    rubric = rubric_for_year(inspection.year)
    if _stored_total(inspection.institution, inspection.year) is None and not rubric.is_finalised:
        # The finalised inspection must rest on a stored score that then never changes.
        _store(year=inspection.year, institutions=Institution.objects.filter(
            pk=inspection.institution_id), rubric=rubric, acting_user=acting_user)
    computed = _stored_total(inspection.institution, inspection.year)
    updated = Inspection.objects.filter(pk=pk, finalised_at__isnull=True).update(
        finalised_at=timezone.now(), finalised_by=acting_user,
        party_building_computed=computed, breakdown=_breakdown(inspection))
    if updated == 0:
        raise _already_finalised(pk)
    finalised = Inspection.objects.get(pk=pk)
    # update() bypasses the history; saving the same values records who finalised it.
    save_with_history(finalised, acting_user)
    return finalised


@transaction.atomic
def inspections_finalise_ready(*, acting_user, year: int, region: Region | None = None
                               ) -> list[Inspection]:
    """Finalise every open inspection of the year with all five sections entered (待定稿),
    in the user's scope or the region chosen: the reviewer's one confirmed step. All or
    nothing: if another reviewer finalised one meanwhile, nothing is finalised and the
    message says who did."""
    _require_reviewer(acting_user)
    if region is not None and not user_may_see_region(acting_user, region):
        raise ValidationError(_("该区划不在您管辖的范围内。"))
    return [inspection_finalise(acting_user=acting_user, inspection=inspection)
            for inspection in ready_inspections(user=acting_user, year=year, region=region)]


@transaction.atomic
def inspection_reopen(*, acting_user, inspection: Inspection, reason: str) -> Inspection:
    """Reopen a finalised inspection (administrators only, with a reason)."""
    _require_admin(acting_user)
    inspection = _locked(inspection)
    if not inspection.is_finalised:
        raise ValidationError(_("该年检尚未定稿，无需重新打开。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("重新打开年检须填写理由。")})
    inspection.finalised_at = None
    inspection.finalised_by = None
    inspection.reopen_reason = reason
    save_with_history(inspection, acting_user)
    return inspection


# The red list -------------------------------------------------------------------------------


def red_list_criteria(rubric: Rubric) -> str:
    """The conditions of SCORING.md with the year's threshold, as the publication states them."""
    return _("党建总分不低于 %(minimum)s 分；本年度无查实的违规线索；每个计分月份均有党支部覆盖；"
             "12 月 31 日无逾期未整改的隐患（%(year)d 年度评分细则第 %(version)d 版）。") % {
        "minimum": rubric.red_list_from, "year": rubric.year, "version": rubric.version}


def _publishing_body(acting_user) -> str:
    """Who publishes: the education work committee of the user's (or the top) region."""
    region = getattr(acting_user, "region", None) if acting_user is not None else None
    if region is None:
        roots = list(Region.objects.filter(parent__isnull=True)[:2])
        region = roots[0] if len(roots) == 1 else None
    if region is None:
        return _("全部区划")
    committee = (Committee.objects.filter(region=region,
                                          level=Committee.Level.WORK_COMMITTEE)
                 .order_by("name").first())
    return committee.name if committee else region.name


def _publish(*, year: int, scores: QuerySet[Score], acting_user, body: str, rubric: Rubric,
             reason: str = "") -> RedListPublication:
    on_list = scores.filter(red_list=True).select_related("institution__region")
    latest = current_publication(year)
    publication = RedListPublication.objects.create(
        year=year, version=latest.version + 1 if latest else 1, published_at=timezone.now(),
        published_by=acting_user, region_name=body, criteria=red_list_criteria(rubric),
        reason=reason if latest else "")
    RedListEntry.objects.bulk_create([
        RedListEntry(publication=publication, institution=score.institution,
                     name=score.institution.name, credit_code=score.institution.credit_code,
                     category=score.institution.get_category_display(),
                     region_name=score.institution.region.name, total=score.total)
        for score in on_list
    ])
    return publication


def _publish_if_changed(*, year: int, scores: QuerySet[Score], acting_user, body: str,
                        rubric: Rubric, reason: str) -> RedListPublication:
    """Publish the year's list unless the current version already lists exactly these."""
    latest = current_publication(year)
    if latest is not None:
        published = set(latest.entries.values_list("institution_id", flat=True))
        wanted = set(scores.filter(red_list=True).values_list("institution_id", flat=True))
        if published == wanted:
            return latest
    return _publish(year=year, scores=scores, acting_user=acting_user, body=body,
                    rubric=rubric, reason=reason)


@transaction.atomic
def red_list_publish(*, acting_user, year: int, reason: str = "") -> RedListPublication:
    """Publish the year's red list: a snapshot of the stored scores on the list, in scope.

    The first publication is version 1; once published, only a correction with a written
    reason publishes the next version (the earlier ones stay visible).
    """
    _require_admin(acting_user)
    rubric = rubric_for_year(year)
    # Serialise publishers of one year: the version number must not be taken twice.
    Rubric.objects.select_for_update().filter(pk=rubric.pk).first()
    reason = (reason or "").strip()
    if current_publication(year) is not None and not reason:
        raise ValidationError(
            _("%(year)d 年度红名单已经发布，不能重复发布；如需更正，请填写理由发布新版本。")
            % {"year": year})
    scores = Score.objects.filter(year=year, institution__in=institutions_visible_to(acting_user))
    return _publish(year=year, scores=scores, acting_user=acting_user,
                    body=_publishing_body(acting_user), rubric=rubric, reason=reason)
