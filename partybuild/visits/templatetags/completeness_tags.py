"""Template tags of the completeness grid and the staff home page's "not visited yet" flag.

Stored text goes through the standard library's html.escape, not django.utils.html.escape:
the same text for a str (Django's wraps this one) without a check for lazy strings on each
of the page's hundreds of calls.
"""

from collections.abc import Iterable
from functools import lru_cache
from html import escape
from urllib.parse import quote_plus, urlencode

from django import template
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from partybuild.core.table_rows import url_builder
from partybuild.visits.completeness import Cell, unvisited_this_month
from partybuild.visits.templatetags.timeliness_tags import on_time_for_region

register = template.Library()


@register.simple_tag
def unvisited_flag(user):
    """From the 21st, the user's institutions with no visit yet this month (or None)."""
    return unvisited_this_month(user=user, day=timezone.localdate())


@register.simple_tag
def month_headers(months, chosen_month):
    """The grid's month column heads: what {% blocktranslate %}{{ m }}月{% endblocktranslate %}
    wrote for each month (the same catalogue entry), without a template node per month."""
    label = gettext("%(m)s月")
    return mark_safe("".join(  # noqa: S308 - a catalogue entry and numbers
        f'<th scope="col" class="month{" chosen" if month == chosen_month else ""}">'
        f"{label % {'m': month}}</th>"
        for month in months
    ))


@register.simple_tag
def filter_fields(form):
    """The filter form's fields, each a label, its widget and its errors: what a template
    loop over the form wrote ({{ field.label }}, {{ field }}, {{ field.errors|join:" " }}),
    without a dozen template nodes per field."""
    parts = []
    for field in form:
        errors = field.errors
        error = (f'\n    <div class="error">{" ".join(conditional_escape(e) for e in errors)}</div>'
                 if errors else "")
        parts.append(
            f'  <div>\n    <label for="{conditional_escape(field.id_for_label)}">'
            f"{conditional_escape(field.label)}</label>\n    {field}{error}\n  </div>\n"
        )
    return mark_safe("".join(parts))  # noqa: S308 - labels and errors escaped above


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


def query_string(query_dict, **changes) -> str:
    """What {% querystring **changes %} writes for query_dict (unescaped), without its
    copy of the QueryDict: a deep copy per link was a tenth of the page's rendering.

    As Django's tag: a value of None drops the key, a list sets every value, anything else
    sets the one value; a key keeps its place, a new key goes last.
    """
    pairs = dict(query_dict.lists())
    for key, value in changes.items():
        if value is None:
            pairs.pop(key, None)
        elif isinstance(value, Iterable) and not isinstance(value, str):
            pairs[key] = list(value)
        else:
            pairs[key] = [value]
    if not pairs and not query_dict:
        return ""
    encoding = query_dict.encoding  # QueryDict.urlencode(), one pair at a time
    return "?" + "&".join(urlencode({key.encode(encoding): str(value).encode(encoding)})
                          for key, values in pairs.items() for value in values)


@register.simple_tag(takes_context=True)
def grid_query(context, **changes) -> str:
    """{% querystring %} of the grid's own links, written by query_string()."""
    return query_string(context.request.GET, **changes)


_SLOT = "\x00slot\x00"


def _linked_query(context, key: str) -> tuple[str, str]:
    """The page's query string without its page and with `key` set, escaped for an HTML
    attribute, split where the value of `key` goes: encoded once for all the lines."""
    head, tail = query_string(context.request.GET, **{key: _SLOT, "page": None}).split(
        quote_plus(_SLOT))
    return escape(head), escape(tail)


@register.simple_tag(takes_context=True)
def region_lines(context, lines, on_time):
    """The month's lines per region, written in Python like the grid's rows. Each region's
    name links to the grid filtered to it ({% querystring region=... page=None %})."""
    head, tail = _linked_query(context, "region")
    rows = []
    for line in lines:
        label = escape(line.label)
        if line.region:
            label = f'<a href="{head}{int(line.region.pk)}{tail}">{label}</a>'
        missing = f'<span class="badge bad">{line.missing}</span>' if line.missing else "0"
        rate = "—" if line.complete_rate is None else f"{line.complete_rate}%"
        rows.append(
            f"<tr>\n<td>{label}</td>\n"
            f"<td>{line.expected}</td><td>{line.visited}</td><td>{line.complete}</td>\n"
            f"<td>{missing}</td>\n<td>{rate}</td>\n"
            f"<td>{escape(on_time_for_region(on_time, line))}</td>\n</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - stored texts escaped above


@register.simple_tag(takes_context=True)
def instructor_lines(context, lines, on_time):
    """The instructors' lines (up to a hundred), written in Python like the grid's rows.

    Each name links to the grid filtered to that instructor: the page's query string without
    its page, as {% querystring instructor=... page=None %} writes it (encoded once, with a
    slot where each instructor's number goes).
    """
    head, tail = _linked_query(context, "instructor")
    rows = []
    for line in lines:
        missing = f'<span class="badge bad">{line.missing}</span>' if line.missing else "0"
        rate = "—" if on_time is None else on_time.for_instructor(line.pk).display
        number = line.number
        if number.isascii() and number.isalnum():
            quoted = shown = number  # the usual number: nothing to quote or escape
        else:
            # quote_plus leaves nothing that HTML would need escaped.
            quoted, shown = quote_plus(number), escape(number)
        rows.append(
            f'<tr>\n<td><a href="{head}{quoted}{tail}">'
            f"{escape(line.name)}</a> <small>{shown}</small></td>\n"
            f"<td>{line.caseload}</td><td>{line.visited}</td><td>{line.complete}</td>\n"
            f"<td>{missing}</td>\n<td>{line.complete_rate}%</td>\n<td>{rate}</td>\n</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - stored texts escaped above
