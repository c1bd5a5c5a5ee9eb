"""The 新机构三同步 page: every new institution with its three deadlines, sortable and paginated."""

import django_filters as filters
import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from partybuild.core.views import ListPage

from .filters import ALL, search_filter, visible_regions
from .models import Institution
from .scoping import institutions_visible_to
from .selectors import today_or
from .tables import TABLE_TEMPLATE, UserAwareTable, badge
from .three_sync import (
    deadline_days,
    item_state,
    missing_q,
    new_institutions_queryset,
    only_behind,
    status_of,
)


def three_sync_list(*, user, today):
    """The new institutions the user may see, by deadline then credit code (one query)."""
    return (new_institutions_queryset(institutions_visible_to(user), today)
            .select_related("region").order_by("opened_on", "credit_code"))


class ThreeSyncFilter(filters.FilterSet):
    behind = filters.ChoiceFilter(
        label=_("状态"), empty_label=ALL, method="by_state",
        choices=(("1", _("已逾期未完成")), ("open", _("未完成")), ("done", _("三同步已完成"))),
    )
    missing = filters.ChoiceFilter(
        label=_("缺少"), empty_label=ALL, method="by_missing",
        choices=(("branch", _("支部覆盖")), ("instructor", _("党建指导员")),
                 ("charter", _("党建入章程"))),
    )
    q = search_filter(_("名称或信用代码"), "name", "credit_code")
    region = filters.ModelChoiceFilter(label=_("区划（含下级）"), queryset=visible_regions,
                                       empty_label=ALL, method="in_region")

    class Meta:
        model = Institution
        fields = ()

    def by_state(self, queryset, name, value):
        if value == "1":
            # The very rows institutions_behind() returns: the staff home counts these.
            return only_behind(queryset, today_or(None))
        if value == "open":
            return queryset.filter(missing_q())
        return queryset.exclude(missing_q())

    def by_missing(self, queryset, name, value):
        return queryset.filter(**{
            "branch": {"covered_today": False},
            "instructor": {"has_instructor_today": False},
            "charter": {"charter_includes_party_building": False},
        }[value])

    def in_region(self, queryset, name, value):
        return queryset.filter(region__path__startswith=value.path)


class ThreeSyncTable(UserAwareTable):
    name = tables.Column(_("机构名称"), linkify=("organisation:institution_detail",
                                              [tables.A("pk")]))
    credit_code = tables.Column(_("统一社会信用代码"))
    region = tables.Column(_("所属区划"), accessor="region__name", order_by=("region__code",))
    opened_on = tables.Column(_("开办日期"))
    deadline = tables.Column(_("三同步期限"), accessor="opened_on", order_by=("opened_on",),
                             attrs={"td": {"class": "nowrap"}})
    branch = tables.Column(_("组织同步设置（支部覆盖）"), accessor="covered_today",
                           order_by=("covered_today", "opened_on"))
    instructor = tables.Column(_("工作同步开展（指导员）"), accessor="has_instructor_today",
                               order_by=("has_instructor_today", "opened_on"))
    charter = tables.Column(_("建设同步谋划（党建入章程）"),
                            accessor="charter_includes_party_building",
                            order_by=("charter_includes_party_building", "opened_on"))

    class Meta:
        model = Institution
        template_name = TABLE_TEMPLATE
        fields = ()
        sequence = ("name", "credit_code", "region", "opened_on", "deadline", "branch",
                    "instructor", "charter")
        empty_text = ""

    def __init__(self, *args, today=None, **kwargs):
        self.today = today_or(today)
        super().__init__(*args, **kwargs)

    @property
    def fixes_structure(self) -> bool:
        return self.user is not None and self.user.can_edit_structure

    def render_deadline(self, record):
        return status_of(record).deadline.isoformat()

    def value_deadline(self, record):
        return status_of(record).deadline.isoformat()

    def _state_text(self, done: bool, record) -> tuple[str, str]:
        state, days = item_state(done, status_of(record).deadline, self.today)
        if state == "done":
            return str(_("已完成")), "ok"
        if state == "due":
            if days == 0:
                return str(_("今日到期")), "warn"
            return ngettext("还剩%(days)d天", "还剩%(days)d天", days) % {"days": days}, "warn"
        return ngettext("逾期%(days)d天", "逾期%(days)d天", days) % {"days": days}, "bad"

    def _render(self, done: bool, record, fix_url: str, fix_text):
        text, tone = self._state_text(done, record)
        if done or not self.fixes_structure:
            return badge(text, tone)
        return format_html('{} <a href="{}">{}</a>', badge(text, tone), fix_url, fix_text)

    def render_branch(self, value, record):
        # The coverage form belongs to a branch: the staff choose one from the active branches.
        return self._render(value, record, reverse("organisation:branch_list") + "?active=yes",
                            _("选择支部覆盖"))

    def render_instructor(self, value, record):
        url = reverse("instructors:assignment_create") + f"?institution={record.pk}"
        return self._render(value, record, url, _("派驻指导员"))

    def render_charter(self, value, record):
        url = reverse("organisation:institution_update", args=[record.pk])
        return self._render(value, record, url, _("修改机构信息"))

    def value_branch(self, value, record):
        return self._state_text(value, record)[0]

    def value_instructor(self, value, record):
        return self._state_text(value, record)[0]

    def value_charter(self, value, record):
        return self._state_text(value, record)[0]


class ThreeSyncList(ListPage):
    table_class = ThreeSyncTable
    filterset_class = ThreeSyncFilter
    template_name = "organisation/three_sync.html"
    export_name = _("新机构三同步")

    def get_queryset(self):
        self.today = today_or(None)
        return three_sync_list(user=self.request.user, today=self.today)

    def get_table_kwargs(self):
        return {**super().get_table_kwargs(), "today": self.today}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["day"] = self.today
        context["deadline_days"] = deadline_days()
        return context
