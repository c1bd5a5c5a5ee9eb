"""Writes to party members: register, transfer, secretaries."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from partybuild.accounts.scoping import require_region_in_scope
from partybuild.core.periods import refuse_overlap, validate_period
from partybuild.core.services import fmt, require_structure_editor, save_with_history, span

from ..models import Branch, Institution, Member, Membership
from ..scoping import members_visible_to
from .common import ONE_DAY, check_within_branch_life, lock


def _require_member_in_scope(acting_user, member: Member) -> None:
    if not members_visible_to(acting_user).filter(pk=member.pk).exists():
        raise ValidationError(_("党员%(member)s不在您管辖的区划内。") % {"member": member.name})


def _check_member_free(member: Member, start: date, end: date | None) -> None:
    refuse_overlap(
        Membership.objects.filter(member=member).select_related("branch"), start, end,
        lambda clash: _("党员%(member)s在 %(period)s 属于“%(branch)s”，同一天只能属于一个支部。"
                        "请先办理转出。") % {"member": member.name,
                                            "period": span(clash.start, clash.end),
                                            "branch": clash.branch.name},
    )


def membership_start(*, acting_user, member: Member, branch: Branch, start: date,
                     end: date | None, employer: Institution | None,
                     is_secretary: bool) -> Membership:
    """Open a membership after the period checks (not atomic: its callers are)."""
    validate_period(start, end)
    check_within_branch_life(branch, start, end, pgettext("period noun", "组织关系"))
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
    require_region_in_scope(acting_user, branch.committee.region, _("所在支部"))
    member = Member(number=number, name=name, status=status, gender=gender, joined_on=joined_on)
    save_with_history(member, acting_user)
    membership_start(acting_user=acting_user, member=member, branch=branch, start=start,
                      end=None, employer=employer, is_secretary=False)
    return member


@transaction.atomic
def member_update(*, acting_user, member: Member, name: str, status: str, gender: str,
                  joined_on: date | None) -> Member:
    """Correct a member's personal record (the branch changes only by transfer)."""
    require_structure_editor(acting_user)
    _require_member_in_scope(acting_user, member)
    member = lock(Member, member.pk)
    member.name, member.status, member.gender, member.joined_on = name, status, gender, joined_on
    save_with_history(member, acting_user)
    return member


@transaction.atomic
def member_transfer(*, acting_user, member: Member, to_branch: Branch, on: date,
                    employer: Institution | None = None) -> Membership:
    """Transfer a member to another branch: the old membership ends the day before `on`."""
    require_structure_editor(acting_user)
    member = lock(Member, member.pk)
    require_region_in_scope(acting_user, to_branch.committee.region, _("转入支部"))
    current = (Membership.objects.filter(member=member).holding_on(on)
               .select_related("branch__committee__region").first())
    if current is not None:
        require_region_in_scope(acting_user, current.branch.committee.region, _("原所在支部"))
        if current.branch_id == to_branch.pk:
            raise ValidationError(_("党员%(member)s在 %(day)s 已属于“%(branch)s”。")
                                  % {"member": member.name, "day": fmt(on),
                                     "branch": to_branch.name})
        if current.start >= on:
            raise ValidationError(
                _("转入日期须晚于原组织关系的开始日期 %(start)s。") % {"start": fmt(current.start)}
            )
        if employer is None:
            employer = current.employer
        current.end = on - ONE_DAY
        save_with_history(current, acting_user)
    return membership_start(acting_user=acting_user, member=member, branch=to_branch,
                             start=on, end=None, employer=employer, is_secretary=False)


@transaction.atomic
def member_transfer_out(*, acting_user, member: Member, on: date) -> Membership:
    """Record a member leaving the region's branches (转出); `on` is their last day."""
    require_structure_editor(acting_user)
    current = Membership.objects.filter(member=member).holding_on(on).first()
    if current is None:
        raise ValidationError(_("党员%(member)s在 %(day)s 不属于任何支部。")
                              % {"member": member.name, "day": fmt(on)})
    current = lock(Membership, current.pk)
    require_region_in_scope(acting_user, current.branch.committee.region, _("所在支部"))
    current.end = on
    save_with_history(current, acting_user)
    return current


@transaction.atomic
def secretary_set(*, acting_user, branch: Branch, member: Member, on: date) -> Membership:
    """Make `member` the branch secretary from `on`; the previous one steps down the day before."""
    require_structure_editor(acting_user)
    branch = lock(Branch, branch.pk)
    require_region_in_scope(acting_user, branch.committee.region, _("该支部"))
    membership = Membership.objects.filter(member=member, branch=branch).holding_on(on).first()
    if membership is None:
        raise ValidationError(
            _("%(member)s在 %(day)s 不是“%(branch)s”的党员，不能担任书记。")
            % {"member": member.name, "day": fmt(on), "branch": branch.name}
        )
    if membership.is_secretary:
        raise ValidationError(_("%(member)s在 %(day)s 已是“%(branch)s”的书记。")
                              % {"member": member.name, "day": fmt(on), "branch": branch.name})
    for previous in Membership.objects.filter(branch=branch, is_secretary=True).overlapping(
        on, None
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
