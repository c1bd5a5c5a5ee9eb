"""Every importable kind of FORMATS.md, in dependency order."""

from .structure import (
    AssignmentsKind,
    BranchesKind,
    CommitteesKind,
    CoverageKind,
    InstitutionsKind,
    InstructorsKind,
    MembersKind,
    PairingsKind,
    RegionsKind,
)
from .work import ActivitiesKind, CluesKind, HazardsKind, PointsKind, VisitsKind

KINDS = {
    kind.name: kind
    for kind in (RegionsKind, CommitteesKind, InstitutionsKind, BranchesKind, CoverageKind,
                 MembersKind, InstructorsKind, AssignmentsKind, PairingsKind,
                 VisitsKind, HazardsKind, CluesKind, ActivitiesKind, PointsKind)
}
