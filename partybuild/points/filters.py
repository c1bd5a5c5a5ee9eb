"""The ranking's filter form: region, category, whether there are entries, and the year."""

import django_filters as filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partybuild.organisation.filters import ALL, visible_regions
from partybuild.organisation.models import Institution

YEARS_SHOWN = 10


def year_choices() -> list[tuple[str, str]]:
    this_year = timezone.localdate().year
    return [(str(year), str(year)) for year in range(this_year, this_year - YEARS_SHOWN, -1)]


def year_from(params, earliest: int | None = None) -> int:
    """The year asked for in the query string, or this year when it is missing or out of range.

    The ranking offers the last YEARS_SHOWN years; a ledger may go back to `earliest`.
    """
    this_year = timezone.localdate().year
    first = earliest or this_year - YEARS_SHOWN + 1
    try:
        year = int(params.get("year", ""))
    except ValueError:
        return this_year
    return year if first <= year <= this_year else this_year


class PointRankingFilter(filters.FilterSet):
    # The year is not a row filter: the view reads it and the selector totals that year.
    year = filters.ChoiceFilter(label=_("年度"), choices=year_choices, empty_label=None,
                                method="same_rows")
    region = filters.ModelChoiceFilter(label=_("区划（含下级）"), queryset=visible_regions,
                                       empty_label=ALL, method="in_region")
    category = filters.ChoiceFilter(label=_("类别"), choices=Institution.Category.choices,
                                    empty_label=ALL)
    has_entries = filters.ChoiceFilter(
        label=_("积分记录"), choices=(("yes", _("本年度有记录")), ("no", _("本年度无记录"))),
        empty_label=ALL, method="by_entries")

    class Meta:
        model = Institution
        fields = ()

    def same_rows(self, queryset, name, value):
        return queryset

    def by_entries(self, queryset, name, value):
        return queryset.filter(entries__gt=0) if value == "yes" else queryset.filter(entries=0)

    def in_region(self, queryset, name, value):
        return queryset.filter(region__path__startswith=value.path)
