"""django-tables2 tables of the organisation list pages (also the columns of their exports)."""

from functools import partial

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from partybuild.core.table_rows import ByValue, PerRow, badge_html, link_html, text, url_builder
from partybuild.core.tables_speedup import copy_columns_shallow

from .models import Institution, Member, Pairing
from .selectors import INSTITUTION_ROW_FIELDS

TABLE_TEMPLATE = "core/_table.html"
# Sorting by a name column sorts by its natural-order key (core.natural): 第二 before 第十.
NAME_ORDER = ("name_key", "pk")


def badge(text, tone: str = ""):
    return format_html('<span class="badge {}">{}</span>', tone, text)


def link(url_name: str, pk, text):
    return format_html('<a href="{}">{}</a>', reverse(url_name, args=[pk]), text)


def yes_no(value: bool) -> str:
    return str(_("是")) if value else str(_("否"))


# django-tables2's empty values: such a cell shows the column's default (—).
BLANK = (None, "")
_CATEGORIES = dict(Institution.Category.choices)
_LICENCES = dict(Institution.Licence.choices)


def _choice(choices: dict, value):
    """A choice field's cell: its display, as django-tables2 shows it (None when blank)."""
    if value in BLANK:
        return None
    # str() first: comparing a lazy label translates it once per comparison.
    shown = str(choices.get(value, value))
    return None if shown == "" else text(shown)


