"""Read-mostly admin of rubrics, scores, inspections and red-list publications."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Inspection, RedListEntry, RedListPublication, Rubric, Score


@admin.register(Rubric)
class RubricAdmin(SimpleHistoryAdmin):
    list_display = ("year", "version", "finalised_at")


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    list_display = ("institution", "year", "total", "grade", "red_list", "rubric_version")
    list_filter = ("year", "grade", "red_list")
    search_fields = ("institution__name", "institution__credit_code")
    list_select_related = ("institution",)
    # Scores are written only by the recompute service, with its set-based rules.
    readonly_fields = [f.name for f in Score._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Inspection)
class InspectionAdmin(SimpleHistoryAdmin):
    list_display = ("institution", "year", "finalised_at")
    list_filter = ("year",)
    search_fields = ("institution__name",)
    list_select_related = ("institution",)
    raw_id_fields = ("institution",)


class RedListEntryInline(admin.TabularInline):
    model = RedListEntry
    extra = 0
    readonly_fields = ("institution", "name", "category", "region_name", "total")
    can_delete = False


@admin.register(RedListPublication)
class RedListPublicationAdmin(admin.ModelAdmin):
    list_display = ("year", "published_at", "published_by", "region_name")
    inlines = [RedListEntryInline]
