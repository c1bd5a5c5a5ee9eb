"""Read-mostly admin of rubrics, scores, inspections and red-list publications."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Inspection, RedListEntry, RedListPublication, Rubric, Score


class NoDeleteMixin:
    """A year's rubric, scores and inspections are evidence of how it was judged: kept."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Rubric)
class RubricAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ("year", "version", "finalised_at")

    def has_change_permission(self, request, obj=None):
        # A finalised year's rubric is what its stored scores were computed with.
        if obj is not None and obj.is_finalised:
            return False
        return super().has_change_permission(request, obj)


@admin.register(Score)
class ScoreAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ("institution", "year", "total", "grade", "red_list", "rubric_version")
    list_filter = ("year", "grade", "red_list")
    search_fields = ("institution__name", "institution__credit_code")
    list_select_related = ("institution",)
    # Scores are written only by the recompute service, with its set-based rules.
    readonly_fields = [f.name for f in Score._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Inspection)
class InspectionAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    """Shown with its history; entered, finalised and reopened only on the inspection pages,
    whose services keep the reason, finalising and reopening rules."""

    list_display = ("institution", "year", "finalised_at")
    list_filter = ("year",)
    search_fields = ("institution__name",)
    list_select_related = ("institution",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RedListEntryInline(admin.TabularInline):
    model = RedListEntry
    extra = 0
    readonly_fields = ("institution", "name", "credit_code", "category", "region_name", "total")
    can_delete = False


@admin.register(RedListPublication)
class RedListPublicationAdmin(NoDeleteMixin, admin.ModelAdmin):
    """What was published stays as published: the public page shows this snapshot."""

    list_display = ("year", "version", "published_at", "published_by", "region_name")
    inlines = [RedListEntryInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
