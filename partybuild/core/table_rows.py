"""The body rows of a list page's table, drawn once in the view as plain HTML strings.

django-tables2 draws every cell through template tags, its accessors and the column's render
method; on a 50-row page that was most of the page's time. ListPage draws the rows here
before the template runs, in one of two ways:

- a table that defines `row_plan()` (the busiest lists) says per column which of the row's
  values its cell shows and how (ByValue, PerRow); the rows are then drawn column by column,
  a cell that depends on one value drawn once per distinct value on the page;
- any other table goes through core.templatetags.fast_tables, django-tables2's own cell code
  with its per-cell look-ups done once per column.

Both write exactly the markup django-tables2's template would (tests/perf compare them).
"""

import threading
from decimal import Decimal
from functools import partial
from html import escape as _html_escape
from operator import attrgetter, itemgetter

from django.conf import settings
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable
from django.template import Context
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.formats import get_format, localize
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django_tables2 import Table
from django_tables2.utils import AttributeDict

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
    if arity == 2:
        head, middle, tail = parts

        def build_two(first, second) -> str:
            return f"{head}{int(first)}{middle}{int(second)}{tail}"

        return build_two

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


def link_html(url: str, content: str) -> str:
    """<a href="url">content</a> with an escaped url and content already HTML."""
    return f'<a href="{url}">{content}</a>'


def badge_html(label, tone: str = "") -> str:
    """organisation.tables.badge, without format_html's per-call overhead."""
    return f'<span class="badge {escape(tone)}">{conditional_escape(label)}</span>'


def shown(value) -> str | None:
    """A cell showing the value as `{{ value }}` would, or None (the column's blank) for
    django-tables2's empty values, None and ""."""
    if value is None or (isinstance(value, str) and not value):
        return None
    return text(value)


def page_shown():
    """shown() for the active language, with its number format looked up once: localize()
    looks the language and three formats up again for every number, which on a score page
    cost more than the rest of its cells. Falls back on shown() for grouped numbers
    (USE_THOUSAND_SEPARATOR) and for anything but str, int and finite Decimals."""
    language = get_language()
    if settings.USE_THOUSAND_SEPARATOR and get_format(
            "NUMBER_GROUPING", language, use_l10n=True) != 0:
        return shown
    separator = get_format("DECIMAL_SEPARATOR", language, use_l10n=True)

    def shown_here(value) -> str | None:
        kind = type(value)
        if kind is str:
            return _html_escape(value) if value else None
        if kind is int:
            # django.utils.numberformat.format: an ungrouped int is str(int).
            return str(value)
        # numberformat.format writes {:f}, its point the separator, when the digits and
        # exponent count up to 200 (100 characters of {:f} at most are within that).
        if kind is Decimal and value.is_finite() and -100 <= value.adjusted() <= 100:
            written = f"{value:f}"
            if len(written) <= 100:
                return _html_escape(written.replace(".", separator, 1)
                                    if separator != "." else written)
        return shown(value)

    return shown_here


class ByValue:
    """A column whose cell depends on one value of the row only (a number, a name, a badge):
    `draw(value)` gives the cell's HTML, or None for the column's blank, and runs once per
    distinct value on a page; without a draw, the value is shown as `{{ value }}` shows it."""

    __slots__ = ("field", "draw")

    def __init__(self, field: str, draw=None):
        self.field = field
        self.draw = draw


class PerRow:
    """A column whose cell needs several values of its row (a link to the row's page):
    `draw(*values of fields)` gives the cell's HTML, or None for the column's blank."""

    __slots__ = ("fields", "draw")

    def __init__(self, draw, *fields: str):
        self.fields = fields
        self.draw = draw


