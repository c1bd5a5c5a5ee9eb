"""A list page's whole table (header, rows, pages) drawn in Python, as core/_table.html would.

`{% render_table %}` renders core/_table.html, which extends django-tables2's table.html: a
second template render with every context processor run again, a `querystring_replace`
per sortable column and per page link, and the column attributes merged again for each
header cell. ListPage draws the same markup here, character for character (tests/core
compare it with the template), and the template pastes it. Tables the drawing does not
cover (another template, a footer, no header) keep `{% render_table %}`.
"""

from django.conf import settings
from django.core.paginator import Page
from django.utils.html import conditional_escape, escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext
from django_tables2 import Column, Table
from django_tables2.paginators import LazyPaginator
from django_tables2.templatetags.django_tables2 import table_page_range

from .memo import KeptValues
from .table_rows import body_rows_html, text

TABLE_TEMPLATE = "core/_table.html"
# Longest query string whose header and page links are kept (see draw_table).
KEPT_QUERY_LENGTH = 1000


def can_draw(table) -> bool:
    """Whether draw_table gives exactly what the table's template would: core/_table.html,
    a header, no footer, a plain paginator, no before_render of its own."""
    return (table.template_name == TABLE_TEMPLATE and table.show_header
            and not table.has_footer()
            and not isinstance(getattr(table, "paginator", None), LazyPaginator)
            and type(table).before_render is Table.before_render)


def _nested_attrs(table, key: str) -> str:
    """{{ table.attrs.KEY.as_html }}: empty unless that entry renders itself."""
    value = table.attrs.get(key)
    as_html = getattr(value, "as_html", None)
    return as_html() if callable(as_html) else ""


def _querystring(params: dict, key, value) -> str:
    """django-tables2's {% querystring_replace key=value %} for a request's GET lists."""
    replaced = dict(params)
    if key not in ("", None):
        replaced[key] = value
    return escape("?" + urlencode(replaced, doseq=True))


_NESTED = object()


def _frozen(attrs):
    """A dict of HTML attributes as a hashable key, its order kept (as_html follows it), or
    None when a value is computed per table or row (a callable) or cannot be a key."""
    items = []
    for key, value in attrs.items():
        if isinstance(value, dict):
            value = _frozen(value)
            if value is None:
                return None
            items.append((key, _NESTED, value))
            continue
        if callable(value):
            return None
        try:
            hash(value)
        except TypeError:
            return None
        # With its type: True and 1 are equal keys but not the same attribute.
        items.append((key, type(value), value))
    return tuple(items)


# A list's header, per everything it is drawn from (_header_key): the same few sorts and
# filters of each list come back all day. Each entry is a few kilobytes.
_headers = KeptValues(512)


def _header_key(table, query: tuple):
    """Everything _header's output depends on, or None where a part of it cannot be named
    cheaply (a column drawing its own header, computed attributes, a class-name hook)."""
    if type(table).get_column_class_names is not Table.get_column_class_names:
        return None
    table_attrs = _frozen(table.attrs)
    if table_attrs is None:
        return None
    columns = []
    names = []
    for column in table.columns:
        definition = column.column
        header = definition.verbose_name
        if type(definition).header is not Column.header or header is None:
            return None  # drawn from a model field's name, or by the column itself
        attrs = _frozen(definition.attrs)
        if attrs is None:
            return None
        # The header text is named by its object (a lazy translation gives the language's
        # text, the language is part of the key), kept alive with the entry so that its id
        # is not reused by another object meanwhile.
        names.append(header)
        columns.append((column.name, type(definition), id(header), attrs, column.orderable,
                        definition.initial_sort_descending))
    return ((type(table), get_language(), table.prefixed_order_by_field,
             tuple(table.order_by or ()), table_attrs, query, tuple(columns)), tuple(names))


