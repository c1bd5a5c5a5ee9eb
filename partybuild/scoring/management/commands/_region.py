"""Region lookup shared by the report commands."""

from django.core.management.base import CommandError

from partybuild.organisation.models import Region


def region_from_option(code: str | None) -> Region:
    """The region named by --region, or the single top-level region when none is given."""
    if code:
        region = Region.objects.filter(code=code.strip()).first()
        if region is None:
            raise CommandError(f"区划代码 {code} 不存在。")
        return region
    roots = list(Region.objects.filter(parent__isnull=True)[:2])
    if len(roots) != 1:
        raise CommandError("请用 --region 指定区划代码（系统中有多个或没有顶级区划）。")
    return roots[0]
