from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: messages are written by send_reminders, read by their recipients."""

    list_display = ["title", "recipient", "day", "read_at"]
    list_filter = ["day"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
