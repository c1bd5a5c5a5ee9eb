"""The activity list's table (also the columns of its CSV and Excel exports)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from partybuild.organisation.tables import TABLE_TEMPLATE, UserAwareTable, link

from .models import Activity


class ActivityTable(UserAwareTable):
    date = tables.DateColumn(verbose_name=_("日期"), format="Y-m-d")
    title = tables.Column(_("主题"), linkify=("activities:activity_detail", [tables.A("pk")]))
    kind = tables.Column(_("类型"))
    branch = tables.Column(_("支部"), accessor="branch__name", order_by=("branch__name_key",))
    region = tables.Column(_("所属区划"), accessor="branch__committee__region__name",
                           order_by=("branch__committee__region__code",))
    school_branch = tables.Column(_("结对学校支部"), accessor="school_branch",
                                  order_by=("school_branch__school_key",
                                            "school_branch__name_key"))
    attendees = tables.Column(_("参加人数"))
    evidence_count = tables.Column(_("佐证材料"))

    class Meta:
        model = Activity
        template_name = TABLE_TEMPLATE
        fields = ()
        sequence = ("date", "title", "kind", "branch", "region", "school_branch", "attendees",
                    "evidence_count")
        empty_text = ""

    def render_branch(self, value, record):
        return link("organisation:branch_detail", record.branch_id, value)

    def value_branch(self, value):
        return value

    def value_school_branch(self, value):
        return str(value) if value else ""
