"""Template tags of the completeness grid: the staff home page's "not visited yet" flag."""

from django import template
from django.utils import timezone

from partybuild.visits.completeness import unvisited_this_month

register = template.Library()


@register.simple_tag
def unvisited_flag(user):
    """From the 21st, the user's institutions with no visit yet this month (or None)."""
    return unvisited_this_month(user=user, day=timezone.localdate())
