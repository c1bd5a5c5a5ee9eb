"""Activity panels shown on other apps' pages: the branch page and the institution page.

The including page has already scoped the branch or institution to the user; each panel
adds a bounded number of queries (two for the institution, three for the branch).
"""

from django import template
from django.utils import timezone

from partybuild.activities.forms import chosen_year, year_choices
from partybuild.activities.selectors import (
    branch_activities,
    branch_cadence,
    institution_activities,
)

register = template.Library()

# The panels live on pages other helpers own: a name of our own avoids clashing with theirs.
YEAR_PARAM = "activities_year"


def _years(first_day, last_day, year: int) -> list[int]:
    today = timezone.localdate()
    last = min(last_day, today).year if last_day else today.year
    years = year_choices(first_day.year, max(last, first_day.year))
    return years if year in years else sorted({*years, year}, reverse=True)


@register.inclusion_tag("activities/_branch_panel_body.html")
def branch_activities_panel(branch, request):
    """The branch's 三会一课 grid for a chosen year, and its activities that year."""
    year = chosen_year(request, YEAR_PARAM)
    return {
        "branch": branch,
        "year": year,
        "years": _years(branch.founded_on, branch.dissolved_on, year),
        "param": YEAR_PARAM,
        "cadence": branch_cadence(branch=branch, year=year),
        "activities": branch_activities(branch=branch, year=year),
        "user": request.user,
    }


@register.inclusion_tag("activities/_institution_panel_body.html")
def institution_activities_panel(institution, request):
    """The activities counting for the institution in a chosen year, with their branch."""
    year = chosen_year(request, YEAR_PARAM)
    return {
        "institution": institution,
        "year": year,
        "years": _years(institution.opened_on, institution.closed_on, year),
        "param": YEAR_PARAM,
        "activities": institution_activities(institution=institution, year=year),
        "user": request.user,
    }