class UserAwareTable(tables.Table):
    """A table that knows the viewing user, to link only to pages they may open."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Each table copies the class's columns one level deep, not deeply (a millisecond a
        # list page): core.tables_speedup.ColumnsCopiedShallow says why that is the same.
        copy_columns_shallow(cls)

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    @property
    def links_structure(self) -> bool:
        return self.user is not None and self.user.can_view_structure


STATUS_TONES = {
    Institution.Status.OPERATING: "ok",
    Institution.Status.SUSPENDED: "warn",
    Institution.Status.CLOSED: "bad",
}


def _status_cell(status):
    if status in BLANK:
        return None
    return badge_html(Institution.Status(status).label, STATUS_TONES[status])


class InstitutionTable(UserAwareTable):
    name = tables.Column(_("机构名称"), linkify=("organisation:institution_detail",
                                              [tables.A("pk")]), order_by=NAME_ORDER)
    credit_code = tables.Column(_("统一社会信用代码"))
    region = tables.Column(_("所属区划"), accessor="region__name", order_by=("region__code",))
    category = tables.Column(_("类别"))
    licence = tables.Column(_("证照状态"))
    status_today = tables.Column(_("今日状态"))
    covering_branch_name = tables.Column(_("覆盖支部"))
    instructor_name = tables.Column(_("指导员"))

    class Meta:
        model = Institution
        template_name = TABLE_TEMPLATE
        fields = ()
        sequence = ("name", "credit_code", "region", "category", "licence", "status_today",
                    "covering_branch_name", "instructor_name")
        empty_text = ""

    # The values a row is drawn from (core.table_rows.fast_body_rows): what
    # selectors.institution_rows reads, or an annotated Institution's attributes.
    row_values = INSTITUTION_ROW_FIELDS

    def row_plan(self) -> dict:
        """How each column draws its cells from the row's values, exactly as the render_*
        methods below and django-tables2 draw them (core.table_rows; None is the blank)."""
        detail = url_builder("organisation:institution_detail")

        def name(pk, name):
            return None if name in BLANK else link_html(detail(pk), text(name))

        def linked(url_name: str, field: str):
            # A name linking to its page for readers of the structure, else the name alone.
            if not self.links_structure:
                return ByValue(f"{field}_name")
            url = url_builder(url_name)

            def link_to(pk, name):
                return None if name in BLANK else link_html(url(pk), text(name))

            return PerRow(link_to, f"{field}_pk", f"{field}_name")

        return {
            "name": PerRow(name, "pk", "name"),
            "credit_code": ByValue("credit_code"),
            "region": ByValue("region__name"),
            "category": ByValue("category", partial(_choice, _CATEGORIES)),
            "licence": ByValue("licence", partial(_choice, _LICENCES)),
            "status_today": ByValue("status_today", _status_cell),
            "covering_branch_name": linked("organisation:branch_detail", "covering_branch"),
            "instructor_name": linked("instructors:instructor_detail", "instructor"),
        }

    def render_status_today(self, value):
        return badge(Institution.Status(value).label, STATUS_TONES[value])

    def value_status_today(self, value):
        return str(Institution.Status(value).label)

    def render_covering_branch_name(self, value, record):
        if self.links_structure:
            return link("organisation:branch_detail", record.covering_branch_pk, value)
        return value

    def value_covering_branch_name(self, value):
        return value

    def render_instructor_name(self, value, record):
        if self.links_structure:
            return link("instructors:instructor_detail", record.instructor_pk, value)
        return value

    def value_instructor_name(self, value):
        return value


class BranchTable(UserAwareTable):
    name = tables.Column(_("支部名称"), linkify=("organisation:branch_detail", [tables.A("pk")]),
                         order_by=NAME_ORDER)
    kind = tables.Column(_("类型"))
    committee = tables.Column(_("上级党委"), accessor="committee__name")
    founded_on = tables.DateColumn(verbose_name=_("成立日期"), format="Y-m-d")
    dissolved_on = tables.DateColumn(verbose_name=_("撤销日期"), format="Y-m-d")
    active_today = tables.Column(_("状态"))
    institutions_today = tables.Column(_("覆盖机构"))
    members_today = tables.Column(_("党员"))
    full_members_today = tables.Column(_("正式党员"))
    secretary_name = tables.Column(_("书记"))

    class Meta:
        template_name = TABLE_TEMPLATE
        empty_text = ""

    def render_active_today(self, value):
        return badge(_("存续"), "ok") if value else badge(_("已撤销"))

    def value_active_today(self, value):
        return str(_("存续")) if value else str(_("已撤销"))

    def render_secretary_name(self, value, record):
        return link("organisation:member_detail", record.secretary_pk, value)

    def value_secretary_name(self, value):
        return value


class MemberTable(UserAwareTable):
    number = tables.Column(_("党员编号"), linkify=("organisation:member_detail", [tables.A("pk")]))
    name = tables.Column(_("姓名"), linkify=("organisation:member_detail", [tables.A("pk")]),
                         order_by=NAME_ORDER)
    gender = tables.Column(_("性别"))
    status = tables.Column(_("类别"))
    joined_on = tables.DateColumn(verbose_name=_("入党日期"), format="Y-m-d")
    branch_name = tables.Column(_("今日所在支部"))
    employer_name = tables.Column(_("工作单位"))
    is_secretary_today = tables.Column(_("书记"))

    class Meta:
        model = Member
        template_name = TABLE_TEMPLATE
        fields = ()
        sequence = ("number", "name", "gender", "status", "joined_on", "branch_name",
                    "employer_name", "is_secretary_today")
        empty_text = ""

    def render_branch_name(self, value, record):
        return link("organisation:branch_detail", record.branch_pk, value)

    def value_branch_name(self, value):
        return value

    def render_employer_name(self, value, record):
        return link("organisation:institution_detail", record.employer_pk, value)

    def value_employer_name(self, value):
        return value

    def render_is_secretary_today(self, value):
        return badge(_("书记"), "ok") if value else ""

    def value_is_secretary_today(self, value):
        return yes_no(value)


class PairingTable(UserAwareTable):
    branch = tables.Column(_("支部"), accessor="branch__name", order_by=("branch__name_key",),
                           linkify=("organisation:branch_detail", [tables.A("branch_id")]))
    school = tables.Column(_("学校"), accessor="school_branch__school",
                           order_by=("school_branch__school_key",))
    school_branch = tables.Column(_("学校支部"), accessor="school_branch__name",
                                  order_by=("school_branch__name_key",))
    start = tables.DateColumn(verbose_name=_("开始日期"), format="Y-m-d")
    end = tables.DateColumn(verbose_name=_("结束日期"), format="Y-m-d")
    holding_today = tables.Column(_("状态"))
    actions = tables.TemplateColumn(
        verbose_name=_("操作"), template_name="organisation/_pairing_actions.html",
        context_object_name="pairing", orderable=False, exclude_from_export=True,
    )

    class Meta:
        model = Pairing
        template_name = TABLE_TEMPLATE
        fields = ()
        sequence = ("branch", "school", "school_branch", "start", "end", "holding_today",
                    "actions")
        empty_text = ""

    def render_holding_today(self, value):
        return badge(_("结对中"), "ok") if value else badge(_("已结束"))

    def value_holding_today(self, value):
        return str(_("结对中")) if value else str(_("已结束"))
