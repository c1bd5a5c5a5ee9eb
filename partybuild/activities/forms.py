"""Forms for recording activities and their evidence; choices come from the user's scope.

The business rules (dates, pairings, duplicates, file types) are checked by the services,
whose errors land on the matching field.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partybuild.accounts.scoping import scope
from partybuild.core.forms import ScopedForm, date_field
from partybuild.organisation.models import Branch, Pairing, SchoolBranch
from partybuild.organisation.scoping import branches_visible_to

from .models import Activity

FIRST_YEAR = 2000


def chosen_year(request, param: str = "year") -> int:
    """The year asked for in the query string, or this year when absent or unreasonable."""
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get(param, this_year))
    except ValueError:
        return this_year
    return year if FIRST_YEAR <= year <= this_year + 1 else this_year


def year_choices(first: int, last: int | None = None) -> list[int]:
    """Years to offer in a year selector, newest first: `first` to `last` (default this year)."""
    last = last or timezone.localdate().year
    return list(range(last, max(first, FIRST_YEAR) - 1, -1))


EVIDENCE_HELP = _("可多选；JPEG、PNG 或 PDF，每个文件不超过 10 MB。")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True

    def __init__(self, attrs=None):
        super().__init__({"accept": "image/jpeg,image/png,application/pdf", **(attrs or {})})


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none was chosen)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if self.required and not files:
            raise ValidationError(self.error_messages["required"], code="required")
        return [forms.FileField.clean(self, item, initial) for item in files]


def paired_school_branches(user):
    """School branches paired, at any time, with a branch the user may see."""
    pairings = scope(Pairing.objects.all(), user, "branch__committee__region")
    return SchoolBranch.objects.filter(pk__in=pairings.values("school_branch")).order_by(
        "school", "name")


class ActivityForm(ScopedForm):
    branch = forms.ModelChoiceField(label=_("支部"), queryset=Branch.objects.none())
    date = date_field(_("活动日期"))
    kind = forms.ChoiceField(label=_("类型"), choices=[("", "---------"), *Activity.Kind.choices])
    title = forms.CharField(label=_("主题"), max_length=200)
    attendees = forms.IntegerField(label=_("参加人数"), min_value=0, required=False)
    description = forms.CharField(label=_("内容"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    school_branch = forms.ModelChoiceField(
        label=_("结对学校支部"), queryset=SchoolBranch.objects.none(), required=False,
        help_text=_("仅结对共建活动填写：须是活动当天与本支部结对的学校支部。"),
    )
    files = MultipleFileField(label=_("佐证材料"), required=False, help_text=EVIDENCE_HELP)

    def __init__(self, *args, with_files: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches_visible_to(self.user).order_by("name_key", "pk")
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["school_branch"].queryset = paired_school_branches(self.user)
        if not with_files:
            del self.fields["files"]

    def pairings_data(self) -> list[dict]:
        """Which school branch is paired with which branch when, for the form's script."""
        pairings = scope(Pairing.objects.all(), self.user, "branch__committee__region")
        return [
            {"branch": p["branch_id"], "school_branch": p["school_branch_id"],
             "start": p["start"].isoformat(), "end": p["end"].isoformat() if p["end"] else None}
            for p in pairings.values("branch_id", "school_branch_id", "start", "end")
        ]


class EvidenceForm(ScopedForm):
    files = MultipleFileField(label=_("佐证材料"), help_text=EVIDENCE_HELP)
