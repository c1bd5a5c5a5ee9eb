"""The health check and the base of every list page."""

import copy
from functools import partial

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIteratorValue
from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise, cached_property
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_GET
from django_filters import fields as filter_fields
from django_filters import filters as filter_filters
from django_filters import filterset as filter_filterset
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from .access import StructureReaderRequiredMixin
from .exports import TableExportMixin
from .forms import FastSelect, draw_fields, draw_selects_fast
from .memo import KeptValues
from .table_html import can_draw, draw_table
from .table_rows import body_rows_html, fetch_page_in_two_steps

# The print view (?print=1) shows every filtered row on one page, up to this many: beyond
# it a browser takes minutes to lay the table out, and nobody files 100 printed pages.
PRINT_MAX_ROWS = 5000


def printing(request) -> bool:
    """Whether the page is asked for as its print view (?print=1; templates/base.html too)."""
    return request.GET.get("print") == "1"


def filters_in_words(form: forms.BaseForm) -> list[str]:
    """The active filters as the printed heading states them: "label：value"."""
    data = getattr(form, "cleaned_data", {}) or {}
    lines = []
    for name, field in form.fields.items():
        value = data.get(name)
        if value in (None, "", [], ()):
            continue
        if isinstance(value, bool):
            shown = gettext("是") if value else gettext("否")
        elif isinstance(field, forms.ChoiceField) and not isinstance(
                field, forms.ModelChoiceField):
            shown = str(dict(field.choices).get(value, value))
        else:
            shown = str(value)
        lines.append(gettext("%(label)s：%(value)s") % {"label": field.label, "value": shown})
    return lines


class KeptCountPaginator(Paginator):
    """A Paginator of a table's rows that asks `keep(queryset)` for the number of rows."""

    def __init__(self, *args, keep, **kwargs):
        self.keep = keep
        super().__init__(*args, **kwargs)

    @cached_property
    def count(self):
        # The rows are django-tables2's BoundRows over a TableQuerysetData over the queryset.
        queryset = getattr(getattr(self.object_list, "data", None), "data", None)
        if isinstance(queryset, QuerySet):
            return self.keep(queryset)
        return super().count


def _flat_choices(choices) -> bool:
    """Whether a choices list holds only (value, label) pairs of values nobody changes."""
    return type(choices) is list and all(
        type(choice) is tuple and not any(isinstance(part, (list, tuple, dict))
                                          for part in choice)
        for choice in choices)


class CopiedLightly(dict):
    """A kept filter set's base_filters, or its form class's base_fields: each filter set and
    each form copies them as before (copy.deepcopy: filters, fields, widgets, error
    messages, validators), except a flat choices list, which each copy gets as a new list of
    the same (value, label) pairs.

    Deep-copying the pairs rebuilt every translatable label of every choice, twice per view
    (the filters, then the form's fields), for tuples nobody can change.
    """

    def __deepcopy__(self, memo):
        for item in self.values():
            choices = getattr(item, "_choices", None)  # a form field
            # django-filter's ChoiceField keeps its list inside a ChoiceIterator; a filter
            # keeps it among the arguments of the field it builds.
            extra = getattr(item, "extra", None)
            for candidate in (choices, getattr(choices, "choices", None),
                              extra.get("choices") if isinstance(extra, dict) else None):
                if _flat_choices(candidate):
                    memo[id(candidate)] = list(candidate)
            # Translatable labels are immutable too: shared, not rebuilt.
            for value in (*vars(item).values(),
                          *(extra.values() if isinstance(extra, dict) else ())):
                if isinstance(value, Promise):
                    memo[id(value)] = value
        return {name: _filter_copy(item) if type(item) in _PLAIN_FILTERS
                else copy.deepcopy(item, memo) for name, item in self.items()}


def _filter_copy(original):
    """copy.deepcopy of a filter of the plain kinds: its arguments copied one level down
    (the form field built from them copies its widget and choices itself), and a method
    filter's FilterMethod made anew for the copy, as Filter.__init__ makes it."""
    result = copy.copy(original)
    result.extra = original.extra.copy()
    if original.method is not None:
        result.method = original.method  # the setter binds a new FilterMethod to the copy
    return result


# Filters whose form field is the same for every request, but for a request's queryset
# (QuerySetRequestMixin), which keep_form_class sets per form.
_PLAIN_FILTERS = (filter_filters.CharFilter, filter_filters.ChoiceFilter,
                  filter_filters.ModelChoiceFilter, filter_filters.BooleanFilter,
                  filter_filters.NumberFilter, filter_filters.DateFilter)
_form_classes: dict = {}


