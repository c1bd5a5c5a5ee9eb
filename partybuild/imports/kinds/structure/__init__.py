"""Kinds that record the organisation structure, regions to pairings: one module per group.

common.py holds what they share (lookups in chunks, parsers, the period sweep).
"""

from .branches import BranchesKind, CoverageKind, PairingsKind
from .common import StructureKind, fetch_in, limited, parse_credit_code, parse_optional_credit_code
from .instructors import AssignmentsKind, InstructorsKind
from .members import MembersKind
from .places import CommitteesKind, InstitutionsKind, RegionsKind, parse_region_code

__all__ = [
    "AssignmentsKind", "BranchesKind", "CommitteesKind", "CoverageKind", "InstitutionsKind",
    "InstructorsKind", "MembersKind", "PairingsKind", "RegionsKind", "StructureKind",
    "fetch_in", "limited", "parse_credit_code", "parse_optional_credit_code",
    "parse_region_code",
]
