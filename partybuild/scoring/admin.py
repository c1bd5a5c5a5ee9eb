"""Read-mostly admin of rubrics, scores, inspections and red-list publications."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import (
    RUBRIC_FIELDS,
    Inspection,
    RedListEntry,
    RedListPublication,
    Rubric,
    RubricVersion,
    Score,
)


class NoDeleteMixin:
    """A year's rubric, scores and inspections are evidence of how it was judged: kept."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Rubric)
class RubricAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    """Saved through the rubric service, like the rubric page: every change is a new version
    with its snapshot, and the form refuses maxima not adding up to 100 or unordered
    thresholds (Rubric.clean and the constraints, checked by the admin form)."""

    list_display = ("year", "version", "finalised_at")
    readonly_fields = ("version", "finalised_at", "finalised_by")

    def get_readonly_fields(self, request, obj=None):
        # A year's rubric stays that year's: the year is chosen once, when it is added.
        return (*self.readonly_fields, "year") if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in RUBRIC_FIELDS
                  if name in form.cleaned_data}
        saved = services.rubric_apply(acting_user=request.user, rubric=obj, values=values)
        # The admin's change message and redirect need the saved row.
        obj.pk, obj.version = saved.pk, saved.version

    def has_change_permission(self, request, obj=None):
        # A finalised year's rubric is what its stored scores were computed with.
        if obj is not None and obj.is_finalised:
            return False
        return super().has_change_permission(request, obj)


@admin.register(RubricVersion)
class RubricVersionAdmin(NoDeleteMixin, admin.ModelAdmin):
    """Each version as it was: what the scores stored under it were computed with."""

    list_display = ("year", "version", "created_at", "created_by")
    list_filter = ("year",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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
