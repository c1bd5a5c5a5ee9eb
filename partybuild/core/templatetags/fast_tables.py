"""The body rows of a django-tables2 table, drawn in Python instead of nested template loops.

django-tables2's template renders every cell through three template tags and recomputes the
column's attributes for each one; on a 50-row list page that is most of the page's time.
This tag writes the same markup: the row attributes, each column's td attributes, and each
cell localised exactly as `{{ cell }}`, `|localize` or `|unlocalize` would.
"""

from dataclasses import dataclass
from functools import partial

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template.base import render_value_in_context
from django.utils.encoding import force_str
from django.utils.formats import localize
from django.utils.hashable import make_hashable
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.columns.manytomanycolumn import ManyToManyColumn
from django_tables2.utils import Accessor, call_with_appropriate

register = template.Library()


def _depends_on_the_record(table, bound_column) -> bool:
    """Whether the column's td attributes are computed from each cell (callables).

    The attributes are merged as BoundColumn.attrs merges them: the table's, then the
    column's, with "td" falling back to "cell".
    """
    attrs = {**table.attrs, **(bound_column.column.attrs or {})}
    td = attrs.get("td", attrs.get("cell", {})) or {}
    return any(callable(value) for value in td.values())


def _cell_html(bound_column, cell, context) -> str:
    if bound_column.localize is None:
        return render_value_in_context(cell, context)
    return conditional_escape(localize(cell, use_l10n=bool(bound_column.localize)))


@dataclass(frozen=True, slots=True)
class _Plan:
    """What BoundRow.get_cell looks up again for every cell, looked up once per column."""

    bound_column: object
    accessor: Accessor
    column: object
    render: object
    default_is_callable: bool
    is_manytomany: bool
    text_link: bool


def _plan(bound_column) -> _Plan:
    column = bound_column.column
    return _Plan(bound_column, Accessor(bound_column.accessor), column, bound_column.render,
                 callable(column.default), isinstance(column, ManyToManyColumn),
                 isinstance(column, BaseLinkColumn) and column.text is not None)


def _render(row, plan: _Plan, value=None):
    """BoundRow._call_render."""
    kwargs = {"value": value, "record": row.record, "column": plan.column,
              "bound_column": plan.bound_column, "bound_row": row, "table": row.table}
    content = call_with_appropriate(plan.render, kwargs)
    link = plan.bound_column.link
    return link(content, **kwargs) if link else content


def _cell(row, plan: _Plan):
    """BoundRow._get_and_render_with(render_func=_call_render), step for step.

    django-tables2 finds the column by name in a linear scan and re-reads the column's
    render method and accessor for every cell; the rest is the same code.
    """
    record = row.record
    accessor = plan.accessor
    value = None
    penultimate, remainder = accessor.penultimate(record)
    if isinstance(penultimate, models.Model):
        try:
            field = _field(accessor, record, penultimate, remainder)
            display_fn = getattr(penultimate, f"get_{remainder}_display", None)
            if getattr(field, "choices", ()) and display_fn:
                value = _display(penultimate, field, display_fn)
                remainder = None
        except FieldDoesNotExist:
            pass
    if remainder:
        try:
            value = accessor.resolve(record)
        except Exception:
            if plan.text_link:
                return _render(row, plan)
    if value in plan.column.empty_values or (plan.is_manytomany and not value.exists()):
        return plan.bound_column.default
    return _render(row, plan, value)


_fields: dict = {}
_choices: dict = {}


def _field(accessor, record, penultimate, remainder):
    """accessor.get_field(record), remembered per (record class, accessor, model class):
    a model's fields do not change while the process runs."""
    key = (type(record), str(accessor), type(penultimate), remainder)
    try:
        return _fields[key]
    except KeyError:
        pass
    except TypeError:
        return accessor.get_field(record)
    field = _fields[key] = accessor.get_field(record)
    return field


def _display(instance, field, display_fn):
    """get_FOO_display() without rebuilding the field's choices for every cell.

    Model._get_FIELD_display makes a dict of make_hashable(field.flatchoices) on every call;
    here it is made once per field. Only Django's own get_FOO_display is replaced (no model
    of the project overrides one; an override is called as it is).
    """
    # Django makes get_FOO_display a partialmethod of Model._get_FIELD_display(field=...).
    if not (isinstance(display_fn, partial)
            and getattr(display_fn.func, "__func__", None) is models.Model._get_FIELD_display
            and display_fn.keywords.get("field") is field):
        return display_fn()
    try:
        choices = _choices[field]
    except KeyError:
        choices = _choices[field] = dict(make_hashable(field.flatchoices))
    value = getattr(instance, field.attname)
    return force_str(choices.get(make_hashable(value), value), strings_only=True)


def _row_items(row, plans):
    """BoundRow.items(): each column's cell, with current_value/current_record set for
    attributes computed per cell."""
    for plan in plans:
        bound_column = plan.bound_column
        bound_column.current_value = _cell(row, plan)
        bound_column.current_record = row.record
        yield bound_column, bound_column.current_value


def generic_body_rows(table, context):
    """The <tr> rows of the table's current page, or its empty text when it has none."""
    columns = list(table.columns)
    # None where the attributes must be computed for each cell.
    fixed_td = [None if _depends_on_the_record(table, column) else column.attrs["td"].as_html()
                for column in columns]
    rows = []
    plans = [_plan(column) for column in columns]
    for row in table.paginated_rows:
        cells = []
        for index, (column, cell) in enumerate(_row_items(row, plans)):
            td = fixed_td[index] if fixed_td[index] is not None else column.attrs["td"].as_html()
            cells.append(f"<td {td}>{_cell_html(column, cell, context)}</td>")
        rows.append(f"<tr {row.attrs.as_html()}>{''.join(cells)}</tr>")
    if not rows and table.empty_text:
        return format_html('<tr><td colspan="{}">{}</td></tr>', len(columns), table.empty_text)
    return mark_safe("\n".join(rows))


@register.simple_tag(takes_context=True)
def table_body_rows(context, table):
    """The rows ListPage drew before rendering (core.table_rows), or drawn now for a table
    rendered elsewhere."""
    drawn = getattr(table, "body_html", None)
    if drawn is not None:
        return drawn
    return generic_body_rows(table, context)
