"""The regions and institutions a user may report on: scoped first, 404 outside scope."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from partybuild.accounts.scoping import regions_visible_to
from partybuild.organisation.models import Institution
from partybuild.organisation.scoping import institutions_visible_to
from partybuild.regions.models import Region


def report_regions(*, user):
    """Regions the user may choose in the report selectors: theirs and those below it."""
    return regions_visible_to(user).order_by("path")


def report_region(*, user, code: str | None) -> Region:
    """The region asked for (default: the user's highest visible region), or 404."""
    regions = report_regions(user=user)
    if code:
        return get_object_or_404(regions, code=code)
    region = regions.first()
    if region is None:
        raise Http404
    return region


def report_institution(*, user, pk: int) -> Institution:
    """An institution the user may see, with its region, or 404."""
    return get_object_or_404(institutions_visible_to(user).select_related("region"), pk=pk)


def report_institutions(*, user, region: Region):
    """The institutions of a region (and below) the user may see."""
    return institutions_visible_to(user).filter(region__path__startswith=region.path)