def keep_form_class(filterset) -> None:
    """Build the filterset's form class once per FilterSet class, not on every request.

    django-filter's get_form_class builds every filter's form field and a new Form class per
    request; for filters of the plain kinds above the fields differ only in a
    ModelChoiceFilter's queryset, which is the request's (visible_regions(request)...): the
    form built from the kept class gets it per request. Each form still deep-copies the
    fields it uses, as Django's forms do.
    """
    cls = type(filterset)
    base = filter_filterset.BaseFilterSet
    # A FilterSet with an __init__ of its own may drop or change filters per request
    # (visits.filters.ScopedListFilter does, for instructors): built every time, as before.
    if (cls.get_form_class is not base.get_form_class or cls.__init__ is not base.__init__
            or list(filterset.filters) != list(cls.base_filters)
            or any(type(f) not in _PLAIN_FILTERS for f in filterset.filters.values())):
        return
    form_class = _form_classes.get(cls)
    if form_class is None:
        form_class = filterset.get_form_class()
        form_class.base_fields = CopiedLightly(form_class.base_fields)
        # Read by every later filter set of the class (FilterSet.__init__ copies them).
        cls.base_filters = CopiedLightly(cls.base_filters)
        _form_classes[cls] = form_class
    request_querysets = {name: f for name, f in filterset.filters.items()
                         if isinstance(f, filter_filters.QuerySetRequestMixin)}

    def get_form_class():
        if not request_querysets:
            return form_class

        # Not a class: FilterSet.form only calls it, and a class per request is what costs.
        def form_with_request_querysets(*args, **kwargs):
            form = form_class(*args, **kwargs)
            for name, f in request_querysets.items():
                queryset = f.get_queryset(f.get_request())
                if queryset is not None:
                    form.fields[name].queryset = queryset
            return form

        return form_with_request_querysets

    filterset.get_form_class = get_form_class


def use_kept_choices(field, keep) -> None:
    """Give a plain ModelChoiceField (django-filter's or Django's) the rows keep(queryset)
    answers, for its options and for checking the chosen value, instead of two queries.

    The options are drawn as ModelChoiceIterator gives them and a value is accepted or
    refused as queryset.get(pk=value) would (forms.ModelChoiceField.to_python), with the
    same error message.
    """
    if (type(field) not in (forms.ModelChoiceField, filter_fields.ModelChoiceField)
            or getattr(field, "null_label", None) is not None
            or type(field.widget) is not FastSelect
            or "to_python" in vars(field)):
        return
    queryset = field.queryset
    if queryset is None or queryset._prefetch_related_lookups:
        return
    rows = keep(queryset)
    if rows is None:
        return
    key = field.to_field_name or "pk"
    model_field = queryset.model._meta.pk if key == "pk" else queryset.model._meta.get_field(key)
    by_key = {getattr(row, key): row for row in rows}
    choices = [("", field.empty_label)] if field.empty_label is not None else []
    choices += [(ModelChoiceIteratorValue(field.prepare_value(row), row),
                 field.label_from_instance(row)) for row in rows]
    field.widget.choices = choices
    # The drawn filter fields may be reused while these very rows are (drawn_filter_fields).
    field.kept_rows = rows

    def to_python(value):
        if value in field.empty_values:
            return None
        field.validate_no_null_characters(value)
        if isinstance(value, queryset.model):
            value = getattr(value, key)
        try:
            found = by_key.get(model_field.to_python(value))
        except (ValueError, TypeError, ValidationError):
            found = None
        if found is None:
            raise ValidationError(field.error_messages["invalid_choice"], code="invalid_choice",
                                  params={"value": value})
        return found

    field.to_python = to_python


# The drawn filter fields of kept form classes, by everything they show (see below).
_drawn_fields = KeptValues(512)


def drawn_filter_fields(form: forms.BaseForm) -> SafeString:
    """draw_fields(form), reused for a form of a kept class with the same submitted values,
    the same language and the same kept rows behind its model choices.

    That is all the drawing depends on: the fields, labels and widgets come from the class,
    the values and errors from the submitted data (and the choices it is checked against),
    the labels' words from the language. A form whose model choices are read per request
    (not kept rows) is drawn every time.
    """
    if type(form) not in _form_classes.values() or form.files:
        return draw_fields(form)
    rows = []
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            kept_rows = getattr(field, "kept_rows", None)
            if kept_rows is None:
                return draw_fields(form)
            rows.append(kept_rows)
    data = form.data
    values = tuple((name, tuple(data.getlist(name)) if hasattr(data, "getlist")
                    else data.get(name)) for name in (form.add_prefix(n) for n in form.fields))
    # The rows themselves are held by the kept value, so their ids are not reused meanwhile.
    key = (type(form), get_language(), form.prefix, form.auto_id, values,
           tuple(id(r) for r in rows))
    kept_rows, html = _drawn_fields.get_or_build(key, lambda: (rows, draw_fields(form)))
    if any(a is not b for a, b in zip(kept_rows, rows, strict=True)):  # an id reused
        return draw_fields(form)
    return html


