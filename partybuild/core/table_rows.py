"""The body rows of a list page's table, drawn once in the view as plain HTML strings.

django-tables2 draws every cell through template tags, its accessors and the column's render
method; on a 50-row page that was most of the page's time. ListPage draws the rows here
before the template runs, in one of two ways:

- a table that defines `row_cells(record)` (the busiest lists) returns each column's cell
  HTML itself, built from the record with f-strings and the URL builder below;
- any other table goes through core.templatetags.fast_tables, django-tables2's own cell code
  with its per-cell look-ups done once per column.

Both write exactly the markup django-tables2's template would (tests/perf compare them).
"""

import threading
from datetime import date, datetime, time
from decimal import Decimal
from html import escape as _html_escape

from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable
from django.template import Context
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe

# Stand-ins for integer URL arguments: reversed once, then split where they appear.
_SENTINEL = 7_301_994_810_000
_url_templates: dict = {}


def url_builder(url_name: str, arity: int = 1):
    """A function of `arity` integer arguments returning reverse(url_name, args=...), escaped
    for an HTML attribute; reverse() runs once per URL name (and script prefix), not per row.

    Only for URLs whose arguments are integers (pk, year): an integer's digits need no
    quoting, so splicing them into the reversed template gives reverse()'s own answer.
    """
    key = (url_name, arity, get_script_prefix(), get_urlconf())
    try:
        parts = _url_templates[key]
    except KeyError:
        sentinels = [str(_SENTINEL + n) for n in range(arity)]
        text = escape(reverse(url_name, args=[int(s) for s in sentinels]))
        parts = []
        for sentinel in sentinels:
            before, _found, text = text.partition(sentinel)
            parts.append(before)
        parts.append(text)
        parts = _url_templates[key] = tuple(parts)
    if arity == 1:
        head, tail = parts

        def build(value) -> str:
            return f"{head}{int(value)}{tail}"

        return build

    def build_many(*values) -> str:
        pieces = [parts[0]]
        for value, part in zip(values, parts[1:], strict=True):
            pieces.append(str(int(value)))
            pieces.append(part)
        return "".join(pieces)

    return build_many


def text(value) -> str:
    """A value as `{{ value }}` shows it: localised, then escaped unless already safe."""
    if type(value) is str:
        # localize() gives a plain str back as it is, and Django's escape() is html.escape()
        # wrapped for lazy strings: the same characters, without two wrappers per cell.
        return _html_escape(value)
    return conditional_escape(localize(value))


_MEMO_TYPES = (int, Decimal, str)


def text_memo():
    """text(), remembered per value for one table: a score list repeats the same few numbers
    on every row, and localize() looks the language's formats up again for each."""
    # One memo per type: 5 and "5" may show differently (a thousands separator).
    memos = {kind: {} for kind in _MEMO_TYPES}

    def cached(value) -> str:
        kind = type(value)
        if kind is str:  # mostly a different one each row, and cheap to escape
            return _html_escape(value)
        memo = memos.get(kind)
        if memo is None:
            return text(value)
        # str(), not the value: Decimal("5.0") == Decimal("5.00") but they show differently.
        key = str(value) if type(value) is Decimal else value
        try:
            return memo[key]
        except KeyError:
            shown = memo[key] = text(value)
            return shown

    return cached


def link_html(url: str, content: str) -> str:
    """<a href="url">content</a> with an escaped url and content already HTML."""
    return f'<a href="{url}">{content}</a>'


def badge_html(label, tone: str = "") -> str:
    """organisation.tables.badge, without format_html's per-call overhead."""
    return f'<span class="badge {escape(tone)}">{conditional_escape(label)}</span>'


def _fixed_td(table, bound_column) -> str | None:
    """The column's td attributes as HTML, or None when they are computed per cell."""
    attrs = {**table.attrs, **(bound_column.column.attrs or {})}
    td = attrs.get("td", attrs.get("cell", {})) or {}
    if any(callable(value) for value in td.values()):
        return None
    return bound_column.attrs["td"].as_html()


def fast_body_rows(table) -> SafeString | None:
    """The <tr> rows of the table's current page from table.row_cells(record), or None when
    the table has no row_cells or a column whose attributes django-tables2 must compute."""
    row_cells = getattr(table, "row_cells", None)
    if row_cells is None or table.row_attrs or any(table.pinned_data.values()):
        return None
    columns = list(table.columns)
    tds = [_fixed_td(table, column) for column in columns]
    if None in tds:
        return None
    # Per column: its name, its opening <td ...> and its blank cell, worked out once.
    plan = [(column.name, f"<td {td}>", f"<td {td}>{conditional_escape(column.default)}</td>")
            for column, td in zip(columns, tds, strict=True)]
    rows = []
    for row in table.paginated_rows:
        cells = row_cells(row.record)
        body = "".join([blank if (cell := cells[name]) is None else f"{td}{cell}</td>"
                        for name, td, blank in plan])
        rows.append(f'<tr class="{row.get_even_odd_css_class()}">{body}</tr>')
    if not rows and table.empty_text:
        return format_html('<tr><td colspan="{}">{}</td></tr>', len(columns), table.empty_text)
    return mark_safe("\n".join(rows))


