"""One flow for every bulk staff action: tick rows, read what will happen to each, confirm once.

GET lists the rows that may be selected (plain checkboxes; static/js/bulk.js only adds
"select all on this page") and the fields every row shares (a date, a new instructor).
A POST without `confirm` looks the ticked ids up in the user's scope (an id outside it
answers 404, like the single action), then runs the single-record service for every row
inside one transaction that is always rolled back: a row that cannot be changed is named
on the selection page and nothing is written. Only when every row passes does the
confirmation page list, row by row, what will happen. The confirming POST runs the same
services again, for real, in one transaction: all rows change or none.

Subclasses call the existing single-record services, so every rule, scope check and
history row (with the acting user) is the one the single action already has.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views import View

from .views_confirm import _DryRunDone

# More rows than a person checks on one confirmation page; also bounds one transaction.
MAX_BULK_ROWS = 500


def _error_text(error: ValidationError) -> str:
    return "；".join(str(message) for message in error.messages)


class BulkActionView(View):
    """A staff action on several records at once; subclasses say which records and what."""

    form_class: type[forms.BaseForm]
    title = ""
    intro = ""
    select_template_name = "core/bulk_select.html"
    confirm_template_name = "core/bulk_confirm.html"
    danger = False
    # Column headings of the selection table; row_cells() gives the matching values.
    headers: tuple = ()

    def dispatch(self, request, *args, **kwargs):
        # The same role check as the single actions (ConfirmedActionView).
        if not getattr(request.user, "can_edit_structure", False):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    # What subclasses provide ---------------------------------------------------------------

    def get_scope(self):
        """Every record of this kind the user may act on (posted ids are looked up here)."""
        raise NotImplementedError

    def get_candidates(self):
        """The rows offered for selection (narrowed by the GET filters of the list)."""
        raise NotImplementedError

    def row_cells(self, obj) -> list:
        raise NotImplementedError

    def row_label(self, obj) -> str:
        """How a row is named in an error message."""
        return str(obj)

    def describe_row(self, obj, form) -> str:
        raise NotImplementedError

    def perform_row(self, obj, form):
        raise NotImplementedError

    def success_message(self, count: int, form) -> str:
        raise NotImplementedError

    def get_success_url(self) -> str:
        raise NotImplementedError

    def get_initial(self) -> dict:
        return {}

    # The flow -------------------------------------------------------------------------------

    def get_form(self, data=None):
        return self.form_class(data=data, initial=self.get_initial(), user=self.request.user)

    def get(self, request, *args, **kwargs):
        return self.render_select(self.get_form(), selected=set())

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        raw_ids = request.POST.getlist("ids")
        try:
            ids = list(dict.fromkeys(int(value) for value in raw_ids))
        except ValueError:
            raise Http404 from None
        if len(ids) > MAX_BULK_ROWS:
            form.is_valid()
            form.add_error(None, gettext(
                "一次最多处理 %(max)s 条，本次选择了 %(count)s 条，请分批处理。")
                % {"max": MAX_BULK_ROWS, "count": len(ids)})
            return self.render_select(form, selected=set())
        rows = self.lookup(ids)
        if not form.is_valid() or "back" in request.POST:
            return self.render_select(form, selected=set(ids))
        if not rows:
            form.add_error(None, gettext("请至少选择一条记录。"))
            return self.render_select(form, selected=set())
        if "confirm" not in request.POST:
            row_errors = self.dry_run(rows, form)
            if row_errors:
                return self.render_select(form, selected=set(ids), row_errors=row_errors)
            return self.render_confirm(form, rows)
        try:
            with transaction.atomic():
                for obj in rows:
                    self.perform_row(obj, form)
        except ValidationError as error:
            # A record changed between confirmation and now: nothing was written.
            form.add_error(None, gettext("未作任何修改。") + _error_text(error))
            return self.render_select(form, selected=set(ids))
        messages.success(request, self.success_message(len(rows), form))
        return redirect(self.get_success_url())

    def lookup(self, ids: list[int]) -> list:
        """The posted rows, in the order posted; one id outside the user's scope is a 404."""
        if not ids:
            return []
        found = self.get_scope().in_bulk(ids)
        if len(found) != len(ids):
            raise Http404
        return [found[pk] for pk in ids]

    def dry_run(self, rows, form) -> dict:
        """Run every row's service and undo it all; {pk: message} for the rows refused.

        Each row runs in its own savepoint so one refusal does not hide the next: the user
        sees every row to untick at once. Rows run in order, so a row that only fails
        because of an earlier one (two hazards of one visit...) fails here as on confirm.
        """
        errors = {}
        try:
            with transaction.atomic():
                for obj in rows:
                    try:
                        with transaction.atomic():
                            self.perform_row(obj, form)
                    except ValidationError as error:
                        errors[obj.pk] = gettext("%(row)s：%(message)s") % {
                            "row": self.row_label(obj), "message": _error_text(error)}
                raise _DryRunDone
        except _DryRunDone:
            pass
        return errors

    def get_context_data(self, **kwargs) -> dict:
        return {"title": self.title, "intro": self.intro, "danger": self.danger,
                "headers": self.headers, "max_rows": MAX_BULK_ROWS,
                "cancel_url": self.get_success_url(), **kwargs}

    def render_select(self, form, selected: set, row_errors: dict | None = None):
        row_errors = row_errors or {}
        candidates = list(self.get_candidates()[:MAX_BULK_ROWS + 1])
        more = len(candidates) > MAX_BULK_ROWS
        candidates = candidates[:MAX_BULK_ROWS]
        shown = {obj.pk for obj in candidates}
        # A ticked row the filter no longer offers stays on the page, so that the user sees
        # and can untick exactly what was posted.
        extra = [obj for obj in self.lookup([pk for pk in selected if pk not in shown])]
        rows = [{"pk": obj.pk, "cells": self.row_cells(obj), "checked": obj.pk in selected,
                 "error": row_errors.get(obj.pk)} for obj in extra + candidates]
        context = self.get_context_data(form=form, rows=rows, more=more,
                                        row_errors=list(row_errors.values()))
        return render(self.request, self.select_template_name, context)

    def render_confirm(self, form, rows):
        lines = [self.describe_row(obj, form) for obj in rows]
        context = self.get_context_data(form=form, lines=lines, ids=[obj.pk for obj in rows],
                                        count=len(rows))
        return render(self.request, self.confirm_template_name, context)
