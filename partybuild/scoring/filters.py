"""The filter form of the year's score list: region, grade, red list."""

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from partybuild.organisation.filters import ALL, visible_regions

from .models import Score


class ScoreFilter(filters.FilterSet):
    region = filters.ModelChoiceFilter(label=_("区划（含下级）"), queryset=visible_regions,
                                       empty_label=ALL, method="in_region")
    grade = filters.ChoiceFilter(label=_("等级"), choices=Score.Grade.choices, empty_label=ALL)
    red_list = filters.ChoiceFilter(
        label=_("红名单"), choices=(("yes", _("进入红名单")), ("no", _("未进入"))),
        empty_label=ALL, method="by_red_list")

    class Meta:
        model = Score
        fields = ()

    def in_region(self, queryset, name, value):
        return queryset.filter(institution__region__path__startswith=value.path)

    def by_red_list(self, queryset, name, value):
        return queryset.filter(red_list=value == "yes")
