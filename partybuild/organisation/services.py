"""Writes to the organisation structure. Each service is atomic and validates first.

History is never overwritten: restructuring ends periods and starts new ones on a date.
"""

from datetime import date, timedelta
from itertools import combinations

from django.core.exceptions import ValidationError
from django.db import transaction

from partybuild.accounts.scoping import region_path, require_region_in_scope
from partybuild.core.periods import overlapping_q, periods_overlap
from partybuild.core.services import fmt, require_structure_editor, save_with_history, span
from partybuild.regions.paths import moved_path, region_path_for

from .models import (
    Branch,
    Committee,
    Coverage,
    Institution,
    Member,
    Membership,
    Pairing,
    Region,
    SchoolBranch,
)
from .scoping import members_visible_to

ONE_DAY = timedelta(days=1)


def _check_period(start: date, end: date | None) -> None:
    if end is not None and end < start:
        raise ValidationError(f"结束日期 {fmt(end)} 不能早于开始日期 {fmt(start)}。")


def _lock(model, pk):
    """Lock a row for the rest of the transaction so concurrent checks cannot both pass."""
    return model.objects.select_for_update().get(pk=pk)


# Regions and committees -------------------------------------------------------------


def _require_parent_region_in_scope(acting_user, parent: Region | None) -> None:
    if parent is not None:
        require_region_in_scope(acting_user, parent, "上级区划")
    elif region_path(acting_user) != "/":
        raise ValidationError("只有不限区划的管理员可以创建顶级区划，请选择上级区划。")


@transaction.atomic
def region_create(*, acting_user, code: str, name: str, parent: Region | None,
                  level: str) -> Region:
    """Create a region under its parent, keeping the materialised path."""
    require_structure_editor(acting_user)
    _require_parent_region_in_scope(acting_user, parent)
    region = Region(code=code, name=name, parent=parent, level=level,
                    path=region_path_for(parent, code))
    save_with_history(region, acting_user)
    return region


@transaction.atomic
def region_update(*, acting_user, region: Region, code: str, name: str,
                  parent: Region | None, level: str) -> Region:
    """Edit a region; a new code or parent rebuilds the paths of the region and all below it."""
    require_structure_editor(acting_user)
    region = _lock(Region, region.pk)
    require_region_in_scope(acting_user, region, "该区划")
    if (parent.pk if parent else None) != region.parent_id:
        _require_parent_region_in_scope(acting_user, parent)
    if parent is not None and parent.path.startswith(region.path):
        raise ValidationError(f"不能把“{region.name}”移到它自己或它的下级区划之下。")
    old_path = region.path
    region.code, region.name, region.parent, region.level = code, name, parent, level
    region.path = region_path_for(parent, code)
    save_with_history(region, acting_user)
    if region.path != old_path:
        descendants = Region.objects.select_for_update().filter(path__startswith=old_path)
        for descendant in descendants.exclude(pk=region.pk).order_by("path"):
            descendant.path = moved_path(descendant.path, old_path, region.path)
            save_with_history(descendant, acting_user)
    return region


@transaction.atomic
def committee_create(*, acting_user, name: str, level: str, region: Region,
                     parent: Committee | None = None) -> Committee:
    """Create a party committee in a region the acting user administers."""
    require_structure_editor(acting_user)
    require_region_in_scope(acting_user, region, "所属区划")
    committee = Committee(name=name, level=level, region=region, parent=parent)
    save_with_history(committee, acting_user)
    return committee


# Institutions ------------------------------------------------------------------------

INSTITUTION_FIELDS = (
    "name", "credit_code", "permit_no", "category", "licence", "region", "address", "founder",
    "opened_on", "closed_on", "suspended_on", "charter_includes_party_building", "staff_count",
)


