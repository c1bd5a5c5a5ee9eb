"""The filter form of the completeness grid; region and instructor choices are scoped."""

from datetime import date

from django import forms
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partybuild.accounts.scoping import regions_visible_to
from partybuild.core.forms import FastSelect, FastTextInput
from partybuild.instructors.scoping import instructors_visible_to
from partybuild.organisation.filters import ALL

from .completeness import MONTHS, GridFilters, Progress

YEARS_BACK = 10


class RegionChoices(ModelChoiceIterator):
    """The region options as (pk, name) pairs, as ModelChoiceIterator gives them (a region
    shows as its name), read by one narrow query without building a Region per option."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list("pk", "name")


class RegionField(forms.ModelChoiceField):
    iterator = RegionChoices


class CompletenessFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False,
                                  widget=FastSelect)
    month = forms.TypedChoiceField(label=_("统计月份"), coerce=int, required=False,
                                   widget=FastSelect)
    region = RegionField(label=_("区划（含下级）"), queryset=None, required=False,
                         empty_label=ALL, widget=FastSelect)
    # A search, not a list: a large city has thousands of instructors.
    instructor = forms.CharField(label=_("指导员（姓名或编号）"), required=False, max_length=60,
                                 widget=FastTextInput)
    state = forms.ChoiceField(label=_("本月完成情况"), required=False,
                              choices=[("", ALL), *Progress.choices], widget=FastSelect)

    def __init__(self, data, *, user, day: date):
        data = data.copy()
        # An empty field means this year, and this month (December for a past year).
        if not data.get("year"):
            data["year"] = str(day.year)
        if not data.get("month"):
            data["month"] = str(day.month if data["year"] == str(day.year) else 12)
        super().__init__(data)
        self.day = day
        self.fields["year"].choices = [(y, str(y))
                                       for y in range(day.year, day.year - YEARS_BACK, -1)]
        # Built per request, so the labels follow the user's language.
        self.fields["month"].choices = [(m, gettext("%(month)d月") % {"month": m})
                                        for m in MONTHS]
        self.user = user
        self.fields["region"].queryset = regions_visible_to(user).order_by("path")

    def clean_instructor(self):
        """The instructors in the user's scope whose number is, or whose name contains, the text."""
        text = self.cleaned_data["instructor"].strip()
        if not text:
            return None
        matches = instructors_visible_to(self.user).filter(
            Q(number__iexact=text) | Q(name__icontains=text))
        if not matches.exists():
            raise forms.ValidationError(_("在您的区划内没有找到该指导员。"))
        return matches

    def grid_filters(self) -> GridFilters:
        """The valid filters; a value that did not validate is left out (and shown as an error)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        year = data.get("year") or self.day.year
        month = data.get("month") or (self.day.month if year == self.day.year else 12)
        return GridFilters(year=year, month=month, region=data.get("region"),
                           instructors=data.get("instructor"), progress=data.get("state") or "")
