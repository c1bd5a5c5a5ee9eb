"""Writes to branches and their coverage: create, cover, dissolve, merge."""

from datetime import date
from itertools import combinations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from partybuild.accounts.scoping import require_region_in_scope
from partybuild.core.periods import close_period, periods_overlap, refuse_overlap, validate_period
from partybuild.core.services import fmt, require_structure_editor, save_with_history, span

from ..models import Branch, Committee, Coverage, Institution, Membership, Pairing
from .common import ONE_DAY, check_within_branch_life, lock
from .members import membership_start
from .pairings import pairing_create


@transaction.atomic
def branch_create(*, acting_user, name: str, kind: str, committee: Committee,
                  founded_on: date) -> Branch:
    """Found a branch under a committee of the acting user's region."""
    require_structure_editor(acting_user)
    require_region_in_scope(acting_user, committee.region, _("上级党委"))
    branch = Branch(name=name, kind=kind, committee=committee, founded_on=founded_on)
    save_with_history(branch, acting_user)
    return branch


@transaction.atomic
def branch_update(*, acting_user, branch: Branch, name: str, kind: str,
                  committee: Committee) -> Branch:
    """Rename a branch, change its kind or its committee (dates change through restructuring)."""
    require_structure_editor(acting_user)
    branch = lock(Branch, branch.pk)
    require_region_in_scope(acting_user, branch.committee.region, _("该支部"))
    require_region_in_scope(acting_user, committee.region, _("上级党委"))
    if kind == Branch.Kind.STANDALONE and branch.kind != kind:
        _check_standalone_covers_one(branch, branch.founded_on, branch.dissolved_on)
    branch.name, branch.kind, branch.committee = name, kind, committee
    save_with_history(branch, acting_user)
    return branch


def _check_standalone_covers_one(branch: Branch, start: date, end: date | None,
                                 adding: Institution | None = None) -> None:
    others = list(Coverage.objects.filter(branch=branch).overlapping(start, end)
                  .select_related("institution"))
    if adding is not None:
        institutions = {c.institution for c in others} | {adding}
    else:
        # Coverage of different institutions one after the other is fine; only a shared day
        # breaks the rule.
        institutions = {
            covered.institution
            for a, b in combinations(others, 2)
            if a.institution_id != b.institution_id
            and periods_overlap(a.start, a.end, b.start, b.end)
            for covered in (a, b)
        }
    if len(institutions) > 1:
        names = _("、").join(sorted(i.name for i in institutions))
        raise ValidationError(
            _("单独党支部“%(branch)s”同一天只能覆盖一家机构，在 %(period)s 期间会同时覆盖："
              "%(names)s。请改用联合党支部。")
            % {"branch": branch.name, "period": span(start, end), "names": names}
        )


def _check_institution_not_covered_elsewhere(institution: Institution, start: date,
                                             end: date | None) -> None:
    refuse_overlap(
        Coverage.objects.filter(institution=institution).select_related("branch"), start, end,
        lambda clash: _("机构“%(institution)s”在 %(period)s 已由“%(branch)s”覆盖，"
                        "同一天只能由一个支部覆盖。请先结束原覆盖。")
        % {"institution": institution.name, "period": span(clash.start, clash.end),
           "branch": clash.branch.name},
    )


@transaction.atomic
def coverage_add(*, acting_user, branch: Branch, institution: Institution, start: date,
                 end: date | None = None) -> Coverage:
    """Start covering an institution by a branch from a date."""
    require_structure_editor(acting_user)
    branch = lock(Branch, branch.pk)
    institution = lock(Institution, institution.pk)
    require_region_in_scope(acting_user, branch.committee.region, _("支部"))
    require_region_in_scope(acting_user, institution.region, _("机构"))
    validate_period(start, end)
    check_within_branch_life(branch, start, end, pgettext("period noun", "覆盖"))
    _check_institution_not_covered_elsewhere(institution, start, end)
    if branch.kind == Branch.Kind.STANDALONE:
        _check_standalone_covers_one(branch, start, end, adding=institution)
    coverage = Coverage(branch=branch, institution=institution, start=start, end=end)
    save_with_history(coverage, acting_user)
    return coverage


