"""Filter forms of the organisation list pages; choices come from the user's own scope."""

import django_filters as filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partybuild.accounts.scoping import regions_visible_to, scope
from partybuild.core.years import year_in_range

from .models import Branch, Committee, Institution, Member, Pairing, Region
from .scoping import branches_visible_to
from .unvisited import not_visited_in_month_q, parse_month_value

ALL = _("全部")


def yes_no_filter(label, annotation: str, yes, no) -> filters.ChoiceFilter:
    """A 全部/yes/no choice over a boolean annotation of the list's queryset."""
    return filters.ChoiceFilter(
        label=label, choices=(("yes", yes), ("no", no)), empty_label=ALL,
        method=lambda queryset, name, value: queryset.filter(**{annotation: value == "yes"}),
    )


def search_filter(label, *fields: str) -> filters.CharFilter:
    """A free-text search matching any of the fields (contains, case-insensitive)."""

    def search(queryset, name, value):
        query = Q()
        for field in fields:
            query |= Q(**{f"{field}__icontains": value.strip()})
        return queryset.filter(query)

    return filters.CharFilter(label=label, method=search)


def visible_regions(request):
    return regions_visible_to(request.user) if request else Region.objects.none()


def visible_committees(request):
    return scope(Committee.objects.all(), request.user) if request else Committee.objects.none()


def visible_branches(request):
    return branches_visible_to(request.user) if request else Branch.objects.none()


class InstitutionFilter(filters.FilterSet):
    STATUS_CHOICES = (
        ("open", _("办学中（含暂停）")),
        (Institution.Status.OPERATING, _("正常办学")),
        (Institution.Status.SUSPENDED, _("暂停办学")),
        (Institution.Status.CLOSED, _("已停办")),
    )

    q = search_filter(_("名称或信用代码"), "name", "credit_code")
    region = filters.ModelChoiceFilter(label=_("区划（含下级）"), queryset=visible_regions,
                                       empty_label=ALL, method="in_region")
    category = filters.ChoiceFilter(label=_("类别"), choices=Institution.Category.choices,
                                    empty_label=ALL)
    licence = filters.ChoiceFilter(label=_("证照状态"), choices=Institution.Licence.choices,
                                   empty_label=ALL)
    status = filters.ChoiceFilter(label=_("今日状态"), choices=STATUS_CHOICES, empty_label=ALL,
                                  method="by_status")
    covered = yes_no_filter(_("支部覆盖"), "covered_today", _("已覆盖"), _("未覆盖"))
    instructor = yes_no_filter(_("指导员"), "has_instructor_today", _("有指导员"), _("无指导员"))
    not_visited_month = filters.CharFilter(
        label=_("该月尚未走访"), method="not_visited_in",
        widget=forms.TextInput(attrs={"type": "month"}))

    class Meta:
        model = Institution
        fields = ()

    def not_visited_in(self, queryset, name, value):
        # A value that is not a month filters nothing rather than failing the page.
        first = parse_month_value(value)
        if first is None or not year_in_range(first.year):
            return queryset
        return queryset.filter(not_visited_in_month_q(first))

    def in_region(self, queryset, name, value):
        # region IN (the district's regions), not a join on the path: the database then
        # starts from the district's entries of the region index, not from every name.
        return queryset.filter(region__in=Region.objects.filter(path__startswith=value.path))

    def by_status(self, queryset, name, value):
        # "Open" is SCORING.md's "operating on the day": a suspended institution still counts.
        if value == "open":
            return queryset.filter(operating_today=True)
        return queryset.filter(status_today=value)


class BranchFilter(filters.FilterSet):
    q = search_filter(_("支部名称"), "name")
    kind = filters.ChoiceFilter(label=_("类型"), choices=Branch.Kind.choices, empty_label=ALL)
    committee = filters.ModelChoiceFilter(label=_("上级党委"), queryset=visible_committees,
                                          empty_label=ALL)
    active = yes_no_filter(_("状态"), "active_today", _("存续"), _("已撤销"))
    secretary = yes_no_filter(_("书记"), "has_secretary_today", _("有书记"), _("无书记"))

    class Meta:
        model = Branch
        fields = ()


class MemberFilter(filters.FilterSet):
    q = search_filter(_("姓名或编号"), "name", "number")
    status = filters.ChoiceFilter(label=_("类别"), choices=Member.Status.choices, empty_label=ALL)
    branch = filters.ModelChoiceFilter(label=_("今日所在支部"), queryset=visible_branches,
                                       empty_label=ALL, method="in_branch")
    current = yes_no_filter(_("组织关系"), "in_branch_today", _("在册"), _("已转出"))

    class Meta:
        model = Member
        fields = ()

    def in_branch(self, queryset, name, value):
        return queryset.filter(branch_pk=value.pk)


class PairingFilter(filters.FilterSet):
    q = search_filter(_("学校"), "school_branch__school", "school_branch__name")
    branch = filters.ModelChoiceFilter(label=_("支部"), queryset=visible_branches,
                                       empty_label=ALL)
    holding = yes_no_filter(_("状态"), "holding_today", _("结对中"), _("已结束"))

    class Meta:
        model = Pairing
        fields = ()