@transaction.atomic
def institution_create(*, acting_user, **fields) -> Institution:
    """Register an institution in one of the acting user's regions."""
    require_structure_editor(acting_user)
    require_region_in_scope(acting_user, fields["region"], "所属区划")
    institution = Institution(**{k: v for k, v in fields.items() if k in INSTITUTION_FIELDS})
    save_with_history(institution, acting_user)
    return institution


@transaction.atomic
def institution_update(*, acting_user, institution: Institution, **fields) -> Institution:
    """Edit an institution's record; closing it is setting its 停办日期."""
    require_structure_editor(acting_user)
    institution = _lock(Institution, institution.pk)
    require_region_in_scope(acting_user, institution.region, "该机构")
    for key, value in fields.items():
        if key not in INSTITUTION_FIELDS:
            raise TypeError(f"unknown institution field {key}")
        setattr(institution, key, value)
    require_region_in_scope(acting_user, institution.region, "所属区划")
    save_with_history(institution, acting_user)
    return institution


# Branches and coverage -----------------------------------------------------------------


@transaction.atomic
def branch_create(*, acting_user, name: str, kind: str, committee: Committee,
                  founded_on: date) -> Branch:
    """Found a branch under a committee of the acting user's region."""
    require_structure_editor(acting_user)
    require_region_in_scope(acting_user, committee.region, "上级党委")
    branch = Branch(name=name, kind=kind, committee=committee, founded_on=founded_on)
    save_with_history(branch, acting_user)
    return branch


@transaction.atomic
def branch_update(*, acting_user, branch: Branch, name: str, kind: str,
                  committee: Committee) -> Branch:
    """Rename a branch, change its kind or its committee (dates change through restructuring)."""
    require_structure_editor(acting_user)
    branch = _lock(Branch, branch.pk)
    require_region_in_scope(acting_user, branch.committee.region, "该支部")
    require_region_in_scope(acting_user, committee.region, "上级党委")
    if kind == Branch.Kind.STANDALONE and branch.kind != kind:
        _check_standalone_covers_one(branch, branch.founded_on, branch.dissolved_on)
    branch.name, branch.kind, branch.committee = name, kind, committee
    save_with_history(branch, acting_user)
    return branch


