"""Staff actions on the organisation structure, one module per noun; each one is confirmed
before it is written (core.views_confirm)."""

from .branches import (
    BranchCreate,
    BranchDissolve,
    BranchMerge,
    BranchUpdate,
    CoverageAdd,
    CoverageEnd,
    SecretarySet,
)
from .bulk import CoverageBulkEnd
from .institutions import InstitutionCover, InstitutionCreate, InstitutionUpdate
from .members import MemberCreate, MemberTransfer, MemberTransferOut, MemberUpdate
from .pairings import PairingCreate, PairingEnd

__all__ = [
    "BranchCreate", "BranchDissolve", "BranchMerge", "BranchUpdate", "CoverageAdd",
    "CoverageEnd", "CoverageBulkEnd", "SecretarySet", "InstitutionCover", "InstitutionCreate",
    "InstitutionUpdate", "MemberCreate",
    "MemberTransfer", "MemberTransferOut", "MemberUpdate", "PairingCreate", "PairingEnd",
]
