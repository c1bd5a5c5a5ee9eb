"""Form pieces every staff form shares: phone-friendly date inputs and scoped choices."""

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe

from .table_rows import text


class DateInput(forms.DateInput):
    """A native date picker; the value must be ISO for <input type="date"> to show it."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, help_text=help_text,
                           widget=DateInput())


class ScopedFormMixin:
    """Takes the acting user so that every choice field can be limited to their scope."""

    def __init__(self, *args, user, **kwargs):
        self.user = user
        # Labels sit above their inputs, so no "：" after them.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = DateInput()


class ScopedForm(ScopedFormMixin, forms.Form):
    pass


class ScopedModelForm(ScopedFormMixin, forms.ModelForm):
    pass


def _attrs_html(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {text(name)}")
        else:
            shown = value if isinstance(value, SafeData) else conditional_escape(f"{value}")
            parts.append(f' {text(name)}="{shown}"')
    return "".join(parts)


class FastSelect(forms.Select):
    """forms.Select drawn in Python: the same markup as Django's select.html and
    select_option.html, without a template render per option.

    A list page's region filter offers every region of the user's scope (a city has a few
    hundred); rendering each option through the template engine was a large share of the
    page. Only for widgets that keep Django's own templates (ListPage checks).
    """

    def render(self, name, value, attrs=None, renderer=None):
        # Widget.get_context and ChoiceWidget.optgroups/create_option, without the dict per
        # option: a plain Select's options carry only `selected` (no inherited attributes).
        values = self.format_value(value)
        widget_attrs = self.build_attrs(self.attrs, attrs)
        multiple = self.allow_multiple_selected
        if multiple:
            widget_attrs["multiple"] = True
        out = [f'<select name="{text(name)}"{_attrs_html(widget_attrs)}>']
        has_selected = False
        for option_value, option_label in self.choices:
            if option_value is None:
                option_value = ""
            if isinstance(option_label, (list, tuple)):
                group_name, choices = option_value, option_label
            else:
                group_name, choices = None, [(option_value, option_label)]
            if group_name:
                out.append(f'\n  <optgroup label="{text(group_name)}">')
            for subvalue, sublabel in choices:
                selected = (not has_selected or multiple) and str(subvalue) in values
                has_selected |= selected
                shown = (subvalue if isinstance(subvalue, SafeData)
                         else conditional_escape(f"{subvalue}"))
                out.append(f'\n  <option value="{shown}"{" selected" if selected else ""}>'
                           f'{text(sublabel)}</option>\n')
            if group_name:
                out.append("\n  </optgroup>")
        out.append("\n</select>")
        return mark_safe("".join(out))


class FastTextInput(forms.TextInput):
    """forms.TextInput drawn in Python: the same markup as Django's text.html and
    input.html, without two template renders per input."""

    def render(self, name, value, attrs=None, renderer=None):
        # Input.get_context's value, type and attributes, without building its dict.
        value = self.format_value(value)
        shown = ""
        if value is not None:
            shown = value if isinstance(value, SafeData) else conditional_escape(f"{value}")
            shown = f' value="{shown}"'
        return mark_safe(f'<input type="{text(self.input_type)}" name="{text(name)}"'
                         f'{shown}{_attrs_html(self.build_attrs(self.attrs, attrs))}>')


def draw_selects_fast(form: forms.BaseForm) -> None:
    """Swap every plain forms.Select and forms.TextInput of the form (Django's templates,
    not a subclass with its own) for FastSelect and FastTextInput, keeping their choices
    and attributes."""
    for field in form.fields.values():
        widget = field.widget
        if (type(widget) is forms.Select
                and widget.template_name == forms.Select.template_name
                and widget.option_template_name == forms.Select.option_template_name):
            widget.__class__ = FastSelect
        elif (type(widget) is forms.TextInput
              and widget.template_name == forms.TextInput.template_name):
            widget.__class__ = FastTextInput


def draw_fields(form: forms.BaseForm) -> SafeString:
    """A list page's filter fields as templates/core/list_page.html's loop draws them:
    label, widget and errors of each."""
    out = []
    for field in form:
        errors = field.errors
        # {{ field.errors|join:" " }}: each message escaped, then joined.
        error = (f'<div class="error">{" ".join(conditional_escape(e) for e in errors)}</div>'
                 if errors else "")
        out.append(f'\n  <div>\n    <label for="{text(field.id_for_label)}">'
                   f'{text(field.label)}</label>\n    {text(field)}\n    {error}\n  </div>\n  ')
    return mark_safe("".join(out))