class ReadRow(tuple):
    """One row of ReadRows: the database's values of its fields by position, for drawing, and
    by the fields' names as attributes with Django's converters run (record.name,
    record.institution.region.name for "institution__region__name"), as the model instance's
    would read; rows_by_key makes a subclass per query knowing its fields and converters."""

    __slots__ = ()
    _positions: dict = {}
    _converters: dict = {}

    def __getattr__(self, name):
        position = self._positions.get(name)
        if position is not None:
            convert = self._converters.get(position)
            return self[position] if convert is None else convert(self[position])
        prefix = f"{name}__"
        if any(field.startswith(prefix) for field in self._positions):
            return _Related(self, prefix)
        raise AttributeError(name)


class _Related:
    """A related row's fields of a ReadRow (record.institution.name)."""

    __slots__ = ("_row", "_prefix")

    def __init__(self, row: ReadRow, prefix: str):
        self._row, self._prefix = row, prefix

    def __getattr__(self, name):
        return getattr(self._row, f"{self._prefix}{name}")


class ReadRows(list):
    """A page's rows read as tuples of the values named by `fields`, as the database gave them
    (rows_by_key): `converters` maps a position to the function turning its raw value into
    the model field's (a Decimal from SQLite's float); drawing runs it once per distinct
    value instead of on every row. The rows are ReadRow, whose attributes read converted."""

    __slots__ = ("fields", "converters")

    def __init__(self, rows, fields: tuple[str, ...], converters: dict):
        super().__init__(rows)
        self.fields = fields
        self.converters = converters


_NoneType = type(None)
# Equal values of one of these types show the same (not so 5 and 5.0, Decimal("5.0") and
# Decimal("5.00"), 0.0 and -0.0, 1 and True).
_ONE_TEXT_PER_VALUE = frozenset({int, str, bool})


def _alike_when_equal(values: list) -> bool:
    """Whether equal values in `values` always show the same, so that a cell drawn for one
    may serve the others (a dict keyed by value)."""
    types = set(map(type, values))
    types.discard(_NoneType)
    if len(types) <= 1 and types <= _ONE_TEXT_PER_VALUE:
        return True
    try:
        # A repr names one value of one type (of the types a database gives), drawn one
        # way: as many reprs as distinct values means no two equal values differ.
        return len(set(values)) == len(set(map(repr, values)))
    except TypeError:  # an unhashable value
        return False


class _Cells(dict):
    """One column's drawn cells (opening td to closing) by value, each drawn on first use."""

    __slots__ = ("draw", "convert", "td", "blank")

    def __init__(self, draw, convert, td: str, blank: str):
        super().__init__()
        self.draw, self.convert, self.td, self.blank = draw, convert, td, blank

    def __missing__(self, value) -> str:
        cell = self[value] = self.cell(value)
        return cell

    def cell(self, value) -> str:
        if self.convert is not None:
            value = self.convert(value)
        inner = self.draw(value)
        return self.blank if inner is None else f"{self.td}{inner}</td>"


def draw_column(values: list, draw=shown, *, convert=None, td: str = "<td >",
                blank: str = "<td >—</td>") -> list[str]:
    """The cells of a ByValue column for these (raw) values: `convert` then `draw` run once
    per distinct value when equal values are sure to show alike, else once per cell."""
    cells = _Cells(draw, convert, td, blank)
    if _alike_when_equal(values):
        return [cells[value] for value in values]
    return [cells.cell(value) for value in values]


def _td_html(table, bound_column) -> str | None:
    """bound_column.attrs["td"].as_html() when the column's td attributes are fixed, else
    None (they are computed per cell); without the th and tf attributes .attrs also builds."""
    attrs = {**table.attrs, **(bound_column.column.attrs or {})}
    td = attrs.get("td", attrs.get("cell", {})) or {}
    if not td and type(table).get_column_class_names is Table.get_column_class_names:
        return ""  # the common case: no attributes, no class
    if any(callable(value) or isinstance(value, dict) for value in td.values()):
        return None
    td = AttributeDict(td)
    td["class"] = bound_column.get_td_class(td)
    return td.as_html()


_PLAN = "_fast_rows_plan"


