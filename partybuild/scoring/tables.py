"""The year's score table (also the columns of its CSV and Excel exports)."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from partybuild.core.table_rows import badge_html, link_html, text, text_memo, url_builder
from partybuild.organisation.tables import TABLE_TEMPLATE, UserAwareTable, badge, yes_no

from .models import GRADE, Score, grade_label
from .rubric import deduction_display
from .selectors import INSPECTION_STATUSES

_GRADE_DISPLAY = dict(Score.Grade.choices)
GRADE_TONES = {"优秀": "ok", "良好": "ok", "合格": "", "不合格": "bad"}


def _shown_or_blank(shown, value):
    # `value in (None, "")` without Decimal.__eq__("") (a numbers-ABC check per cell).
    return None if value is None or (isinstance(value, str) and value == "") else shown(value)


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

    def row_cells(self, record) -> dict:
        """Each column's cell HTML, exactly as the render_* methods below and django-tables2
        draw it (core.table_rows; None is the column's blank)."""
        if self._urls is None:
            self._urls = (url_builder("scoring:score_detail", 2),
                          url_builder("scoring:inspection", 2), text_memo(), {}, {}, {})
        detail, inspection, shown, grades, statuses, red_lists = self._urls
        institution = record.institution
        name = institution.name
        year, institution_id = record.year, record.institution_id
        status = record.inspection_status
        grade = record.grade
        # The badges depend on the value only (and the language): drawn once per table.
        try:
            grade_cell = grades[grade]
        except KeyError:
            # django-tables2 hands render_grade the choice's display, not the stored value.
            shown_grade = grade and str(_GRADE_DISPLAY.get(grade, grade))
            grade_cell = grades[grade] = (
                None if shown_grade in (None, "")
                else badge_html(grade_label(shown_grade), GRADE_TONES.get(shown_grade, "")))
        try:
            status_badge = statuses[status]
        except KeyError:
            label, tone = INSPECTION_STATUSES.get(status, (status, ""))
            status_badge = statuses[status] = badge_html(label, tone)
        red_list = record.red_list
        try:
            red_list_cell = red_lists[red_list]
        except KeyError:
            red_list_cell = red_lists[red_list] = (badge_html(_("是"), "ok") if red_list
                                                   else text("—"))
        deductions = record.deductions
        return {
            "name": link_html(detail(year, institution_id), text(name))
            if name not in (None, "") else None,
            "credit_code": _shown_or_blank(shown, institution.credit_code),
            "region": _shown_or_blank(shown, institution.region.name),
            "months_in_scope": _shown_or_blank(shown, record.months_in_scope),
            "coverage": _shown_or_blank(shown, record.coverage),
            "charter": _shown_or_blank(shown, record.charter),
            "four_ones": _shown_or_blank(shown, record.four_ones),
            "activities": _shown_or_blank(shown, record.activities),
            "hazards": _shown_or_blank(shown, record.hazards),
            "red_points": _shown_or_blank(shown, record.red_points),
            "deductions": None if deductions in (None, "")
            else shown(deduction_display(deductions)),
            "total": _shown_or_blank(shown, record.total),
            "grade": grade_cell,
            "red_list": red_list_cell,
            "rubric_version": _shown_or_blank(shown, record.rubric_version),
            "inspection_status": None if status in (None, "")
            else link_html(inspection(year, institution_id), status_badge),
        }

    _urls = None

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
