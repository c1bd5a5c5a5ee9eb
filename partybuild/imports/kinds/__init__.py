"""Every importable kind of FORMATS.md, in dependency order."""

from .structure import (
    InstitutionsKind,
    RegionsKind,
)

KINDS = {
    kind.name: kind
    for kind in (RegionsKind, InstitutionsKind)
}
