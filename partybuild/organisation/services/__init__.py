"""Writes to the organisation structure, one module per noun. Each service is atomic and
validates first.

History is never overwritten: restructuring ends periods and starts new ones on a date.
Callers import from here (`from partybuild.organisation.services import branch_merge`).
"""

from .branches import (
    branch_create,
    branch_dissolve,
    branch_merge,
    branch_update,
    coverage_add,
    coverage_end,
)
from .common import ONE_DAY
from .members import (
    member_create,
    member_transfer,
    member_transfer_out,
    member_update,
    secretary_set,
)
from .pairings import pairing_create, pairing_end, school_branch_get_or_create
from .places import (
    INSTITUTION_FIELDS,
    committee_create,
    institution_create,
    institution_update,
    region_create,
    region_update,
)

__all__ = [
    "INSTITUTION_FIELDS", "ONE_DAY",
    "region_create", "region_update", "committee_create", "institution_create",
    "institution_update",
    "branch_create", "branch_update", "branch_dissolve", "branch_merge",
    "coverage_add", "coverage_end",
    "member_create", "member_update", "member_transfer", "member_transfer_out",
    "secretary_set",
    "school_branch_get_or_create", "pairing_create", "pairing_end",
]
