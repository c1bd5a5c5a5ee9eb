"""The one place that decides which regions a user may see.

A user sees their home region and everything under it. This module filters any queryset by
region path through a lookup string, so it never imports a domain model: each app's
`scoping.py` (organisation, instructors, visits) applies it to its own models.
"""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from partybuild.regions.models import Region


def region_path(user) -> str | None:
    """The materialised path of the user's home region, or None when they see nothing."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.region_id is None:
        return "/" if user.is_superuser else None
    # A region saved without its path must not widen the scope to everything.
    return user.region.path or None


def scope(queryset: QuerySet, user, region_lookup: str = "region") -> QuerySet:
    """Filter any queryset to rows whose region (reached by region_lookup) the user may see."""
    path = region_path(user)
    if path is None:
        return queryset.none()
    if path == "/":
        return queryset
    return queryset.filter(**{f"{region_lookup}__path__startswith": path})


def regions_visible_to(user) -> QuerySet[Region]:
    """The user's home region and every region below it."""
    path = region_path(user)
    if path is None:
        return Region.objects.none()
    if path == "/":
        return Region.objects.all()
    return Region.objects.filter(path__startswith=path)


def user_may_see_region(user, region: Region) -> bool:
    path = region_path(user)
    return path is not None and (path == "/" or region.path.startswith(path))


def require_region_in_scope(acting_user, region: Region, label: str = "") -> None:
    """Refuse a write that names a region outside the acting user's."""
    if not user_may_see_region(acting_user, region):
        raise ValidationError(_("%(label)s不在您管辖的区划内。")
                              % {"label": label or _("该记录")})


def own_or_in_regions(queryset: QuerySet, user) -> QuerySet:
    """Rows about institutions in the user's regions; for instructors, only their own rows."""
    rows = scope(queryset, user, "institution__region")
    if user.is_authenticated and user.is_instructor:
        rows = rows.filter(instructor__user=user)
    return rows