class ListPage(StructureReaderRequiredMixin, TableExportMixin, SingleTableMixin, FilterView):
    """A sortable, filterable, paginated, exportable, printable list; get_queryset returns the
    selector."""

    # A function(queryset, request_key) -> int giving the number of filtered rows (an app's
    # kept count; request_key names everything the queryset was built from, see count_key),
    # or None to run COUNT(*) on every view.
    count_rows = None
    # A function(queryset, request_key) -> list | None giving the rows of a filter's choices,
    # kept between requests (an app's kept rows; request_key as count_rows's, with the
    # field's name), or None (the default) to read them on every view.
    keep_choices = None
    # Read the page as its rows' keys first, then those rows (core.table_rows): one query
    # more, which pays where the rows carry costly per-row columns over a large table (the
    # institution and score lists); elsewhere one query a page is cheaper.
    read_page_in_two_steps = False

    def read_rows(self, keys):
        """The page's rows of these primary keys (core.table_rows.fetch_page_in_two_steps), or
        None to read them through the table's queryset; a page reads them cheaper."""
        return None

    # A function(sliced, request_key, read) -> list giving the page's primary keys, kept
    # between requests while the tables they are read from have not changed (an app's kept
    # page keys; read() reads them), or None to read them on every view.
    keep_page_keys = None

    def read_page_keys(self, sliced):
        """The primary keys of the page's rows (sliced: the page's slice of the filtered,
        ordered queryset), or None to read them from it; a page may read them cheaper."""
        return None

    def page_keys(self, sliced):
        """read_page_keys(sliced), or the plain read, kept by keep_page_keys when the page
        has one, named by the request (count_key), the order and the slice."""

        def read():
            keys = self.read_page_keys(sliced)
            return list(sliced.values_list("pk", flat=True)) if keys is None else keys

        if self.keep_page_keys is None:
            return read()
        query = sliced.query
        request_key = (self.count_key(), "keys", tuple(map(str, query.order_by)),
                       query.low_mark, query.high_mark)
        return self.keep_page_keys(sliced, request_key=request_key, read=read)

    def get_table_pagination(self, table):
        if self.export_format():
            return False
        if printing(self.request):
            # One page holding every filtered row (up to the cap), so the paginator still
            # counts them all for the notice when the cap cuts the list.
            options = {"per_page": PRINT_MAX_ROWS}
        else:
            # Read at request time so a changed setting (or a test override) applies.
            options = {"per_page": settings.LIST_PAGE_SIZE}
        if self.count_rows is not None:
            options["paginator_class"] = partial(
                KeptCountPaginator, keep=partial(self.count_rows, request_key=self.count_key()))
        return options

    def count_key(self) -> tuple:
        """Everything the filtered queryset is built from: the page and its URL's arguments,
        the user and their scope (a user's region may be changed), the day, the language and
        the query string but for the page and the sort, which only pick and order rows (the
        count drops the order)."""
        kept = getattr(self, "_count_key", None)
        if kept is not None:
            return kept
        user = self.request.user
        region = getattr(user, "region", None)  # read with the user (UserWithRegionBackend)
        who = (user.pk, getattr(user, "role", None), user.is_superuser, user.is_active,
               getattr(region, "pk", None), getattr(region, "path", None))
        query = tuple(sorted((key, tuple(values)) for key, values in self.request.GET.lists()
                             if key not in ("page", "sort")))
        self._count_key = (type(self).__module__, type(self).__qualname__,
                           tuple(sorted(self.kwargs.items())), who, timezone.localdate(),
                           get_language(), query)
        return self._count_key

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        keep_form_class(filterset)
        draw_selects_fast(filterset.form)
        if self.keep_choices is not None:
            count_key = self.count_key()
            for name, field in filterset.form.fields.items():
                use_kept_choices(field, partial(self.keep_choices,
                                                request_key=(count_key, "choices", name)))
        return filterset

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        if not self.export_format():
            if self.read_page_in_two_steps:
                fetch_page_in_two_steps(table, read_rows=self.read_rows,
                                        read_keys=self.page_keys)
            # Drawn here, as plain HTML, so the template only pastes them (core.table_rows).
            table.body_html = body_rows_html(table)
        return table

    def get_table_kwargs(self):
        return {"user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_title"] = self.export_name
        if not self.export_format():
            context["filter_html"] = drawn_filter_fields(self.filterset.form)
        table = context.get("table")
        paginator = getattr(table, "paginator", None)
        if (not self.export_format() and paginator is not None and paginator.count
                and can_draw(table)):
            # Drawn here, as plain HTML, so the template only pastes it (core.table_html).
            context["table_html"] = draw_table(table, self.request)
        context["filtered"] = any(
            value for key, value in self.request.GET.items() if key in self.filterset.filters
        )
        if printing(self.request):
            context["print_filters"] = filters_in_words(self.filterset.form)
            context["print_max_rows"] = PRINT_MAX_ROWS
        return context


@login_not_required
@require_GET
def health(request):
    """Answer "ok" without a query: load balancers poll it, and bench/load.sh takes it as the
    framework's floor (the whole middleware stack, no page work)."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
