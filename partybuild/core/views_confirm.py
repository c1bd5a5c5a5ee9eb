"""One flow for every staff action: fill in the form, read what will happen, then confirm.

GET shows the form. A valid POST shows a plain-language summary with the values carried in
hidden fields; only a POST that carries `confirm` calls the service. A ValidationError from
the service goes back onto the form and nothing is written.

Before the summary is shown the service runs once inside a transaction that is always rolled
back (a dry run), so an action that cannot happen (an overlapping coverage, a merge into a
standalone branch) is refused on the form, never after the user has read and confirmed it.
The confirming POST runs the service again, for real, so it still re-validates.
"""

from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views import View

from partybuild.core.services import fmt


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on a field when the form has that field."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        if name in form.fields:
            form.add_error(name, errors)
        else:
            form.add_error(None, errors)


def display_value(form: forms.BaseForm, name: str, value) -> str:
    """A value as the user would read it: choice labels, ISO dates, 是/否, （空）."""
    field = form.fields[name]
    if value is None or value == "":
        return gettext("（空）")
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if isinstance(value, date):
        return fmt(value)
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        return str(dict(field.choices).get(value, value))
    return str(value)


def describe_changes(form: forms.BaseForm, original) -> list[str]:
    """One line per edited field: "label：old → new"."""
    lines = []
    for name in form.changed_data:
        old = display_value(form, name, getattr(original, name))
        new = display_value(form, name, form.cleaned_data[name])
        if old != new:
            lines.append(f"{form.fields[name].label}：{old} → {new}")
    return lines or [gettext("没有修改任何信息。")]


class _DryRunDone(Exception):
    """Raised at the end of a dry run to roll its transaction back."""


def dry_run(perform) -> None:
    """Call perform() and undo everything it wrote; its ValidationError passes through."""
    try:
        with transaction.atomic():
            perform()
            raise _DryRunDone
    except _DryRunDone:
        pass


class ConfirmedActionView(View):
    """A staff action with a confirmation step; subclasses say what it does and how."""

    form_class: type[forms.BaseForm]
    title = ""
    form_template_name = "core/action_form.html"
    confirm_template_name = "core/action_confirm.html"
    # Destructive actions (dissolve, merge, end …) get a danger-styled confirm button.
    danger = False

    def dispatch(self, request, *args, **kwargs):
        # Login is enforced by middleware; the role decides who may change the structure.
        if not getattr(request.user, "can_edit_structure", False):
            raise PermissionDenied
        self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        """The record the action applies to, looked up in the user's scope; None for creates."""
        return None

    def get_initial(self) -> dict:
        return {}

    def get_form_kwargs(self) -> dict:
        return {"user": self.request.user}

    def get_form(self, data=None) -> forms.BaseForm:
        return self.form_class(data=data, initial=self.get_initial(), **self.get_form_kwargs())

    def get(self, request, *args, **kwargs):
        return self.render_form(self.get_form())

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if not form.is_valid() or "back" in request.POST:
            return self.render_form(form)
        if "confirm" not in request.POST:
            try:
                dry_run(lambda: self.perform(form))
            except ValidationError as error:
                add_service_error(form, error)
                return self.render_form(form)
            return self.render_confirm(form)
        try:
            # One transaction around the whole action: a later step failing undoes earlier ones.
            with transaction.atomic():
                result = self.perform(form)
        except ValidationError as error:
            add_service_error(form, error)
            return self.render_form(form)
        messages.success(request, self.success_message(form, result))
        return redirect(self.return_url() or self.get_success_url(result))

    def return_url(self) -> str | None:
        """Where the user came from to fix something (the gaps page): `?next=`, a local path.

        The form posts back to its own URL, query string included, so `next` reaches the
        confirming POST without a hidden field.
        """
        url = self.request.GET.get("next", "")
        if url.startswith("/") and url_has_allowed_host_and_scheme(
                url, allowed_hosts={self.request.get_host()},
                require_https=self.request.is_secure()):
            return url
        return None

    def describe(self, form) -> list[str]:
        """What will happen, in plain Chinese: a headline, then detail lines."""
        raise NotImplementedError

    def perform(self, form):
        """Call the service; return what the success URL and message are built from."""
        raise NotImplementedError

    def success_message(self, form, result) -> str:
        raise NotImplementedError

    def get_success_url(self, result) -> str:
        raise NotImplementedError

    def get_cancel_url(self) -> str:
        raise NotImplementedError

    def get_context_data(self, **kwargs) -> dict:
        return {
            "title": self.title,
            "object": self.object,
            "danger": self.danger,
            "cancel_url": self.return_url() or self.get_cancel_url(),
            **kwargs,
        }

    def render_form(self, form):
        return render(self.request, self.form_template_name, self.get_context_data(form=form))

    def render_confirm(self, form):
        headline, *details = self.describe(form)
        context = self.get_context_data(form=form, headline=headline, details=details)
        return render(self.request, self.confirm_template_name, context)
