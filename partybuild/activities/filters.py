"""Filter form of the activity list; choices come from the user's own scope."""

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from partybuild.core.forms import DateInput
from partybuild.organisation.filters import ALL, search_filter, visible_branches, visible_regions

from .models import Activity


class ActivityFilter(filters.FilterSet):
    q = search_filter(_("主题"), "title")
    region = filters.ModelChoiceFilter(label=_("区划（含下级）"), queryset=visible_regions,
                                       empty_label=ALL, method="in_region")
    branch = filters.ModelChoiceFilter(label=_("支部"), queryset=visible_branches,
                                       empty_label=ALL)
    kind = filters.ChoiceFilter(label=_("类型"), choices=Activity.Kind.choices, empty_label=ALL)
    date_from = filters.DateFilter(label=_("开始日期"), field_name="date", lookup_expr="gte",
                                   widget=DateInput())
    date_to = filters.DateFilter(label=_("结束日期"), field_name="date", lookup_expr="lte",
                                 widget=DateInput())

    class Meta:
        model = Activity
        fields = ()

    def in_region(self, queryset, name, value):
        return queryset.filter(branch__committee__region__path__startswith=value.path)