def _columns_plan(table) -> list | None:
    """[(ByValue or PerRow, opening <td ...>, blank cell)] in column order, worked out once per
    table; None when the table has no row_plan or draws a row or cell django-tables2's way
    (row attributes, pinned rows, computed td attributes, a column row_plan leaves out)."""
    try:
        return table.__dict__[_PLAN]
    except KeyError:
        pass
    plan = None
    row_plan = getattr(table, "row_plan", None)
    if row_plan is not None and not table.row_attrs and not any(table.pinned_data.values()):
        specs = row_plan()
        plan = []
        defaults = {}  # escaped once: every column's is usually the table's "—"
        for column in table.columns:
            td = _td_html(table, column)
            spec = specs.get(column.name)
            if td is None or spec is None:
                plan = None
                break
            default = column.default
            try:
                blank = defaults[default]
            except (KeyError, TypeError):
                blank = conditional_escape(default)
                if type(default) is str:
                    defaults[default] = blank
            plan.append((spec, f"<td {td}>", f"<td {td}>{blank}</td>"))
    table.__dict__[_PLAN] = plan
    return plan


def draws_rows_fast(table) -> bool:
    """Whether fast_body_rows draws the table's rows (from ReadRows too)."""
    return _columns_plan(table) is not None


def _record_values(table, records) -> tuple[list, tuple, dict]:
    """The page's rows as value tuples in table.row_values order, their field names and the
    converters still to run (ReadRows), or read from model instances' attributes."""
    if isinstance(records, ReadRows):
        return records, records.fields, records.converters
    fields = table.row_values
    values_of = attrgetter(*(field.replace("__", ".") for field in fields))
    return [values_of(record) for record in records], fields, {}


def _per_row_cells(spec: PerRow, rows: list, index: dict, converters: dict, td: str,
                   blank: str) -> list[str]:
    positions = [index[field] for field in spec.fields]
    values_of = itemgetter(*positions)
    draw = spec.draw
    if len(positions) == 1:
        argument_rows = [(value,) for value in map(values_of, rows)]
    else:
        argument_rows = list(map(values_of, rows))
    if any(position in converters for position in positions):
        convert = [converters.get(position) for position in positions]
        argument_rows = [tuple(value if function is None else function(value)
                               for function, value in zip(convert, arguments, strict=True))
                         for arguments in argument_rows]
    return [blank if (inner := draw(*arguments)) is None else f"{td}{inner}</td>"
            for arguments in argument_rows]


def fast_body_rows(table) -> SafeString | None:
    """The <tr> rows of the table's current page drawn from table.row_plan(), or None when
    the table has none or django-tables2 must draw them (_columns_plan).

    Drawn column by column: a ByValue column draws each distinct value of the page once
    (converting a raw value of ReadRows first), a PerRow column each row."""
    plan = _columns_plan(table)
    if plan is None:
        return None
    page = table.paginated_rows.data
    records = getattr(page, "data", page)
    if not isinstance(records, list):
        records = list(page)
    rows, fields, converters = _record_values(table, records)
    index = {field: position for position, field in enumerate(fields)}
    shown_here = page_shown()
    columns = []
    for spec, td, blank in plan:
        if type(spec) is ByValue:
            position = index[spec.field]
            columns.append(draw_column([row[position] for row in rows], spec.draw or shown_here,
                                       convert=converters.get(position), td=td, blank=blank))
        else:
            columns.append(_per_row_cells(spec, rows, index, converters, td, blank))
    # As django-tables2's BoundRow numbers them, on the table's own counter.
    counter = table._counter
    drawn = [f'<tr class="{"odd" if next(counter) % 2 else "even"}">{"".join(cells)}</tr>'
             for cells in zip(*columns, strict=True)]
    if not drawn and table.empty_text:
        return format_html('<tr><td colspan="{}">{}</td></tr>', len(plan), table.empty_text)
    return mark_safe("\n".join(drawn))


