"""Tables of the visit, hazard and clue lists (also the columns of their exports)."""

import django_tables2 as tables
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from partybuild.organisation.selectors import today_or
from partybuild.organisation.tables import TABLE_TEMPLATE, UserAwareTable, badge, yes_no

from .models import SEVERITY, Clue, Hazard, Visit
from .selectors import HAZARD_STATES, hazard_state

DATE_FORMAT = "Y-m-d"


def done_mark(value: bool):
    return badge("✓", "ok") if value else "—"


class ItemColumn(tables.BooleanColumn):
    """A tick for an item done; 是/否 in exports."""

    def render(self, value, record, bound_column):
        return done_mark(value)

    def value(self, value, record, bound_column):
        return yes_no(value)


class VisitTable(UserAwareTable):
    date = tables.DateColumn(verbose_name=_("走访日期"), format=DATE_FORMAT,
                             linkify=("visits:visit_detail", [tables.A("pk")]))
    institution = tables.Column(_("机构"), accessor="institution__name",
                                order_by=("institution__name_key", "pk"),
                                linkify=("visits:visit_detail", [tables.A("pk")]))
    region = tables.Column(_("区划"), accessor="institution__region__name",
                           order_by=("institution__region__code",))
    instructor = tables.Column(_("指导员"), accessor="instructor__name",
                               order_by=("instructor__name_key", "pk"))
    lesson = ItemColumn(verbose_name=_("上党课"))
    policy = ItemColumn(verbose_name=_("讲政策"))
    hazard_check = ItemColumn(verbose_name=_("排隐患"))
    ledger = ItemColumn(verbose_name=_("核台账"))
    case_talk = ItemColumn(verbose_name=_("以案说法"))
    attendees = tables.Column(_("参加人数"))
    evidence_count = tables.Column(_("佐证材料"))
    recorded_by = tables.Column(_("录入人"), accessor="recorded_by", orderable=False)

    class Meta:
        model = Visit
        template_name = TABLE_TEMPLATE
        fields = ()
        sequence = ("date", "institution", "region", "instructor", "lesson", "policy",
                    "hazard_check", "ledger", "case_talk", "attendees", "evidence_count",
                    "recorded_by")
        empty_text = ""

    def render_recorded_by(self, value, record):
        # Only a visit recorded on the instructor's behalf needs saying so.
        if value.pk == record.instructor.user_id:
            return _("本人")
        return _("%(name)s 代录") % {"name": value}

    def value_recorded_by(self, value):
        return str(value)


class HazardTable(UserAwareTable):
    found_on = tables.DateColumn(verbose_name=_("发现日期"), format=DATE_FORMAT,
                                 linkify=("visits:hazard_detail", [tables.A("pk")]))
    institution = tables.Column(_("机构"), accessor="institution__name",
                                order_by=("institution__name_key", "pk"),
                                linkify=("visits:hazard_detail", [tables.A("pk")]))
    region = tables.Column(_("区划"), accessor="institution__region__name",
                           order_by=("institution__region__code",))
    instructor = tables.Column(_("指导员"), accessor="instructor__name",
                               order_by=("instructor__name_key", "pk"))
    category = tables.Column(_("类别"))
    severity = tables.Column(SEVERITY)
    description = tables.Column(_("描述"))
    deadline = tables.DateColumn(verbose_name=_("整改期限"), format=DATE_FORMAT)
    state = tables.Column(_("状态"), empty_values=(), orderable=False)
    rectified_on = tables.DateColumn(verbose_name=_("整改完成日期"), format=DATE_FORMAT)
    closed_out_on = tables.DateColumn(verbose_name=_("销号日期"), format=DATE_FORMAT)

    class Meta:
        model = Hazard
        template_name = TABLE_TEMPLATE
        fields = ()
        # State and deadline come first: on a phone they are what must be seen without scrolling.
        sequence = ("institution", "state", "deadline", "category", "severity", "description",
                    "found_on", "region", "instructor", "rectified_on", "closed_out_on")
        empty_text = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today_or(None)

    def render_description(self, value):
        return Truncator(value).chars(30)

    def render_state(self, record):
        label, tone = HAZARD_STATES[hazard_state(record, self.today)]
        return badge(label, tone)

    def value_state(self, record):
        return str(HAZARD_STATES[hazard_state(record, self.today)][0])


class ClueTable(UserAwareTable):
    date = tables.DateColumn(verbose_name=_("日期"), format=DATE_FORMAT,
                             linkify=("visits:clue_detail", [tables.A("pk")]))
    institution = tables.Column(_("机构"), accessor="institution__name",
                                order_by=("institution__name_key", "pk"),
                                linkify=("visits:clue_detail", [tables.A("pk")]))
    region = tables.Column(_("区划"), accessor="institution__region__name",
                           order_by=("institution__region__code",))
    instructor = tables.Column(_("指导员"), accessor="instructor__name",
                               order_by=("instructor__name_key", "pk"))
    description = tables.Column(_("线索描述"))
    reviewed_on = tables.DateColumn(verbose_name=_("核查日期"), format=DATE_FORMAT)
    substantiated = tables.Column(_("是否查实"))
    enforcement = tables.Column(_("参与执法"))

    class Meta:
        model = Clue
        template_name = TABLE_TEMPLATE
        fields = ()
        sequence = ("date", "institution", "region", "instructor", "description",
                    "reviewed_on", "substantiated", "enforcement")
        empty_text = ""

    def render_description(self, value):
        return Truncator(value).chars(30)

    def render_substantiated(self, value, record):
        if record.reviewed_on is None:
            return badge(_("待核查"), "warn")
        return badge(_("查实"), "bad") if value else badge(_("未查实"))

    def value_substantiated(self, value, record):
        if record.reviewed_on is None:
            return str(_("待核查"))
        return yes_no(value)

    def render_enforcement(self, value):
        return done_mark(value)

    def value_enforcement(self, value):
        return yes_no(value)
