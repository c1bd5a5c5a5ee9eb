"""The points panel of the institution page."""

from django import template

from partybuild.points import selectors, services
from partybuild.points.tables import signed

register = template.Library()


@register.inclusion_tag("points/_panel.html")
def institution_points_panel(institution, user):
    """This year's entries and net total of the institution, with last year's net beside it."""
    return {
        "institution": institution,
        "panel": selectors.points_panel(user=user, institution=institution),
        "may_write": services.may_write_points(user),
        "max_score": selectors.SCORE_MAX,
    }


@register.filter
def signed_points(value) -> str:
    """Points with one decimal and their sign: +2.5, -1.0, 0.0."""
    return signed(value)
