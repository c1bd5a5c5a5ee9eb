"""Writes to school branches and pairings (结对共建)."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from partybuild.accounts.scoping import require_region_in_scope
from partybuild.core.periods import close_period, refuse_overlap, validate_period
from partybuild.core.services import require_structure_editor, save_with_history, span

from ..models import Branch, Pairing, Region, SchoolBranch
from .common import check_within_branch_life, lock


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
    branch = lock(Branch, branch.pk)
    require_region_in_scope(acting_user, branch.committee.region, _("支部"))
    validate_period(start, end)
    check_within_branch_life(branch, start, end, pgettext("period noun", "结对"))
    refuse_overlap(
        Pairing.objects.filter(branch=branch, school_branch=school_branch), start, end,
        lambda clash: _("“%(branch)s”与“%(school)s”在 %(period)s 已结对。")
        % {"branch": branch.name, "school": school_branch,
           "period": span(clash.start, clash.end)},
    )
    pairing = Pairing(branch=branch, school_branch=school_branch, start=start, end=end)
    save_with_history(pairing, acting_user)
    return pairing


@transaction.atomic
def pairing_end(*, acting_user, pairing: Pairing, on: date) -> Pairing:
    """End a pairing; `on` is its last day."""
    require_structure_editor(acting_user)
    pairing = lock(Pairing, pairing.pk)
    require_region_in_scope(acting_user, pairing.branch.committee.region, _("该支部"))
    close_period(pairing, on, pgettext("period noun", "结对"))
    save_with_history(pairing, acting_user)
    return pairing
