"""Admin for the organisation structure, scoped to the administrator's regions."""

from django import forms
from django.contrib import admin
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from partybuild.accounts.admin import ReadOnlyScopedHistoryAdmin, ScopedHistoryAdmin
from partybuild.accounts.scoping import region_path, regions_visible_to, scope
from partybuild.regions.paths import region_path_for

from .models import (
    Branch,
    Committee,
    Coverage,
    Institution,
    Member,
    Membership,
    Pairing,
    Region,
    SchoolBranch,
)
from .scoping import members_visible_to
from .services import region_update

BRANCH_REGION = "committee__region"
PERIOD_BRANCH_REGION = "branch__committee__region"


class RegionAdminForm(forms.ModelForm):
    """Checks what the region services would refuse, so the admin shows it as a form error."""

    acting_user = None

    class Meta:
        model = Region
        fields = ("code", "name", "parent", "level")

    def clean(self):
        cleaned = super().clean()
        parent = cleaned.get("parent")
        region = self.instance
        if parent is not None and region.pk and parent.path.startswith(region.path):
            self.add_error("parent", _("不能把区划移到它自己或它的下级区划之下。"))
        parent_changed = region.pk is None or region.parent_id != (parent.pk if parent else None)
        if parent is None and parent_changed and region_path(self.acting_user) != "/":
            self.add_error("parent", _("只有不限区划的管理员可以创建顶级区划，请选择上级区划。"))
        return cleaned


@admin.register(Region)
class RegionAdmin(ScopedHistoryAdmin):
    form = RegionAdminForm
    list_display = ("code", "name", "level", "parent", "path")
    list_filter = ("level",)
    list_select_related = ("parent",)
    search_fields = ("code", "name")
    readonly_fields = ("path",)
    autocomplete_fields = ("parent",)

    def scope_queryset(self, queryset, user):
        return queryset.filter(pk__in=regions_visible_to(user).values("pk"))

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.acting_user = request.user
        return form

    def save_model(self, request, obj, form, change):
        # The path is not a form field: build it here, and on a move rebuild the subtree's.
        if change:
            region = region_update(acting_user=request.user, region=obj, code=obj.code,
                                   name=obj.name, parent=obj.parent, level=obj.level)
            obj.path = region.path
        else:
            obj.path = region_path_for(obj.parent, obj.code)
            super().save_model(request, obj, form, change)


@admin.register(Committee)
class CommitteeAdmin(ScopedHistoryAdmin):
    list_display = ("name", "level", "region", "parent")
    list_filter = ("level", ("region", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("region", "parent")
    search_fields = ("name",)
    autocomplete_fields = ("region", "parent")


@admin.register(Institution)
class InstitutionAdmin(ScopedHistoryAdmin):
    list_display = ("name", "credit_code", "region", "category", "licence", "opened_on",
                    "closed_on", "suspended_on", "charter_includes_party_building")
    list_filter = ("category", "licence", "charter_includes_party_building",
                   ("region", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("region",)
    search_fields = ("name", "credit_code", "permit_no", "founder")
    autocomplete_fields = ("region",)
    # Tens of thousands of rows: skip the second, unfiltered count on every page.
    show_full_result_count = False


@admin.register(Branch)
class BranchAdmin(ScopedHistoryAdmin):
    """Kind and dates change through the branch pages, which check coverage and end periods."""

    region_lookup = BRANCH_REGION
    list_display = ("name", "kind", "committee", "founded_on", "dissolved_on")
    list_filter = ("kind", ("committee", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("committee",)
    search_fields = ("name", "committee__name")
    autocomplete_fields = ("committee",)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("kind", "founded_on", "dissolved_on")


@admin.register(Coverage)
class CoverageAdmin(ReadOnlyScopedHistoryAdmin):
    region_lookup = PERIOD_BRANCH_REGION
    list_display = ("branch", "institution", "start", "end")
    list_filter = ("branch__kind",)
    list_select_related = ("branch", "institution")
    search_fields = ("branch__name", "institution__name", "institution__credit_code")
    autocomplete_fields = ("branch", "institution")
    date_hierarchy = "start"


@admin.register(Member)
class MemberAdmin(ScopedHistoryAdmin):
    """Members are added with their first branch on the member pages; here they are corrected."""

    list_display = ("number", "name", "gender", "status", "joined_on")
    list_filter = ("status", "gender")
    search_fields = ("number", "name")

    def scope_queryset(self, queryset, user):
        return queryset.filter(pk__in=members_visible_to(user).values("pk"))

    def has_add_permission(self, request):
        return False


@admin.register(Membership)
class MembershipAdmin(ReadOnlyScopedHistoryAdmin):
    region_lookup = PERIOD_BRANCH_REGION
    list_display = ("member", "branch", "employer", "start", "end", "is_secretary")
    list_filter = ("is_secretary", "member__status")
    list_select_related = ("member", "branch", "employer")
    search_fields = ("member__number", "member__name", "branch__name", "employer__name")
    autocomplete_fields = ("member", "branch", "employer")
    date_hierarchy = "start"


@admin.register(SchoolBranch)
class SchoolBranchAdmin(ScopedHistoryAdmin):
    list_display = ("name", "school", "region")
    list_select_related = ("region",)
    search_fields = ("name", "school")
    autocomplete_fields = ("region",)

    def scope_queryset(self, queryset, user):
        # Schools are public partners: those without a region, in the user's regions or
        # paired with one of the user's branches are all the user's business.
        path = region_path(user)
        if path is None:
            return queryset.none()
        paired_here = scope(Pairing.objects.filter(school_branch=OuterRef("pk")), user,
                            PERIOD_BRANCH_REGION)
        return queryset.filter(
            Q(region__isnull=True) | Q(region__path__startswith=path) | Exists(paired_here)
        )


@admin.register(Pairing)
class PairingAdmin(ReadOnlyScopedHistoryAdmin):
    region_lookup = PERIOD_BRANCH_REGION
    list_display = ("branch", "school_branch", "start", "end")
    list_select_related = ("branch", "school_branch")
    search_fields = ("branch__name", "school_branch__name", "school_branch__school")
    autocomplete_fields = ("branch", "school_branch")
    date_hierarchy = "start"
