"""Form pieces every staff form shares: phone-friendly date inputs and scoped choices."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


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


class QuickSelect(forms.Select):
    """A <select> written in Python: the same markup as Django's, without a template per
    option. A filter of every region of a city has hundreds of options, and rendering each
    through select_option.html and attrs.html cost more than the page's queries."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = []
        for group_name, group, _index in widget["optgroups"]:
            if group_name:  # optgroups are rare: let Django write them
                return super().render(name, value, attrs, renderer)
            for option in group:
                options.append(format_html(
                    '<option value="{}"{}>{}</option>', option["value"],
                    flatatt(option["attrs"]), option["label"]))
        return format_html('<select name="{}"{}>\n{}\n</select>', widget["name"],
                           flatatt(widget["attrs"]),
                           mark_safe("\n".join(options)))  # noqa: S308 - each one escaped
