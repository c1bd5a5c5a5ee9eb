from django.contrib import admin

from partybuild.accounts.scoping import regions_visible_to

from .models import RegionThresholds, SentReminder


@admin.register(RegionThresholds)
class RegionThresholdsAdmin(admin.ModelAdmin):
    """Administrators override the reminder thresholds of the regions they manage."""

    list_display = ["region", "visit_from_day", "hazard_due_days", "hazard_escalate_days",
                    "clue_review_days", "inspection_from", "cadence_window_days"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(region__in=regions_visible_to(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region":
            kwargs["queryset"] = regions_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    """Read-only: the record of what send_reminders sent."""

    list_display = ["day", "rule", "recipient", "record", "period", "text"]
    list_filter = ["rule", "day"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