def body_rows_html(table) -> SafeString:
    """The table's body rows as its template would draw them (see the module's docstring)."""
    fast = fast_body_rows(table)
    if fast is not None:
        return fast
    # Imported here: the template tag library imports this module's helpers.
    from .templatetags.fast_tables import generic_body_rows

    return generic_body_rows(table, Context(autoescape=True))


def fetch_page_in_two_steps(table, read_rows=None) -> None:
    """Read the current page as the primary keys of its rows first, then those rows.

    The ordered, filtered list is read with only the columns its ORDER BY and WHERE need,
    which an index can answer (organisation's institution index holds the region, the name
    key and the dates); the per-row annotations (today's branch, instructor, inspection
    status: correlated subqueries) are then computed for the page's 50 rows only, not for
    every row the database sorts. Same rows, same order, one more query at every size.

    `read_rows(keys)`, when given, reads those rows instead of the table's queryset: records
    with the attributes the table's row_cells draws (see rows_by_key), in any order; when it
    answers None the queryset reads them.
    """
    page = getattr(table, "page", None)
    rows = getattr(page, "object_list", None)
    sliced = getattr(rows, "data", None)
    ordered = getattr(table.data, "data", None)
    if not isinstance(sliced, QuerySet) or not isinstance(ordered, QuerySet):
        return
    if (sliced._result_cache is not None or ordered.query.combinator or ordered.query.distinct
            or sliced._iterable_class is not ModelIterable
            # A window function (a rank) would be computed over the page's rows only.
            or any(getattr(annotation, "contains_over_clause", False)
                   for annotation in ordered.query.annotations.values())):
        return
    keys = list(sliced.values_list("pk", flat=True))
    if not keys:
        records = {}
    else:
        read = read_rows(keys) if read_rows is not None else None
        if read is None:
            read = ordered.filter(pk__in=keys)
        records = {record.pk: record for record in read}
    # In the keys' order: the same as one query's, ties included.
    rows.data = [records[key] for key in keys if key in records]


class Named:
    """A related row of which a list row shows only the name (record.region.name)."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name


# SQL of rows_by_key, compiled once per key in each thread (a compiler holds its thread's
# connection).
_compiled = threading.local()
SQL_KEPT = 64


def rows_by_key(cache_key, build, fields: tuple[str, ...], keys: list) -> list[tuple]:
    """`build().values_list(*fields)` of the rows whose primary key is in `keys`, in no set
    order, with the query compiled once per `cache_key` instead of on every request.

    A list page's rows carry annotations (correlated subqueries) that take the ORM longer to
    build and compile than the database to run, and model instances it then does not need.
    `build` must return the same unfiltered queryset for the same cache_key (everything its
    SQL depends on, e.g. the day, belongs in the key); its SQL then gets
    `WHERE <primary key> IN (keys)` appended, with the values Django's converters give.
    """
    if not keys:
        return []
    kept = getattr(_compiled, "rows", None)
    if kept is None:
        kept = _compiled.rows = {}
    entry = kept.get(cache_key)
    if entry is None:
        queryset = build().order_by().values_list(*fields)
        query = queryset.query
        if query.where or query.group_by or query.distinct or query.combinator or query.is_sliced:
            raise ValueError("rows_by_key needs a queryset without filters or slices")
        compiler = query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        quote = compiler.quote_name_unless_alias
        meta = queryset.model._meta
        column = f"{quote(meta.db_table)}.{quote(meta.pk.column)}"
        converters = compiler.get_converters(
            [expression for expression, _sql, _alias in compiler.select[:compiler.col_count]])
        entry = (f"{sql} WHERE {column} IN (", tuple(params), compiler, converters, queryset.db)
        if len(kept) >= SQL_KEPT:
            kept.clear()
        kept[cache_key] = entry
    head, params, compiler, converters, alias = entry
    with connections[alias].cursor() as cursor:
        cursor.execute(f"{head}{', '.join(['%s'] * len(keys))})", (*params, *keys))
        rows = cursor.fetchall()
    if converters:
        return _converted(rows, converters, compiler.connection)
    return rows


# Converted values that may be shared between rows: nobody can change them.
_IMMUTABLE = frozenset({int, float, str, bool, bytes, Decimal, date, datetime, time,
                        type(None)})


def _converted(rows, converters, connection) -> list[tuple]:
    """compiler.apply_converters, each column's converters run once per distinct raw value:
    a page's rows repeat the same few amounts, and a decimal converter (SQLite) builds and
    quantizes a Decimal each time. Only results of immutable types are shared."""
    plan = [(pos, converters_of, expression, {})
            for pos, (converters_of, expression) in converters.items()]
    out = []
    for row in rows:
        row = list(row)
        for pos, converters_of, expression, memo in plan:
            raw = row[pos]
            # The type too: 1, 1.0 and True are equal keys of a dict.
            key = (type(raw), raw)
            try:
                row[pos] = memo[key]
                continue
            except KeyError:
                pass
            except TypeError:  # an unhashable raw value
                key = None
            value = raw
            for converter in converters_of:
                value = converter(value, expression, connection)
            if key is not None and type(value) in _IMMUTABLE:
                memo[key] = value
            row[pos] = value
        out.append(tuple(row))
    return out
