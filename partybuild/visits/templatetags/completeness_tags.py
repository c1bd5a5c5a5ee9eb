"""Template tags of the completeness grid and the staff home page's "not visited yet" flag.

Stored text goes through the standard library's html.escape, not django.utils.html.escape:
the same text for a str (Django's wraps this one) without a check for lazy strings on each
of the page's hundreds of calls.
"""

from functools import lru_cache
from html import escape
from urllib.parse import quote_plus

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from partybuild.core.table_rows import url_builder
from partybuild.visits.completeness import Cell, unvisited_this_month

register = template.Library()


@register.simple_tag
def unvisited_flag(user):
    """From the 21st, the user's institutions with no visit yet this month (or None)."""
    return unvisited_this_month(user=user, day=timezone.localdate())


@lru_cache(maxsize=4096)
def _cells_html(states: tuple[int, ...], chosen_month: int) -> str:
    """One row's twelve month cells. A cell's class and label come from a fixed set (never
    from stored text), and most rows of a page share their months with another row (none
    visited, all done, the same opening month): each pattern is written once per process."""
    cells = (Cell.of(month, state) for month, state in enumerate(states, start=1))
    return "".join(
        f'<td class="cell {cell.css}{" chosen" if cell.month == chosen_month else ""}">'
        f"{cell.label}</td>"
        for cell in cells
    )


@register.simple_tag
def grid_rows(rows, chosen_month):
    """The grid's rows, written in Python: a page of 100 institutions × 12 months would
    otherwise cost a template node per cell and per link, more than the page's queries.
    Every stored text goes through escape(); the rest are numbers and fixed strings."""
    institution_url = url_builder("organisation:institution_detail")
    instructor_url = url_builder("instructors:instructor_detail")
    no_instructor = f'<span class="badge bad">{escape(gettext("无指导员"))}</span>'
    lines = []
    for row in rows:
        institution = row.institution
        if institution.instructor_pk:
            instructor = (f'<a href="{instructor_url(institution.instructor_pk)}">'
                          f"{escape(institution.instructor_name)}</a>")
        else:
            instructor = no_instructor
        lines.append(
            f'<tr>\n<th scope="row" class="sticky"><a href="{institution_url(institution.pk)}">'
            f"{escape(institution.name)}</a></th>\n{_cells_html(row.states, chosen_month)}\n"
            f"<td>{instructor}</td>\n<td>{escape(institution.region_name)}</td>\n</tr>"
        )
    return mark_safe("\n".join(lines))  # noqa: S308 - stored texts escaped above


_SLOT = "\x00instructor\x00"


@register.simple_tag(takes_context=True)
def instructor_lines(context, lines, on_time):
    """The instructors' lines (up to a hundred), written in Python like the grid's rows.

    Each name links to the grid filtered to that instructor: the page's query string without
    its page, as {% querystring instructor=... page=None %} writes it (encoded once, with a
    slot where each instructor's number goes).
    """
    params = context.request.GET.copy()
    params.pop("page", None)
    params["instructor"] = _SLOT
    head, tail = params.urlencode().split(quote_plus(_SLOT))
    rows = []
    for line in lines:
        missing = f'<span class="badge bad">{line.missing}</span>' if line.missing else "0"
        rate = "—" if on_time is None else on_time.for_instructor(line.pk).display
        rows.append(
            f'<tr>\n<td><a href="?{escape(head + quote_plus(line.number) + tail)}">'
            f"{escape(line.name)}</a> <small>{escape(line.number)}</small></td>\n"
            f"<td>{line.caseload}</td><td>{line.visited}</td><td>{line.complete}</td>\n"
            f"<td>{missing}</td>\n<td>{line.complete_rate}%</td>\n<td>{rate}</td>\n</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - stored texts escaped above
