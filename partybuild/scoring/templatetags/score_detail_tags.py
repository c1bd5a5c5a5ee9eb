"""The repeated rows of the score page, written in Python.

The page lists the twelve months with the visits behind each four-ones item, and every
activity, hazard, points entry and clue of the year: as template loops that was a node per
cell and a {% url %} per link, more than the rest of the page. Each tag writes exactly what
the loop wrote; every stored text goes through escape(), decimals through text() as
{{ value }} shows them; the rest are fixed strings, translations, dates and small integers
(a month, a number of items: nothing for localisation to group).
"""

from html import escape as html_escape

from django import template
from django.template.defaultfilters import floatformat
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partybuild.core.table_rows import text, url_builder
from partybuild.scoring.rubric import deduction_display

register = template.Library()


def escape(value) -> str:
    """django.utils.html.escape's output, without its lazy-string wrapper on every call."""
    return html_escape(str(value))


def _day(value) -> str:
    """{{ value|date:"Y-m-d" }} of a date."""
    return value.isoformat()


# The items of a score: the section each links to, its label, and its maximum in the rubric.
SCORE_ITEMS = (
    ("coverage", "coverage", _("组织覆盖"), "coverage_max"),
    ("charter", "charter", _("党建入章程"), "charter_max"),
    ("four-ones", "four_ones", _("四个一"), "four_ones_max"),
    ("activities", "activities", _("组织生活"), "activities_max"),
    ("hazards", "hazards", _("隐患整改"), "hazards_max"),
    ("points", "red_points", _("红名单积分"), "red_points_max"),
)


@register.simple_tag
def score_items_table(score, rubric) -> str:
    """Each item's maximum (from `rubric`) and points (from `score`, stored or computed),
    the deductions and the total."""
    rows = [
        f'    <tr><td><a href="#{anchor}">{escape(label)}</a></td>'
        f"<td>{text(getattr(rubric, maximum))}</td><td>{text(getattr(score, item))}</td></tr>"
        for anchor, item, label, maximum in SCORE_ITEMS
    ]
    rows.append(f'    <tr><td><a href="#clues">{escape(gettext("违规扣分"))}</a></td><td>—</td>'
                f"<td>{escape(deduction_display(score.deductions))}</td></tr>")
    rows.append(f"    <tr><th>{escape(gettext('总分'))}</th>"
                f"<td>{floatformat(rubric.maxima_total, 2)}</td><th>{text(score.total)}</th></tr>")
    body = "\n".join(rows)
    return mark_safe(  # noqa: S308 - stored texts escaped above, the rest are figures
        f'<div class="table-wrap"><table class="table">\n'
        f"  <thead><tr><th>{escape(gettext('项目'))}</th><th>{escape(gettext('满分'))}</th>"
        f"<th>{escape(gettext('得分'))}</th></tr></thead>\n  <tbody>\n{body}\n  </tbody>\n"
        f"</table></div>\n")


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
            f"<td>{row.month}{month}</td>",
            f"<td>{yes if row.in_scope else no}</td>",
            f"<td>{branch}</td>",
        ]
        for visits in row.items:
            # {{ visit.date|date:"m-d" }}
            links = "、".join(f'<a href="{visit_url(pk)}">{day.month:02d}-{day.day:02d}</a>'
                             for pk, day in visits)
            cells.append(f"<td>{links or '—'}</td>")
        cells.append(f"<td>{f'{row.items_done}/4' if row.in_scope else '—'}</td>")
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
