"""Admin for visits, hazards and clues, scoped to the administrator's regions.

These records are written through the pages, whose services check dates, operating periods
and assignments, and whose uploads are checked by content; here they are read with their
history. Evidence files are linked through the scoped download views, never served directly.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from partybuild.accounts.admin import (
    ReadOnlyScopedHistoryAdmin,
    ScopedAdminMixin,
    is_administrator,
)

from .models import Clue, Hazard, HazardEvidence, Visit, VisitEvidence

INSTITUTION_REGION = "institution__region"
EVIDENCE_FIELDS = ("download", "content_type", "size", "uploaded_by", "uploaded_at")


class EvidenceInline(admin.TabularInline):
    """The files of one (already scoped) record; uploads go through the content check only."""

    extra = 0
    fields = EVIDENCE_FIELDS
    readonly_fields = EVIDENCE_FIELDS
    download_url_name = ""

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user) or super().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("文件"))
    def download(self, obj):
        return format_html('<a href="{}">{}</a>', reverse(self.download_url_name, args=[obj.pk]),
                           obj.original_name)


class VisitEvidenceInline(EvidenceInline):
    model = VisitEvidence
    download_url_name = "visits:visit_evidence_download"


class HazardEvidenceInline(EvidenceInline):
    model = HazardEvidence
    download_url_name = "visits:hazard_evidence_download"


@admin.register(Visit)
class VisitAdmin(ReadOnlyScopedHistoryAdmin):
    region_lookup = INSTITUTION_REGION
    list_display = ("date", "institution", "instructor", "lesson", "policy", "hazard_check",
                    "ledger", "case_talk", "recorded_by")
    list_filter = ("lesson", "policy", "hazard_check", "ledger", "case_talk",
                   ("institution__region", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("institution", "instructor", "recorded_by")
    search_fields = ("institution__name", "institution__credit_code", "instructor__name",
                     "instructor__number", "notes")
    date_hierarchy = "date"
    inlines = (VisitEvidenceInline,)
    show_full_result_count = False


@admin.register(Hazard)
class HazardAdmin(ReadOnlyScopedHistoryAdmin):
    region_lookup = INSTITUTION_REGION
    list_display = ("found_on", "institution", "category", "severity", "deadline",
                    "rectified_on", "closed_out_on", "instructor")
    list_filter = ("category", "severity", ("institution__region",
                                            admin.RelatedOnlyFieldListFilter))
    list_select_related = ("institution", "instructor")
    search_fields = ("institution__name", "institution__credit_code", "description",
                     "instructor__name")
    date_hierarchy = "found_on"
    inlines = (HazardEvidenceInline,)


@admin.register(HazardEvidence)
class HazardEvidenceAdmin(ScopedAdminMixin, admin.ModelAdmin):
    region_lookup = "hazard__institution__region"
    read_only = True
    list_display = ("original_name", "hazard", "content_type", "size", "uploaded_by",
                    "uploaded_at")
    list_select_related = ("hazard__institution", "uploaded_by")
    search_fields = ("original_name", "hazard__institution__name")
    fields = ("hazard", "download", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields

    @admin.display(description=_("文件"))
    def download(self, obj):
        return format_html('<a href="{}">{}</a>',
                           reverse("visits:hazard_evidence_download", args=[obj.pk]),
                           obj.original_name)


@admin.register(Clue)
class ClueAdmin(ReadOnlyScopedHistoryAdmin):
    region_lookup = INSTITUTION_REGION
    list_display = ("date", "institution", "instructor", "substantiated", "enforcement",
                    "reviewed_on")
    list_filter = ("substantiated", "enforcement", ("institution__region",
                                                     admin.RelatedOnlyFieldListFilter))
    list_select_related = ("institution", "instructor")
    search_fields = ("institution__name", "institution__credit_code", "description",
                     "instructor__name")
    date_hierarchy = "date"
