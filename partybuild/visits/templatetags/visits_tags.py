"""Template tags of visits: hazard state badges and the institution page's visits panel."""

from django import template
from django.utils.html import format_html

from partybuild.visits import selectors
from partybuild.visits.services import may_record

register = template.Library()


@register.simple_tag
def hazard_badge(state: str):
    """The coloured label of a hazard state (see selectors.HAZARD_STATES)."""
    label, tone = selectors.HAZARD_STATES[state]
    return format_html('<span class="badge {}">{}</span>', tone, label)


@register.inclusion_tag("visits/_institution_panel_body.html")
def institution_visits_panel(institution, user):
    """This month's four items, recent visits, open hazards and clues of one institution."""
    return {
        "panel": selectors.institution_panel(user=user, institution=institution),
        "may_record": may_record(user),
        "user": user,
    }
