"""Template tags of the completeness grid and the staff home page's "not visited yet" flag."""

from django import template
from django.utils import timezone
from django.utils.html import format_html_join

from partybuild.visits.completeness import unvisited_this_month

register = template.Library()


@register.simple_tag
def unvisited_flag(user):
    """From the 21st, the user's institutions with no visit yet this month (or None)."""
    return unvisited_this_month(user=user, day=timezone.localdate())


@register.simple_tag
def grid_cells(cells, chosen_month):
    """One row's month cells; written in Python because a grid page holds hundreds of them."""
    return format_html_join(
        "", '<td class="cell {}{}">{}</td>',
        ((cell.css, " chosen" if cell.month == chosen_month else "", cell.label)
         for cell in cells),
    )
