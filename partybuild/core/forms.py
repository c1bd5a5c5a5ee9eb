"""Form pieces every staff form shares: phone-friendly date inputs and scoped choices."""

from django import forms


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
