"""The ranking table (also the columns of its CSV and Excel exports)."""

from decimal import Decimal

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from partybuild.organisation.models import Institution
from partybuild.organisation.tables import TABLE_TEMPLATE, UserAwareTable

from .selectors import score_of
from .services import ONE_DECIMAL


def one_decimal(value) -> Decimal:
    """Sums come back as 10, 8.5 or 8.50 depending on the database: show them alike."""
    return Decimal(value).quantize(ONE_DECIMAL)


def signed(value) -> str:
    return f"{one_decimal(value):+}" if value else "0.0"


def signed_badge(value):
    tone = "ok" if value > 0 else "bad" if value < 0 else ""
    return format_html('<span class="badge {}">{}</span>', tone, signed(value))


class PointRankingTable(UserAwareTable):
    name = tables.Column(_("机构名称"), order_by=("name_key", "pk"))
    credit_code = tables.Column(_("统一社会信用代码"))
    region = tables.Column(_("所属区划"), accessor="region__name", order_by=("region__code",))
    category = tables.Column(_("类别"))
    entries = tables.Column(_("记录数"))
    added = tables.Column(_("加分"))
    deducted = tables.Column(_("扣分"))
    net = tables.Column(_("净积分"))
    score = tables.Column(_("计入年度得分"), accessor="net", orderable=False)

    class Meta:
        model = Institution
        template_name = TABLE_TEMPLATE
        fields = ()
        sequence = ("name", "credit_code", "region", "category", "entries", "added",
                    "deducted", "net", "score")
        empty_text = ""

    def __init__(self, *args, year: int | None = None, **kwargs):
        self.year = year
        super().__init__(*args, **kwargs)

    def render_name(self, value, record):
        url = reverse("points:ledger", args=[record.pk])
        if self.year:
            url = f"{url}?year={self.year}"
        return format_html('<a href="{}">{}</a>', url, value)

    def value_name(self, value):
        return value

    def render_net(self, value):
        return signed_badge(value)

    def value_net(self, value):
        return one_decimal(value)

    def render_added(self, value):
        return signed(value)

    def value_added(self, value):
        return one_decimal(value)

    def render_deducted(self, value):
        return one_decimal(value)

    def value_deducted(self, value):
        return one_decimal(value)

    def render_score(self, value):
        return one_decimal(score_of(value))

    def value_score(self, value):
        return one_decimal(score_of(value))
