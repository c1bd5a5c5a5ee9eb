"""Filter form of the instructor list."""

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from partybuild.organisation.filters import ALL, search_filter

from .models import Instructor


class InstructorFilter(filters.FilterSet):
    q = search_filter(_("姓名、编号或来源单位"), "name", "number", "source_org")
    source_type = filters.ChoiceFilter(label=_("来源类型"),
                                       choices=Instructor.SourceType.choices, empty_label=ALL)
    on_duty = filters.ChoiceFilter(
        label=_("在岗"), choices=(("yes", _("今日有派驻")), ("no", _("今日无派驻"))),
        empty_label=ALL, method="by_duty",
    )

    class Meta:
        model = Instructor
        fields = ()

    def by_duty(self, queryset, name, value):
        return queryset.filter(caseload__gt=0) if value == "yes" else queryset.filter(caseload=0)
