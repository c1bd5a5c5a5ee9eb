"""Admin for activities (scoped to the administrator's regions) and the cadence targets."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from partybuild.accounts.admin import ScopedHistoryAdmin, is_administrator

from . import services
from .models import Activity, ActivityEvidence, CadenceRule


class ActivityAdminForm(forms.ModelForm):
    """Keeps the rules the activity pages keep (dates, pairings, duplicates)."""

    class Meta:
        model = Activity
        fields = ("branch", "date", "kind", "title", "attendees", "description",
                  "school_branch")

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            services.check_activity(
                branch=cleaned["branch"], day=cleaned["date"], kind=cleaned["kind"],
                title=cleaned["title"].strip(), school_branch=cleaned.get("school_branch"),
                exclude_pk=self.instance.pk,
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                self.add_error(name if name in self.fields else None, messages)
        return cleaned


class ActivityEvidenceInline(admin.TabularInline):
    """Evidence is uploaded on the activity page, where its type and size are checked."""

    model = ActivityEvidence
    fields = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user) or super().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Activity)
class ActivityAdmin(ScopedHistoryAdmin):
    form = ActivityAdminForm
    region_lookup = "branch__committee__region"
    list_display = ("date", "title", "kind", "branch", "school_branch", "attendees",
                    "recorded_by")
    list_filter = ("kind",)
    list_select_related = ("branch", "school_branch", "recorded_by")
    search_fields = ("title", "branch__name")
    autocomplete_fields = ("branch", "school_branch")
    date_hierarchy = "date"
    inlines = (ActivityEvidenceInline,)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


def may_set_cadence(user) -> bool:
    """The cadence holds for every region, so only a top-level administrator sets it."""
    if user.is_superuser:
        return True
    return is_administrator(user) and user.region is not None and user.region.parent_id is None


@admin.register(CadenceRule)
class CadenceRuleAdmin(SimpleHistoryAdmin):
    list_display = ("kind", "period", "minimum")
    list_editable = ("period", "minimum")
    list_display_links = ("kind",)

    def has_module_permission(self, request):
        return is_administrator(request.user) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user) or super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return may_set_cadence(request.user)

    def has_change_permission(self, request, obj=None):
        return may_set_cadence(request.user)

    def has_delete_permission(self, request, obj=None):
        return may_set_cadence(request.user)