def _check_standalone_covers_one(branch: Branch, start: date, end: date | None,
                                 adding: Institution | None = None) -> None:
    others = list(Coverage.objects.filter(branch=branch).filter(overlapping_q(start, end))
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
        names = "、".join(sorted(i.name for i in institutions))
        raise ValidationError(
            f"单独党支部“{branch.name}”同一天只能覆盖一家机构，"
            f"在 {span(start, end)} 期间会同时覆盖：{names}。请改用联合党支部。"
        )


def _check_institution_not_covered_elsewhere(institution: Institution, start: date,
                                             end: date | None, exclude_pk=None) -> None:
    clash = (Coverage.objects.filter(institution=institution).filter(overlapping_q(start, end))
             .exclude(pk=exclude_pk).select_related("branch").first())
    if clash is not None:
        raise ValidationError(
            f"机构“{institution.name}”在 {span(clash.start, clash.end)} "
            f"已由“{clash.branch.name}”覆盖，同一天只能由一个支部覆盖。请先结束原覆盖。"
        )


def _check_within_branch_life(branch: Branch, start: date, end: date | None,
                              what: str) -> None:
    if start < branch.founded_on:
        raise ValidationError(
            f"{what}开始日期 {fmt(start)} 早于支部“{branch.name}”的成立日期 "
            f"{fmt(branch.founded_on)}。"
        )
    if branch.dissolved_on is not None and (end is None or end > branch.dissolved_on):
        raise ValidationError(
            f"支部“{branch.name}”已于 {fmt(branch.dissolved_on)} 撤销，{what}不能延续到撤销之后。"
        )


@transaction.atomic
def coverage_add(*, acting_user, branch: Branch, institution: Institution, start: date,
                 end: date | None = None) -> Coverage:
    """Start covering an institution by a branch from a date."""
    require_structure_editor(acting_user)
    branch = _lock(Branch, branch.pk)
    institution = _lock(Institution, institution.pk)
    require_region_in_scope(acting_user, branch.committee.region, "支部")
    require_region_in_scope(acting_user, institution.region, "机构")
    _check_period(start, end)
    _check_within_branch_life(branch, start, end, "覆盖")
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
    coverage = _lock(Coverage, coverage.pk)
    require_region_in_scope(acting_user, coverage.branch.committee.region, "该支部")
    if coverage.end is not None and coverage.end < on:
        raise ValidationError(f"该覆盖已于 {fmt(coverage.end)} 结束。")
    _check_period(coverage.start, on)
    coverage.end = on
    save_with_history(coverage, acting_user)
    return coverage


def _end_periods_of_branch(branch: Branch, on: date, acting_user) -> None:
    """End every coverage, membership and pairing of the branch still holding after `on`."""
    for model, label in ((Coverage, "覆盖"), (Membership, "党员组织关系"), (Pairing, "结对共建")):
        later = model.objects.filter(branch=branch, start__gt=on)
        if later.exists():
            raise ValidationError(
                f"支部“{branch.name}”有 {fmt(on)} 之后才开始的{label}，请先调整后再撤销。"
            )
        for period in model.objects.filter(branch=branch).filter(overlapping_q(on + ONE_DAY, None)):
            period.end = on
            save_with_history(period, acting_user)


@transaction.atomic
def branch_dissolve(*, acting_user, branch: Branch, on: date) -> Branch:
    """Dissolve a branch; its coverage, memberships and pairings end on the same day."""
    require_structure_editor(acting_user)
    branch = _lock(Branch, branch.pk)
    require_region_in_scope(acting_user, branch.committee.region, "该支部")
    if branch.dissolved_on is not None:
        raise ValidationError(f"支部“{branch.name}”已于 {fmt(branch.dissolved_on)} 撤销。")
    if on < branch.founded_on:
        raise ValidationError(
            f"撤销日期 {fmt(on)} 不能早于成立日期 {fmt(branch.founded_on)}。"
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
        raise ValidationError("不能把支部合并到它自己。")
    source, target = _lock(Branch, source.pk), _lock(Branch, target.pk)
    require_region_in_scope(acting_user, source.committee.region, "被合并支部")
    require_region_in_scope(acting_user, target.committee.region, "目标支部")
    last_day = on - ONE_DAY
    if not source.is_active_on(last_day) or not source.is_active_on(on):
        raise ValidationError(f"被合并支部“{source.name}”在 {fmt(on)} 前后须处于存续状态。")
    if not target.is_active_on(on):
        raise ValidationError(f"目标支部“{target.name}”在 {fmt(on)} 未处于存续状态。")

    moving_coverage = list(Coverage.objects.filter(branch=source).holding_on(on)
                           .select_related("institution"))
    if target.kind == Branch.Kind.STANDALONE:
        _check_standalone_covers_one(
            target, on, None,
            adding=moving_coverage[0].institution if len(moving_coverage) == 1 else None,
        )
        if len(moving_coverage) > 1:
            raise ValidationError(
                f"目标支部“{target.name}”是单独党支部，不能接收多家机构，请改为联合党支部后再合并。"
            )
    moving_members = list(Membership.objects.filter(branch=source).holding_on(on))
    moving_pairings = list(Pairing.objects.filter(branch=source).holding_on(on))

    branch_dissolve(acting_user=acting_user, branch=source, on=last_day)
    for old in moving_coverage:
        coverage_add(acting_user=acting_user, branch=target, institution=old.institution,
                     start=on, end=old.end)
    for old in moving_members:
        _membership_start(acting_user=acting_user, member=old.member, branch=target, start=on,
                          end=old.end, employer=old.employer, is_secretary=False)
    for old in moving_pairings:
        pairing_create(acting_user=acting_user, branch=target, school_branch=old.school_branch,
                       start=on, end=old.end)
    return target


# Members -------------------------------------------------------------------------------


def _require_member_in_scope(acting_user, member: Member) -> None:
    if not members_visible_to(acting_user).filter(pk=member.pk).exists():
        raise ValidationError(f"党员{member.name}不在您管辖的区划内。")


def _check_member_free(member: Member, start: date, end: date | None, exclude_pk=None) -> None:
    clash = (Membership.objects.filter(member=member).filter(overlapping_q(start, end))
             .exclude(pk=exclude_pk).select_related("branch").first())
    if clash is not None:
        raise ValidationError(
            f"党员{member.name}在 {span(clash.start, clash.end)} "
            f"属于“{clash.branch.name}”，同一天只能属于一个支部。请先办理转出。"
        )


def _membership_start(*, acting_user, member: Member, branch: Branch, start: date,
                      end: date | None, employer: Institution | None,
                      is_secretary: bool) -> Membership:
    _check_period(start, end)
    _check_within_branch_life(branch, start, end, "组织关系")
    _check_member_free(member, start, end)
    membership = Membership(member=member, branch=branch, start=start, end=end,
                            employer=employer, is_secretary=is_secretary)
    save_with_history(membership, acting_user)
    return membership


@transaction.atomic
def member_create(*, acting_user, number: str, name: str, status: str, branch: Branch,
                  start: date, gender: str = "", joined_on: date | None = None,
                  employer: Institution | None = None) -> Member:
    """Register a party member and their membership of a branch from `start` (转入)."""
    require_structure_editor(acting_user)
    require_region_in_scope(acting_user, branch.committee.region, "所在支部")
    member = Member(number=number, name=name, status=status, gender=gender, joined_on=joined_on)
    save_with_history(member, acting_user)
    _membership_start(acting_user=acting_user, member=member, branch=branch, start=start,
                      end=None, employer=employer, is_secretary=False)
    return member


@transaction.atomic
def member_update(*, acting_user, member: Member, name: str, status: str, gender: str,
                  joined_on: date | None) -> Member:
    """Correct a member's personal record (the branch changes only by transfer)."""
    require_structure_editor(acting_user)
    _require_member_in_scope(acting_user, member)
    member = _lock(Member, member.pk)
    member.name, member.status, member.gender, member.joined_on = name, status, gender, joined_on
    save_with_history(member, acting_user)
    return member


@transaction.atomic
def member_transfer(*, acting_user, member: Member, to_branch: Branch, on: date,
                    employer: Institution | None = None) -> Membership:
    """Transfer a member to another branch: the old membership ends the day before `on`."""
    require_structure_editor(acting_user)
    member = _lock(Member, member.pk)
    require_region_in_scope(acting_user, to_branch.committee.region, "转入支部")
    current = (Membership.objects.filter(member=member).holding_on(on)
               .select_related("branch__committee__region").first())
    if current is not None:
        require_region_in_scope(acting_user, current.branch.committee.region, "原所在支部")
        if current.branch_id == to_branch.pk:
            raise ValidationError(f"党员{member.name}在 {fmt(on)} 已属于“{to_branch.name}”。")
        if current.start >= on:
            raise ValidationError(
                f"转入日期须晚于原组织关系的开始日期 {fmt(current.start)}。"
            )
        if employer is None:
            employer = current.employer
        current.end = on - ONE_DAY
        save_with_history(current, acting_user)
    return _membership_start(acting_user=acting_user, member=member, branch=to_branch,
                             start=on, end=None, employer=employer, is_secretary=False)


@transaction.atomic
def member_transfer_out(*, acting_user, member: Member, on: date) -> Membership:
    """Record a member leaving the region's branches (转出); `on` is their last day."""
    require_structure_editor(acting_user)
    current = Membership.objects.filter(member=member).holding_on(on).first()
    if current is None:
        raise ValidationError(f"党员{member.name}在 {fmt(on)} 不属于任何支部。")
    current = _lock(Membership, current.pk)
    require_region_in_scope(acting_user, current.branch.committee.region, "所在支部")
    current.end = on
    save_with_history(current, acting_user)
    return current


@transaction.atomic
def secretary_set(*, acting_user, branch: Branch, member: Member, on: date) -> Membership:
    """Make `member` the branch secretary from `on`; the previous one steps down the day before."""
    require_structure_editor(acting_user)
    branch = _lock(Branch, branch.pk)
    require_region_in_scope(acting_user, branch.committee.region, "该支部")
    membership = Membership.objects.filter(member=member, branch=branch).holding_on(on).first()
    if membership is None:
        raise ValidationError(
            f"{member.name}在 {fmt(on)} 不是“{branch.name}”的党员，不能担任书记。"
        )
    if membership.is_secretary:
        raise ValidationError(f"{member.name}在 {fmt(on)} 已是“{branch.name}”的书记。")
    for previous in Membership.objects.filter(branch=branch, is_secretary=True).filter(
        overlapping_q(on, None)
    ):
        _split_membership(previous, on, is_secretary=False, acting_user=acting_user)
    return _split_membership(membership, on, is_secretary=True, acting_user=acting_user)


def _split_membership(membership: Membership, on: date, *, is_secretary: bool,
                      acting_user) -> Membership:
    """Change the secretary flag from `on`, keeping the period before it as it was."""
    if membership.start >= on:
        membership.is_secretary = is_secretary
        save_with_history(membership, acting_user)
        return membership
    rest_end = membership.end
    membership.end = on - ONE_DAY
    save_with_history(membership, acting_user)
    rest = Membership(member=membership.member, branch=membership.branch, start=on, end=rest_end,
                      employer=membership.employer, is_secretary=is_secretary)
    save_with_history(rest, acting_user)
    return rest


# Pairings ------------------------------------------------------------------------------


@transaction.atomic
def school_branch_get_or_create(*, acting_user, name: str, school: str,
                                region: Region | None = None) -> SchoolBranch:
    """Find a public school's branch by name and school, recording it on first use."""
    require_structure_editor(acting_user)
    school_branch = SchoolBranch.objects.filter(name=name, school=school).first()
    if school_branch is None:
        school_branch = SchoolBranch(name=name, school=school, region=region)
        save_with_history(school_branch, acting_user)
    return school_branch


@transaction.atomic
def pairing_create(*, acting_user, branch: Branch, school_branch: SchoolBranch, start: date,
                   end: date | None = None) -> Pairing:
    """Pair a branch with a public school's branch (结对共建) from `start`."""
    require_structure_editor(acting_user)
    branch = _lock(Branch, branch.pk)
    require_region_in_scope(acting_user, branch.committee.region, "支部")
    _check_period(start, end)
    _check_within_branch_life(branch, start, end, "结对")
    clash = (Pairing.objects.filter(branch=branch, school_branch=school_branch)
             .filter(overlapping_q(start, end)).first())
    if clash is not None:
        raise ValidationError(
            f"“{branch.name}”与“{school_branch}”在 {span(clash.start, clash.end)} 已结对。"
        )
    pairing = Pairing(branch=branch, school_branch=school_branch, start=start, end=end)
    save_with_history(pairing, acting_user)
    return pairing


@transaction.atomic
def pairing_end(*, acting_user, pairing: Pairing, on: date) -> Pairing:
    """End a pairing; `on` is its last day."""
    require_structure_editor(acting_user)
    pairing = _lock(Pairing, pairing.pk)
    require_region_in_scope(acting_user, pairing.branch.committee.region, "该支部")
    if pairing.end is not None and pairing.end < on:
        raise ValidationError(f"该结对已于 {fmt(pairing.end)} 结束。")
    _check_period(pairing.start, on)
    pairing.end = on
    save_with_history(pairing, acting_user)
    return pairing
