"""Forms for visits, hazards and clues: phone-first, choices limited to the user's scope."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from partybuild.core.forms import ScopedForm, date_field
from partybuild.instructors.models import Instructor
from partybuild.organisation.models import Institution

from . import selectors
from .models import SEVERITY, Hazard, default_hazard_deadline
from .services import ITEM_TEXTS, own_instructor

EVIDENCE_ACCEPT = "image/jpeg,image/png,application/pdf"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (the pattern of Django's file-upload documentation)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": EVIDENCE_ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_file_clean = super().clean
        if isinstance(data, (list, tuple)):
            return [single_file_clean(item, initial) for item in data]
        return [single_file_clean(data, initial)] if data else []


def evidence_field(label=None) -> MultipleFileField:
    return MultipleFileField(
        label=label or _("佐证材料"), required=False,
        help_text=_("党课照片、签到表等；JPEG、PNG 或 PDF，每个不超过 10 MB，可多选。"),
    )


def institution_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(label=_("机构"), queryset=Institution.objects.none())


def text_field(label, *, max_length: int = 200, placeholder: str = "") -> forms.CharField:
    attrs = {"placeholder": placeholder} if placeholder else {}
    return forms.CharField(label=label, max_length=max_length, required=False,
                           widget=forms.TextInput(attrs=attrs))


# Which text each item needs, and what to say when it is missing.
ITEM_TEXT_MISSING = {
    "lesson": _("请填写党课主题。"),
    "policy": _("请填写宣讲了哪些政策。"),
    "hazard_check": _("请填写排查了哪些内容。"),
    "ledger": _("请填写核查了哪些台账。"),
    "case_talk": _("请填写所讲的案例。"),
}


class VisitForm(ScopedForm):
    """One visit. Each item's text is asked for only when the item is ticked."""

    institution = institution_field()
    instructor = forms.ModelChoiceField(
        label=_("指导员"), queryset=Instructor.objects.none(), required=False,
        help_text=_("代指导员录入时选择；留空则为该机构当天的派驻指导员。"),
    )
    date = date_field(_("走访日期"))
    lesson = forms.BooleanField(label=_("上党课"), required=False)
    lesson_topic = text_field(_("党课主题"), placeholder=_("如：学习贯彻党的二十大精神"))
    policy = forms.BooleanField(label=_("讲政策"), required=False)
    policy_text = text_field(_("宣讲的政策"), placeholder=_("如：校外培训监管政策"))
    hazard_check = forms.BooleanField(label=_("排隐患"), required=False)
    hazard_check_text = text_field(_("排查内容"), placeholder=_("如：消防通道、灭火器"))
    ledger = forms.BooleanField(label=_("核台账"), required=False)
    ledger_text = text_field(_("核查的台账"), placeholder=_("如：党员名册、三会一课记录"))
    case_talk = forms.BooleanField(label=_("以案说法"), required=False)
    case_talk_case = text_field(_("所讲案例"))
    attendees = forms.IntegerField(label=_("参加人数"), required=False, min_value=0,
                                   max_value=10000,
                                   widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    notes = forms.CharField(label=_("内容摘要"), required=False,
                            widget=forms.Textarea(attrs={"rows": 4}))
    evidence = evidence_field()
    # Made by the phone; a second send of the same visit answers with the stored one.
    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = selectors.institution_choices(user=self.user)
        self.fields["evidence"].widget.attrs["capture"] = "environment"
        if own_instructor(self.user) is not None:
            del self.fields["instructor"]
        else:
            self.fields["instructor"].queryset = selectors.instructor_choices(user=self.user)

    def item_pairs(self):
        """(checkbox, text) bound-field pairs of the four items and the case talk, in order."""
        return [(self[item], self[text]) for item, text in ITEM_TEXTS.items()]

    def clean(self):
        cleaned = super().clean()
        for item, text in ITEM_TEXTS.items():
            if cleaned.get(item) and not (cleaned.get(text) or "").strip():
                self.add_error(text, ITEM_TEXT_MISSING[item])
        if not any(cleaned.get(item) for item in ITEM_TEXTS):
            raise forms.ValidationError(
                _("请至少勾选一项走访内容（上党课、讲政策、排隐患、核台账或以案说法）。"))
        return cleaned

    def service_fields(self) -> dict:
        """The cleaned data as the visit services take it."""
        data = dict(self.cleaned_data)
        if not data.get("instructor"):
            data.pop("instructor", None)
        data.pop("client_id", None)
        return data


class VisitUpdateForm(VisitForm):
    """Correcting a visit: the instructor stays; more evidence may be added."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("instructor", None)
        self.fields.pop("client_id", None)
        self.fields["evidence"].label = _("追加佐证材料")


HAZARD_ROWS_MAX = 20


class HazardRowForm(forms.Form):
    """One hazard found on the visit, entered on the visit form itself ("发现隐患")."""

    description = forms.CharField(label=_("隐患描述"), max_length=500, required=False,
                                  widget=forms.TextInput(attrs={
                                      "placeholder": _("如：安全出口被杂物堵塞")}))
    category = forms.ChoiceField(label=_("类别"), choices=Hazard.Category.choices,
                                 initial=Hazard.Category.FIRE)
    severity = forms.ChoiceField(label=SEVERITY, choices=Hazard.Severity.choices,
                                 initial=Hazard.Severity.GENERAL)
    deadline = date_field(_("整改期限"), required=False)
    photo = forms.FileField(label=_("隐患照片"), required=False, widget=forms.ClearableFileInput(
        attrs={"accept": "image/jpeg,image/png", "capture": "environment"}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["deadline"].help_text = _("留空则为发现之日起 %(days)s 天。") % {
            "days": settings.PARTYBUILD_HAZARD_DEADLINE_DAYS}

    @property
    def is_blank(self) -> bool:
        return not (self.data.get(self.add_prefix("description"), "").strip()
                    or self.files.get(self.add_prefix("photo")))

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("description") or "").strip():
            self.add_error("description", _("请描述发现的隐患。"))
        return cleaned

    def service_fields(self, found_on) -> dict:
        data = self.cleaned_data
        return {
            "category": data["category"], "severity": data["severity"],
            "description": data["description"],
            "deadline": data.get("deadline") or default_hazard_deadline(found_on),
            "photos": [data["photo"]] if data.get("photo") else [],
        }


def posted_hazard_rows(data, files) -> list[HazardRowForm]:
    """The hazard rows posted with a visit (hazards-count of them), blank ones dropped."""
    try:
        count = min(int(data.get("hazards-count", "0")), HAZARD_ROWS_MAX)
    except ValueError:
        count = 0
    rows = [HazardRowForm(data, files, prefix=f"hazards-{index}") for index in range(count)]
    return [row for row in rows if not row.is_blank]


class HazardForm(ScopedForm):
    institution = institution_field()
    found_on = date_field(_("发现日期"))
    category = forms.ChoiceField(label=_("类别"), choices=Hazard.Category.choices)
    severity = forms.ChoiceField(label=SEVERITY, choices=Hazard.Severity.choices)
    description = forms.CharField(label=_("描述"), max_length=500,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    deadline = date_field(_("整改期限"), help_text=_("不能早于发现日期。"))
    photos = MultipleFileField(label=_("隐患照片"), required=False, widget=MultipleFileInput(
        attrs={"accept": "image/jpeg,image/png", "capture": "environment"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = selectors.institution_choices(user=self.user)


class HazardRectifyForm(ScopedForm):
    rectified_on = date_field(_("整改完成日期"), help_text=_("不能早于发现日期，也不能晚于今天。"))
    rectification_note = forms.CharField(label=_("整改情况"), required=False,
                                         widget=forms.Textarea(attrs={"rows": 4}))
    evidence = evidence_field(_("整改佐证材料"))


class HazardCloseOutForm(ScopedForm):
    on = date_field(_("销号日期"))


class ClueForm(ScopedForm):
    institution = institution_field()
    date = date_field(_("日期"))
    description = forms.CharField(label=_("线索描述"), max_length=500,
                                  widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = selectors.institution_choices(user=self.user)


class ClueReviewForm(ScopedForm):
    substantiated = forms.BooleanField(label=_("经核查属实"), required=False)
    enforcement = forms.BooleanField(label=_("指导员参与了执法行动"), required=False)
    reviewed_on = date_field(_("核查日期"))