def _header(table, params: dict, query: tuple | None) -> str:
    """The table's <thead>, drawn once per _header_key and then reused."""
    key = None if query is None else _header_key(table, query)
    if key is None:
        return _draw_header(table, params)
    key, names = key
    html, _ = _headers.get_or_build(key, lambda: (_draw_header(table, params), names))
    return html


def _draw_header(table, params: dict) -> str:
    sort_field = table.prefixed_order_by_field
    cells = []
    for column in table.columns:
        header = text(column.header)
        if column.orderable:
            href = _querystring(params, sort_field, column.order_by_alias.next)
            inner = f'\n                                <a href="{href}">{header}</a>\n'
        else:
            inner = f"\n                                {header}\n"
        cells.append(f"\n                        <th {column.attrs['th'].as_html()}>"
                     f"\n                            {inner}                            \n"
                     f"                        </th>\n                    ")
    return (f"\n                <thead {_nested_attrs(table, 'thead')}>\n                    <tr>"
            f"\n                    {''.join(cells)}\n                    </tr>\n"
            f"                </thead>\n            ")


# A list's page links, per language, query string, page and number of pages.
_paginations = KeptValues(512)


def _pagination(table, params: dict, query: tuple | None) -> str:
    page = getattr(table, "page", None)
    if not page or not table.paginator.num_pages > 1:
        return ""
    if query is None or type(page) is not Page:
        return _draw_pagination(table, page, params)
    # What _draw_pagination reads: the page links keep the query string, the labels and
    # numbers are the language's, the range is DJANGO_TABLES2_PAGE_RANGE wide.
    key = (get_language(), settings.USE_THOUSAND_SEPARATOR,
           getattr(settings, "DJANGO_TABLES2_PAGE_RANGE", 10), table.prefixed_page_field,
           query, page.number, table.paginator.num_pages)
    return _paginations.get_or_build(key, lambda: _draw_pagination(table, page, params))


def _draw_pagination(table, page, params: dict) -> str:
    field = table.prefixed_page_field
    out = ['\n<nav aria-label="', conditional_escape(gettext("分页")),
           '">\n  <ul class="pagination">\n    ']
    if page.has_previous():
        out += ['\n    <li><a href="', _querystring(params, field, page.previous_page_number()),
                '">', conditional_escape(gettext("上一页")), "</a></li>\n    "]
    out.append("\n    ")
    number = page.number
    for p in table_page_range(page, table.paginator):
        if p == number:
            item = f'<span aria-current="page"><strong>{text(p)}</strong></span>'
        elif p == "...":
            item = "<span>…</span>"
        else:
            item = f'<a href="{_querystring(params, field, p)}">{text(p)}</a>'
        out.append(f"\n    <li>{item}</li>\n    ")
    out.append("\n    ")
    if page.has_next():
        out += ['\n    <li><a href="', _querystring(params, field, page.next_page_number()),
                '">', conditional_escape(gettext("下一页")), "</a></li>\n    "]
    out.append("\n  </ul>\n</nav>\n")
    return "".join(out)


def draw_table(table, request) -> SafeString:
    """The output of `{% render_table table %}` with core/_table.html (see can_draw)."""
    params = dict(request.GET)
    # The kept header and page links are keyed by the query string, which each of their
    # links repeats: a very long one (not a form's) is drawn each time, not kept.
    query = (tuple((key, tuple(values)) for key, values in params.items())
             if len(request.META.get("QUERY_STRING", "")) <= KEPT_QUERY_LENGTH else None)
    body = getattr(table, "body_html", None)
    if body is None:
        body = body_rows_html(table)
    header = _header(table, params, query)
    pages = _pagination(table, params, query)
    return mark_safe(
        f'\n\n\n<div class="table-wrap">\n  \n        <table {table.attrs.as_html()}>'
        f"\n            \n            {header}\n            \n            \n<tbody "
        f"{_nested_attrs(table, 'tbody')}>\n{body}\n</tbody>\n\n            \n            "
        f"\n            \n        </table>\n    \n</div>\n\n{pages}\n\n\n")