def body_rows_html(table) -> SafeString:
    """The table's body rows as its template would draw them (see the module's docstring)."""
    fast = fast_body_rows(table)
    if fast is not None:
        return fast
    # Imported here: the template tag library imports this module's helpers.
    from .templatetags.fast_tables import generic_body_rows

    return generic_body_rows(table, Context(autoescape=True))


def fetch_page_in_two_steps(table, read_rows=None, read_keys=None) -> None:
    """Read the current page as the primary keys of its rows first, then those rows.

    The ordered, filtered list is read with only the columns its ORDER BY and WHERE need,
    which an index can answer (organisation's institution index holds the region, the name
    key and the dates); the per-row annotations (today's branch, instructor, inspection
    status: correlated subqueries) are then computed for the page's 50 rows only, not for
    every row the database sorts. Same rows, same order, one more query at every size.

    `read_rows(keys)`, when given and the table draws its rows from a row_plan, reads those
    rows instead of the table's queryset, in any order: ReadRows of the table's row_values
    (see rows_by_key), or records with those attributes; when it answers None the queryset
    reads them.

    `read_keys(sliced)`, when given, may answer the page's primary keys in its own way (a
    query a database plans better), or None to read them from the sliced queryset.
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
    keys = read_keys(sliced) if read_keys is not None else None
    if keys is None:
        keys = list(sliced.values_list("pk", flat=True))
    read = None
    # Rows read as values can only be drawn by fast_body_rows.
    if keys and read_rows is not None and draws_rows_fast(table):
        read = read_rows(keys)
    if isinstance(read, ReadRows):
        key_of = itemgetter(read.fields.index("pk"))
        records = {key_of(row): row for row in read}
    else:
        if read is None:
            read = ordered.filter(pk__in=keys) if keys else []
        records = {record.pk: record for record in read}
    # In the keys' order: the same as one query's, ties included.
    ordered_rows = [records[key] for key in keys if key in records]
    rows.data = (ReadRows(ordered_rows, read.fields, read.converters)
                 if isinstance(read, ReadRows) else ordered_rows)


# SQL of rows_by_key, compiled once per key in each thread (a compiler holds its thread's
# connection).
_compiled = threading.local()
SQL_KEPT = 64


def rows_by_key(cache_key, build, fields: tuple[str, ...], keys: list) -> ReadRows:
    """`build().values_list(*fields)` of the rows whose primary key is in `keys`, in no set
    order, with the query compiled once per `cache_key` instead of on every request.

    A list page's rows carry annotations (correlated subqueries) that take the ORM longer to
    build and compile than the database to run, and model instances it then does not need.
    `build` must return the same unfiltered queryset for the same cache_key (everything its
    SQL depends on, e.g. the day, belongs in the key); its SQL then gets
    `WHERE <primary key> IN (keys)` appended. The values are the database's own: the
    converters Django would run on them come along (ReadRows), for fast_body_rows to run
    once per distinct value.
    """
    if not keys:
        return ReadRows((), fields, {})
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
        converters = {position: _converter(functions, expression, compiler.connection)
                      for position, (functions, expression) in converters.items()}
        row_class = type("ReadRow", (ReadRow,), {
            "__slots__": (), "_converters": converters,
            "_positions": {field: position for position, field in enumerate(fields)}})
        entry = (f"{sql} WHERE {column} IN (", tuple(params), converters,
                 partial(tuple.__new__, row_class), queryset.db)
        if len(kept) >= SQL_KEPT:
            kept.clear()
        kept[cache_key] = entry
    head, params, converters, make_row, alias = entry
    with connections[alias].cursor() as cursor:
        cursor.execute(f"{head}{', '.join(['%s'] * len(keys))})", (*params, *keys))
        return ReadRows(map(make_row, cursor.fetchall()), fields, converters)


def _converter(functions, expression, connection):
    """One column's converters (compiler.get_converters) as a function of the raw value."""

    def convert(value):
        for function in functions:
            value = function(value, expression, connection)
        return value

    return convert
