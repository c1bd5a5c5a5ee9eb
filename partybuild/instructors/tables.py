"""The instructor list table (also the columns of its export)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from partybuild.core.masking import mask_phone
from partybuild.organisation.tables import TABLE_TEMPLATE, UserAwareTable

from .models import Instructor


class InstructorTable(UserAwareTable):
    number = tables.Column(_("指导员编号"),
                           linkify=("instructors:instructor_detail", [tables.A("pk")]))
    name = tables.Column(_("姓名"), linkify=("instructors:instructor_detail", [tables.A("pk")]),
                         order_by=("name_key", "pk"))
    source_type = tables.Column(_("来源类型"))
    source_org = tables.Column(_("来源单位"))
    title = tables.Column(_("职务"))
    phone = tables.Column(_("手机"))
    region = tables.Column(_("所属区划"), accessor="region__name", order_by=("region__code",))
    caseload = tables.Column(_("今日负责机构数"))

    def render_phone(self, value):
        return mask_phone(value)

    def value_phone(self, value):
        return mask_phone(value)

    class Meta:
        model = Instructor
        template_name = TABLE_TEMPLATE
        fields = ()
        sequence = ("number", "name", "source_type", "source_org", "title", "phone", "region",
                    "caseload")
        empty_text = ""
