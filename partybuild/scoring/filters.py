"""The filter form of the year's score list: search, region, grade, red list, inspection."""

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from partybuild.organisation.filters import ALL, search_filter, visible_regions

from .models import GRADE, Score
from .selectors import INSPECTION_STATUSES


class ScoreFilter(filters.FilterSet):
    q = search_filter(_("机构名称或信用代码"), "institution__name", "institution__credit_code")
    region = filters.ModelChoiceFilter(label=_("区划（含下级）"), queryset=visible_regions,
                                       empty_label=ALL, method="in_region")
    grade = filters.ChoiceFilter(label=GRADE, choices=Score.Grade.choices, empty_label=ALL)
    red_list = filters.ChoiceFilter(
        label=_("红名单"), choices=(("yes", _("进入红名单")), ("no", _("未进入"))),
        empty_label=ALL, method="by_red_list")
    # The status annotated by selectors.score_list; the reviewer's home links here.
    inspection = filters.ChoiceFilter(
        label=_("年检状态"), field_name="inspection_status", empty_label=ALL,
        choices=[(key, label) for key, (label, _tone) in INSPECTION_STATUSES.items()])

    class Meta:
        model = Score
        fields = ()

    def in_region(self, queryset, name, value):
        return queryset.filter(institution__region__path__startswith=value.path)

    def by_red_list(self, queryset, name, value):
        return queryset.filter(red_list=value == "yes")
