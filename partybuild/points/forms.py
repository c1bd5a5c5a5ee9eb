"""Forms of the points ledger; they run the services' own checks, so that a mistake shows on
the form before the confirmation page rather than after it."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partybuild.core.forms import ScopedForm, date_field
from partybuild.core.views_confirm import add_service_error
from partybuild.organisation.models import Institution

from . import services
from .models import PointEntry

REASON_WIDGET = forms.Textarea(attrs={"rows": 3})


def reason_field(help_text) -> forms.CharField:
    return forms.CharField(label=_("事由"), max_length=300, widget=REASON_WIDGET,
                           help_text=help_text)


class PointEntryForm(ScopedForm):
    date = date_field(_("日期"), help_text=_("加分或扣分事项发生的日期，计入该日期所在年度。"))
    # No decimal_places here: the service's own message explains the one-decimal rule.
    # Formatted when shown, not at import, so that it is in the reader's language.
    points = forms.DecimalField(label=_("分值"), help_text=lazy(lambda: gettext(
        "加分填正数，扣分填负数，最多一位小数，绝对值不超过 %(max)s 分。"
    ) % {"max": services.MAX_POINTS}, str)())
    reason = reason_field(_("写明加分或扣分的具体事由，例如“开展党建公益活动受到表彰”。"))

    def __init__(self, *args, institution: Institution, **kwargs):
        self.institution = institution
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            cleaned["points"], cleaned["reason"] = services.validate_point_entry(
                institution=self.institution, date=cleaned.get("date"),
                points=cleaned.get("points"), reason=cleaned.get("reason"))
        except ValidationError as error:
            add_service_error(self, error)
        return cleaned


class PointEntryCorrectForm(ScopedForm):
    date = date_field(_("更正日期"), help_text=_(
        "默认与原记录同一天；须与原记录在同一年度，更正才会抵消该年度的积分。"))
    reason = reason_field(_("写明更正的原因，例如“分值录入错误”。"))

    def __init__(self, *args, entry: PointEntry, **kwargs):
        self.entry = entry
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = entry.date

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            cleaned["reason"] = services.validate_correction(
                entry=self.entry, date=cleaned.get("date"), reason=cleaned.get("reason"))
        except ValidationError as error:
            add_service_error(self, error)
        return cleaned
