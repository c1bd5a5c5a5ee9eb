"""The --region option of the report commands (annual_scores, summary)."""

from django.core.management.base import CommandError

from partybuild.regions.models import Region


def region_from_option(code: str | None) -> Region:
    """The region named by --region; without it, the whole database.

    The whole database is its single top-level region when there is one; otherwise an
    unsaved stand-in whose path covers every region and whose code is None.
    """
    if code:
        region = Region.objects.filter(code=code.strip()).first()
        if region is None:
            raise CommandError(f"区划代码 {code} 不存在。")
        return region
    roots = list(Region.objects.filter(parent__isnull=True)[:2])
    if len(roots) == 1:
        return roots[0]
    return Region(code=None, name="全部区划", path="/")
