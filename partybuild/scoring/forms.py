"""Forms of the scoring pages; every form takes the acting user (ConfirmedActionView passes it)."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from partybuild.accounts.scoping import regions_visible_to
from partybuild.regions.models import Region

from .models import RUBRIC_FIELDS, Rubric

SCORE_FIELD = {"max_digits": 5, "decimal_places": 2,
               "validators": [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]}


class UserForm(forms.Form):
    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


class RecomputeForm(UserForm):
    region = forms.ModelChoiceField(label=_("区划（含下级）"), queryset=Region.objects.none(),
                                    required=False, empty_label=_("我管辖的全部区划"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_visible_to(self.user).order_by("path")


class ConfirmOnlyForm(UserForm):
    """An action with nothing to fill in: the confirmation page says what will happen."""


class ReasonForm(UserForm):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}))


class RubricForm(forms.ModelForm):
    class Meta:
        model = Rubric
        fields = RUBRIC_FIELDS

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        excellent, good, passing = (data.get(n) for n in ("excellent_from", "good_from",
                                                          "pass_from"))
        if None not in (excellent, good, passing) and not excellent >= good >= passing:
            raise forms.ValidationError(_("等级分数线须满足 优秀 ≥ 良好 ≥ 合格。"))
        for name in RUBRIC_FIELDS:
            value = data.get(name)
            if value is not None and value < 0:
                self.add_error(name, _("不能为负数。"))
        return data


class AdjustForm(UserForm):
    adjusted = forms.DecimalField(label=_("复核后党建工作得分"), required=False,
                                  help_text=_("留空表示取消调整，使用计算得分。"), **SCORE_FIELD)
    reason = forms.CharField(label=_("复核理由"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("adjusted") is not None and not (data.get("reason") or "").strip():
            self.add_error("reason", _("调整党建工作得分须填写复核理由。"))
        return data


class SectionForm(UserForm):
    score = forms.DecimalField(label=_("得分（0–100）"), **SCORE_FIELD)
    comment = forms.CharField(label=_("说明"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
