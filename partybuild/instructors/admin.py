"""Admin for instructors and their assignments, scoped to the administrator's regions."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from partybuild.accounts.admin import ReadOnlyScopedHistoryAdmin, ScopedHistoryAdmin
from partybuild.core.masking import mask_phone

from .models import Assignment, Instructor
from .scoping import instructors_visible_to


@admin.register(Instructor)
class InstructorAdmin(ScopedHistoryAdmin):
    list_display = ("number", "name", "source_type", "source_org", "title", "masked_phone",
                    "region", "user")
    list_filter = ("source_type", ("region", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("region", "user")
    search_fields = ("number", "name", "phone", "source_org")
    autocomplete_fields = ("region", "user")

    def scope_queryset(self, queryset, user):
        return queryset.filter(pk__in=instructors_visible_to(user).values("pk"))

    @admin.display(description=_("手机"), ordering="phone")
    def masked_phone(self, instructor):
        return mask_phone(instructor.phone)


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyScopedHistoryAdmin):
    region_lookup = "institution__region"
    list_display = ("instructor", "institution", "start", "end")
    list_select_related = ("instructor", "institution")
    search_fields = ("instructor__number", "instructor__name", "institution__name",
                     "institution__credit_code")
    autocomplete_fields = ("instructor", "institution")
    date_hierarchy = "start"