@transaction.atomic
def coverage_end(*, acting_user, coverage: Coverage, on: date) -> Coverage:
    """End a coverage period; `on` is the last day the branch covers the institution."""
    require_structure_editor(acting_user)
    coverage = lock(Coverage, coverage.pk)
    require_region_in_scope(acting_user, coverage.branch.committee.region, _("该支部"))
    close_period(coverage, on, pgettext("period noun", "覆盖"))
    save_with_history(coverage, acting_user)
    return coverage


def _end_periods_of_branch(branch: Branch, on: date, acting_user) -> None:
    """End every coverage, membership and pairing of the branch still holding after `on`."""
    for model, label in ((Coverage, pgettext("periods", "覆盖")),
                         (Membership, pgettext("periods", "党员组织关系")),
                         (Pairing, pgettext("periods", "结对共建"))):
        later = model.objects.filter(branch=branch, start__gt=on)
        if later.exists():
            raise ValidationError(
                _("支部“%(branch)s”有 %(day)s 之后才开始的%(periods)s，请先调整后再撤销。")
                % {"branch": branch.name, "day": fmt(on), "periods": label}
            )
        for period in model.objects.filter(branch=branch).overlapping(on + ONE_DAY, None):
            period.end = on
            save_with_history(period, acting_user)


@transaction.atomic
def branch_dissolve(*, acting_user, branch: Branch, on: date) -> Branch:
    """Dissolve a branch; its coverage, memberships and pairings end on the same day."""
    require_structure_editor(acting_user)
    branch = lock(Branch, branch.pk)
    require_region_in_scope(acting_user, branch.committee.region, _("该支部"))
    if branch.dissolved_on is not None:
        raise ValidationError(_("支部“%(branch)s”已于 %(day)s 撤销。")
                              % {"branch": branch.name, "day": fmt(branch.dissolved_on)})
    if on < branch.founded_on:
        raise ValidationError(
            _("撤销日期 %(day)s 不能早于成立日期 %(founded)s。")
            % {"day": fmt(on), "founded": fmt(branch.founded_on)}
        )
    _end_periods_of_branch(branch, on, acting_user)
    branch.dissolved_on = on
    save_with_history(branch, acting_user)
    return branch


@transaction.atomic
def branch_merge(*, acting_user, source: Branch, target: Branch, on: date) -> Branch:
    """Merge `source` into `target` from day `on`: coverage, members and pairings move.

    The source branch's last day is the day before `on`; from `on` the target holds them.
    """
    require_structure_editor(acting_user)
    if source.pk == target.pk:
        raise ValidationError(_("不能把支部合并到它自己。"))
    source, target = lock(Branch, source.pk), lock(Branch, target.pk)
    require_region_in_scope(acting_user, source.committee.region, _("被合并支部"))
    require_region_in_scope(acting_user, target.committee.region, _("目标支部"))
    last_day = on - ONE_DAY
    if not source.is_active_on(last_day) or not source.is_active_on(on):
        raise ValidationError(_("被合并支部“%(branch)s”在 %(day)s 前后须处于存续状态。")
                              % {"branch": source.name, "day": fmt(on)})
    if not target.is_active_on(on):
        raise ValidationError(_("目标支部“%(branch)s”在 %(day)s 未处于存续状态。")
                              % {"branch": target.name, "day": fmt(on)})

    moving_coverage = list(Coverage.objects.filter(branch=source).holding_on(on)
                           .select_related("institution"))
    if target.kind == Branch.Kind.STANDALONE:
        _check_standalone_covers_one(
            target, on, None,
            adding=moving_coverage[0].institution if len(moving_coverage) == 1 else None,
        )
        if len(moving_coverage) > 1:
            raise ValidationError(
                _("目标支部“%(branch)s”是单独党支部，不能接收多家机构，请改为联合党支部后再合并。")
                % {"branch": target.name}
            )
    moving_members = list(Membership.objects.filter(branch=source).holding_on(on))
    moving_pairings = list(Pairing.objects.filter(branch=source).holding_on(on))

    branch_dissolve(acting_user=acting_user, branch=source, on=last_day)
    for old in moving_coverage:
        coverage_add(acting_user=acting_user, branch=target, institution=old.institution,
                     start=on, end=old.end)
    for old in moving_members:
        membership_start(acting_user=acting_user, member=old.member, branch=target, start=on,
                          end=old.end, employer=old.employer, is_secretary=False)
    for old in moving_pairings:
        pairing_create(acting_user=acting_user, branch=target, school_branch=old.school_branch,
                       start=on, end=old.end)
    return target
