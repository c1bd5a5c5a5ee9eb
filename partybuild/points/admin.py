"""Admin for the points ledger: entries can be added (through the service) and viewed, never
changed or deleted. Corrections are made on the ledger page, with a confirmation."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from partybuild.accounts.admin import ScopedAdminMixin
from partybuild.core.views_confirm import add_service_error

from . import services
from .models import PointEntry


class PointEntryAdminForm(forms.ModelForm):
    """Runs the service's checks so that the admin shows them as form errors."""

    # Without decimal_places, so the service's own message explains the one-decimal rule.
    points = forms.DecimalField(label=_("分值"))

    class Meta:
        model = PointEntry
        fields = ("institution", "date", "points", "reason")
        help_texts = {"reason": _("积分记录保存后不能修改或删除；更正请到机构的积分台账页面办理。")}

    def clean(self):
        cleaned = super().clean()
        institution = cleaned.get("institution")
        if institution is None or self.errors:
            return cleaned
        try:
            cleaned["points"], cleaned["reason"] = services.validate_point_entry(
                institution=institution, date=cleaned.get("date"),
                points=cleaned.get("points"), reason=cleaned.get("reason"))
        except ValidationError as error:
            add_service_error(self, error)
        return cleaned


@admin.register(PointEntry)
class PointEntryAdmin(ScopedAdminMixin, admin.ModelAdmin):
    form = PointEntryAdminForm
    region_lookup = "institution__region"
    list_display = ("institution", "date", "points", "reason", "corrects", "created_by",
                    "created_at")
    list_filter = ("date",)
    list_select_related = ("institution", "corrects__institution", "created_by")
    search_fields = ("institution__name", "institution__credit_code", "reason")
    autocomplete_fields = ("institution",)
    date_hierarchy = "date"
    # No bulk actions at all: the only one Django offers is "delete selected".
    actions = None
    show_full_result_count = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("institution", "date", "points", "reason", "corrects", "created_by",
                "created_at")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("institution", "date", "points", "reason")
        return self.get_readonly_fields(request, obj)

    def save_model(self, request, obj, form, change):
        # Adding is the only write the admin offers, and it goes through the service.
        entry = services.point_entry_add(acting_user=request.user, institution=obj.institution,
                                         date=obj.date, points=obj.points, reason=obj.reason)
        obj.pk, obj.created_by, obj.created_at = entry.pk, entry.created_by, entry.created_at
        obj._state.adding = False
