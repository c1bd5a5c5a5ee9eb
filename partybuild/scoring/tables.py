"""The year's score table (also the columns of its CSV and Excel exports)."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from partybuild.core.table_rows import ByValue, PerRow, badge_html, link_html, text, url_builder
from partybuild.organisation.tables import BLANK, TABLE_TEMPLATE, UserAwareTable, badge, yes_no

from .models import GRADE, Score, grade_label
from .rubric import deduction_display
from .selectors import INSPECTION_STATUSES, SCORE_ROW_FIELDS

_GRADE_DISPLAY = dict(Score.Grade.choices)
GRADE_TONES = {"优秀": "ok", "良好": "ok", "合格": "", "不合格": "bad"}


def _deductions_cell(value):
    # Shown negative, as render_deductions does.
    return None if value in BLANK else text(deduction_display(value))


def _grade_cell(value):
    # django-tables2 hands render_grade the choice's display, not the stored value.
    shown = value and str(_GRADE_DISPLAY.get(value, value))
    if shown in BLANK:
        return None
    return badge_html(grade_label(shown), GRADE_TONES.get(shown, ""))


def _red_list_cell(value):
    return badge_html(_("是"), "ok") if value else text("—")


class ScoreTable(UserAwareTable):
    name = tables.Column(_("机构名称"), accessor="institution__name",
                         order_by=("institution__name_key", "pk"))
    credit_code = tables.Column(_("统一社会信用代码"), accessor="institution__credit_code")
    region = tables.Column(_("所属区划"), accessor="institution__region__name",
                           order_by=("institution__region__code",))
    months_in_scope = tables.Column(_("计分月数"))
    coverage = tables.Column(_("组织覆盖"))
    charter = tables.Column(_("党建入章程"))
    four_ones = tables.Column(_("四个一"))
    activities = tables.Column(_("组织生活"))
    hazards = tables.Column(_("隐患整改"))
    red_points = tables.Column(_("红名单积分"))
    deductions = tables.Column(_("违规扣分"))
    total = tables.Column(_("总分"))
    grade = tables.Column(GRADE)
    red_list = tables.Column(_("红名单"))
    rubric_version = tables.Column(_("细则版本"))
    inspection_status = tables.Column(_("年检状态"))

    class Meta:
        model = Score
        template_name = TABLE_TEMPLATE
        fields = ()
        sequence = ("name", "credit_code", "region", "months_in_scope", "coverage", "charter",
                    "four_ones", "activities", "hazards", "red_points", "deductions", "total",
                    "grade", "red_list", "rubric_version", "inspection_status")
        empty_text = ""

    # The values a row is drawn from (core.table_rows.fast_body_rows): what score_rows reads,
    # or a listed Score's attributes.
    row_values = SCORE_ROW_FIELDS

    def row_plan(self) -> dict:
        """How each column draws its cells from the row's values, exactly as the render_*
        methods below and django-tables2 draw them (core.table_rows; None is the blank)."""
        detail = url_builder("scoring:score_detail", 2)
        inspection = url_builder("scoring:inspection", 2)
        statuses = {}

        def name(year, institution_id, name):
            if name in BLANK:
                return None
            return link_html(detail(year, institution_id), text(name))

        def inspection_status(year, institution_id, status):
            if status in BLANK:
                return None
            try:
                status_badge = statuses[status]
            except KeyError:
                label, tone = INSPECTION_STATUSES.get(status, (status, ""))
                status_badge = statuses[status] = badge_html(label, tone)
            return link_html(inspection(year, institution_id), status_badge)

        return {
            "name": PerRow(name, "year", "institution_id", "institution__name"),
            "credit_code": ByValue("institution__credit_code"),
            "region": ByValue("institution__region__name"),
            **{field: ByValue(field) for field in (
                "months_in_scope", "coverage", "charter", "four_ones", "activities", "hazards",
                "red_points", "total", "rubric_version")},
            "deductions": ByValue("deductions", _deductions_cell),
            "grade": ByValue("grade", _grade_cell),
            "red_list": ByValue("red_list", _red_list_cell),
            "inspection_status": PerRow(inspection_status, "year", "institution_id",
                                        "inspection_status"),
        }

    def render_name(self, value, record):
        url = reverse("scoring:score_detail", args=[record.year, record.institution_id])
        return format_html('<a href="{}">{}</a>', url, value)

    def value_name(self, value):
        return value

    def render_deductions(self, value):
        # Shown negative like every page and PDF; the exports keep the stored amount.
        return deduction_display(value)

    def value_deductions(self, value):
        return value

    def render_inspection_status(self, value, record):
        label, tone = INSPECTION_STATUSES.get(value, (value, ""))
        url = reverse("scoring:inspection", args=[record.year, record.institution_id])
        return format_html('<a href="{}">{}</a>', url, badge(label, tone))

    def value_inspection_status(self, value):
        return str(INSPECTION_STATUSES.get(value, (value, ""))[0])

    def render_grade(self, value):
        return badge(grade_label(value), GRADE_TONES.get(value, ""))

    def value_grade(self, value):
        return grade_label(value)

    def render_red_list(self, value):
        return badge(_("是"), "ok") if value else "—"

    def value_red_list(self, value):
        return yes_no(value)
