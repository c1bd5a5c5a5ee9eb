"""Filter forms of the visit, hazard and clue lists; choices come from the user's own scope."""

import django_filters as filters
from django import forms
from django.utils.translation import gettext_lazy as _

from partybuild.instructors.models import Instructor
from partybuild.instructors.scoping import instructors_visible_to
from partybuild.organisation.filters import ALL, search_filter, visible_regions
from partybuild.organisation.selectors import today_or

from .attention import awaiting_review_q
from .models import SEVERITY, Clue, Hazard, Visit
from .selectors import hazard_tab_q, month_end, parse_month


def visible_instructors(request):
    if request is None:
        return Instructor.objects.none()
    return instructors_visible_to(request.user).order_by("name_key", "number")


class ScopedListFilter(filters.FilterSet):
    """Instructors see only their own rows, so the region and instructor filters are dropped."""

    staff_only = ("region", "instructor")

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None and request.user.is_instructor:
            for name in self.staff_only:
                self.filters.pop(name, None)

    def in_region(self, queryset, name, value):
        return queryset.filter(institution__region__path__startswith=value.path)


def region_filter() -> filters.ModelChoiceFilter:
    return filters.ModelChoiceFilter(label=_("区划（含下级）"), queryset=visible_regions,
                                     empty_label=ALL, method="in_region")


def instructor_filter() -> filters.ModelChoiceFilter:
    return filters.ModelChoiceFilter(label=_("指导员"), queryset=visible_instructors,
                                     empty_label=ALL)


class VisitFilter(ScopedListFilter):
    month = filters.CharFilter(label=_("月份"), method="in_month",
                               widget=forms.TextInput(attrs={"type": "month"}))
    q = search_filter(_("机构名称或信用代码"), "institution__name", "institution__credit_code")
    region = region_filter()
    instructor = instructor_filter()
    case_talk = filters.BooleanFilter(label=_("以案说法"), widget=forms.Select(choices=(
        ("", ALL), ("true", _("有")), ("false", _("无")))))

    class Meta:
        model = Visit
        fields = ()

    def in_month(self, queryset, name, value):
        first = parse_month(value)
        if first is None:
            return queryset
        return queryset.filter(date__gte=first, date__lte=month_end(first))


class HazardFilter(ScopedListFilter):
    TABS = (
        ("open", _("待整改")),
        ("due_soon", _("7日内到期")),
        ("overdue", _("已逾期")),
        ("rectified", _("已整改待销号")),
        ("closed_out", _("已销号")),
    )

    status = filters.ChoiceFilter(label=_("状态"), choices=TABS, empty_label=ALL,
                                  method="by_status")
    q = search_filter(_("机构名称或隐患描述"), "institution__name", "description")
    region = region_filter()
    instructor = instructor_filter()
    category = filters.ChoiceFilter(label=_("类别"), choices=Hazard.Category.choices,
                                    empty_label=ALL)
    severity = filters.ChoiceFilter(label=SEVERITY, choices=Hazard.Severity.choices,
                                    empty_label=ALL)

    class Meta:
        model = Hazard
        fields = ()

    def by_status(self, queryset, name, value):
        return queryset.filter(hazard_tab_q(value, today_or(None)))


class ClueFilter(ScopedListFilter):
    REVIEW = (("pending", _("待核查")), ("substantiated", _("查实")),
              ("unsubstantiated", _("未查实")), ("enforcement", _("指导员参与执法")))

    review = filters.ChoiceFilter(label=_("核查情况"), choices=REVIEW, empty_label=ALL,
                                  method="by_review")
    awaiting_review = filters.ChoiceFilter(
        label=_("超期未核查"), choices=(("1", _("超期未核查")),), empty_label=ALL,
        method="overdue_review")
    q = search_filter(_("机构名称或线索描述"), "institution__name", "description")
    region = region_filter()
    instructor = instructor_filter()

    class Meta:
        model = Clue
        fields = ()

    def overdue_review(self, queryset, name, value):
        return queryset.filter(awaiting_review_q(today_or(None)))

    def by_review(self, queryset, name, value):
        return queryset.filter(**{
            "pending": {"reviewed_on__isnull": True},
            "substantiated": {"substantiated": True},
            "unsubstantiated": {"reviewed_on__isnull": False, "substantiated": False},
            "enforcement": {"enforcement": True},
        }[value])
