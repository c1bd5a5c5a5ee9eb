"""Writes to regions, party committees and institutions."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from partybuild.accounts.scoping import region_path, require_region_in_scope
from partybuild.core.services import require_structure_editor, save_with_history
from partybuild.regions.paths import moved_path, region_path_for

from ..models import Committee, Institution, Region
from .common import lock


def _require_parent_region_in_scope(acting_user, parent: Region | None) -> None:
    if parent is not None:
        require_region_in_scope(acting_user, parent, _("上级区划"))
    elif region_path(acting_user) != "/":
        raise ValidationError(_("只有不限区划的管理员可以创建顶级区划，请选择上级区划。"))


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
    region = lock(Region, region.pk)
    require_region_in_scope(acting_user, region, _("该区划"))
    if (parent.pk if parent else None) != region.parent_id:
        _require_parent_region_in_scope(acting_user, parent)
    if parent is not None and parent.path.startswith(region.path):
        raise ValidationError(_("不能把“%(region)s”移到它自己或它的下级区划之下。")
                              % {"region": region.name})
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
    require_region_in_scope(acting_user, region, _("所属区划"))
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
    require_region_in_scope(acting_user, fields["region"], _("所属区划"))
    institution = Institution(**{k: v for k, v in fields.items() if k in INSTITUTION_FIELDS})
    save_with_history(institution, acting_user)
    return institution


@transaction.atomic
def institution_update(*, acting_user, institution: Institution, **fields) -> Institution:
    """Edit an institution's record; closing it is setting its 停办日期."""
    require_structure_editor(acting_user)
    institution = lock(Institution, institution.pk)
    require_region_in_scope(acting_user, institution.region, _("该机构"))
    for key, value in fields.items():
        if key not in INSTITUTION_FIELDS:
            raise TypeError(f"unknown institution field {key}")
        setattr(institution, key, value)
    require_region_in_scope(acting_user, institution.region, _("所属区划"))
    save_with_history(institution, acting_user)
    return institution
