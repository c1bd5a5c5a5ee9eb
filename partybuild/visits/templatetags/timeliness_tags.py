"""The on-time rate of a grid line: {{ on_time|on_time_for_region:line }}."""

from django import template

register = template.Library()


@register.filter
def on_time_for_region(figures, line) -> str:
    """The rate of a region line of the grid (its region's code; its label if unknown)."""
    if figures is None:
        return "—"
    code = line.region.code if getattr(line, "region", None) is not None else line.label
    return figures.for_region(code).display


@register.filter
def on_time_for_instructor(figures, line) -> str:
    if figures is None:
        return "—"
    return figures.for_instructor(line.pk).display
