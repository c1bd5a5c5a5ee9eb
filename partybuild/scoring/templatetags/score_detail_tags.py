"""The repeated rows of the score page, written in Python.

The page lists the twelve months with the visits behind each four-ones item, and every
activity, hazard, points entry and clue of the year: as template loops that was a node per
cell and a {% url %} per link, more than the rest of the page. Each tag writes exactly what
the loop wrote; every stored text goes through escape(), numbers and dates through text()
as {{ value }} shows them, the rest are fixed strings and translations.
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from partybuild.core.table_rows import text, url_builder

register = template.Library()


def _day(value) -> str:
    """{{ value|date:"Y-m-d" }} of a date."""
    return value.isoformat()


@register.simple_tag
def score_month_rows(months) -> str:
    """The rows of the months table: in scope, the covering branch, the visits that did
    each four-ones item (linked) and the items done."""
    visit_url = url_builder("visits:visit_detail")
    month, yes, no = escape(gettext("月")), escape(gettext("是")), escape(gettext("否"))
    uncovered = f'<span class="badge bad">{escape(gettext("未覆盖"))}</span>'
    muted = ' class="muted"'
    rows = []
    for row in months:
        if row.covered:
            branch = f'<span class="badge ok">{escape(row.covering_branch)}</span>'
        else:
            branch = uncovered if row.in_scope else "—"
        cells = [
            f"<tr{'' if row.in_scope else muted}>",
            f"<td>{text(row.month)}{month}</td>",
            f"<td>{yes if row.in_scope else no}</td>",
            f"<td>{branch}</td>",
        ]
        for visits in row.items:
            links = "、".join(f'<a href="{visit_url(pk)}">{day:%m-%d}</a>' for pk, day in visits)
            cells.append(f"<td>{links or '—'}</td>")
        cells.append(f"<td>{f'{text(row.items_done)}/4' if row.in_scope else '—'}</td>")
        cells.append("</tr>")
        rows.append("\n".join(cells))
    return mark_safe("\n".join(rows))  # noqa: S308 - stored texts escaped above


@register.simple_tag
def score_activity_rows(activities) -> str:
    activity_url = url_builder("activities:activity_detail")
    return mark_safe("\n".join(  # noqa: S308 - stored texts escaped
        f'<tr><td>{_day(line.date)}</td><td><a href="{activity_url(line.pk)}">'
        f"{escape(line.title)}</a></td><td>{escape(line.kind_label)}</td>"
        f"<td>{escape(line.branch_name)}</td></tr>"
        for line in activities))


@register.simple_tag
def score_hazard_rows(hazards) -> str:
    hazard_url = url_builder("visits:hazard_detail")
    return mark_safe("\n".join(  # noqa: S308 - stored texts escaped
        f'<tr><td>{_day(row.found_on)}</td><td><a href="{hazard_url(row.pk)}">'
        f"{escape(row.description)}</a></td>\n"
        f"<td>{_day(row.deadline)}</td>"
        f"<td>{_day(row.rectified_on) if row.rectified_on else '—'}</td>\n"
        f'<td><span class="badge {escape(row.tone)}">{escape(row.label)}</span></td></tr>'
        for row in hazards))


@register.simple_tag
def score_hazard_links(hazards) -> str:
    """The overdue hazards, linked, separated by 、."""
    hazard_url = url_builder("visits:hazard_detail")
    return mark_safe("、".join(  # noqa: S308 - stored texts escaped
        f'<a href="{hazard_url(row.pk)}">{escape(row.description)}</a>' for row in hazards))


@register.simple_tag
def score_point_rows(entries) -> str:
    return mark_safe("\n".join(  # noqa: S308 - stored texts escaped
        f"<tr><td>{_day(entry.date)}</td><td>{text(entry.points)}</td>"
        f"<td>{escape(entry.reason)}</td></tr>"
        for entry in entries))


@register.simple_tag
def score_clue_items(clues) -> str:
    clue_url = url_builder("visits:clue_detail")
    return mark_safe("".join(  # noqa: S308 - stored texts escaped
        f'<li>{_day(clue.date)} <a href="{clue_url(clue.pk)}">{escape(clue.description)}</a>'
        f"</li>"
        for clue in clues))
