"""Admin for users, and the role and region rules that every partybuild admin page follows.

Administrators (role 系统管理员, with staff status) use the admin without Django model
permissions, but like everyone else they see only the rows of their own regions. Superusers
see everything. Rows whose changes must keep period rules and history (coverage,
memberships, pairings, assignments) are read-only here: they change through the services.
"""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from .models import User
from .scoping import scope

admin.site.site_header = _("党建工作管理后台")
admin.site.site_title = _("党建工作管理后台")
admin.site.index_title = _("数据管理")


def is_administrator(user) -> bool:
    """Whether the user's role alone opens the admin to them."""
    return user.is_active and user.is_staff and user.role == User.Role.ADMIN


class ScopedAdminMixin:
    """Admin rows and choices limited to the user's regions; administrators need no grants."""

    region_lookup = "region"
    read_only = False
    list_per_page = 50

    def scope_queryset(self, queryset, user):
        """Rows of the given queryset that the (non-superuser) user may see."""
        return scope(queryset, user, self.region_lookup)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return self.scope_queryset(queryset, request.user)

    def get_field_queryset(self, db, db_field, request):
        # Choices (selects, autocomplete and raw-id validation) come from the same scope
        # as the related model's own admin list, so nothing outside it can be picked.
        try:
            related_admin = self.admin_site.get_model_admin(db_field.remote_field.model)
        except NotRegistered:
            return None
        if request.user.is_superuser or not isinstance(related_admin, ScopedAdminMixin):
            return super().get_field_queryset(db, db_field, request)
        queryset = related_admin.get_queryset(request).using(db)
        ordering = related_admin.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def has_module_permission(self, request):
        return is_administrator(request.user) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user) or super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        if self.read_only:
            return False
        return is_administrator(request.user) or super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        if self.read_only:
            return False
        return is_administrator(request.user) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Records are archived, never deleted: an institution is closed, a branch dissolved,
        # a period ended, a user deactivated. Deleting would erase what a year's score, an
        # inspection or a history entry refers to, so not even a superuser may.
        return False


class ScopedHistoryAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """A scoped admin that also shows each row's change history (who changed what, when)."""

    def _require_in_scope(self, request, object_id) -> None:
        # simple_history falls back to the history rows of objects it cannot find, which
        # would show other regions' records; deleted objects' history is for superusers.
        if not request.user.is_superuser and self.get_object(request, unquote(object_id)) is None:
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_in_scope(request, object_id)
        # The revert form saves on POST even for view-only users; reverting is a change.
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyScopedHistoryAdmin(ScopedHistoryAdmin):
    """Period rows: shown with their history, changed only through the services."""

    read_only = True


class SetByAdministratorPasswordForm(AdminPasswordChangeForm):
    """A password an administrator sets is for one login only: the user must change it."""

    def save(self, commit=True):
        self.user.must_change_password = True
        return super().save(commit=commit)


@admin.register(User)
class UserAdmin(ScopedAdminMixin, DjangoUserAdmin):
    change_password_form = SetByAdministratorPasswordForm
    actions = ["reset_second_factor"]
    list_display = ("username", "display_name", "role", "region", "is_active", "is_staff",
                    "last_login")
    list_filter = ("role", "is_active", "is_staff", ("region", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("region",)
    search_fields = ("username", "display_name", "email", "first_name", "last_name")
    autocomplete_fields = ("region",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("角色与区划"), {"fields": ("display_name", "role", "region", "email")}),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser", "groups",
                              "user_permissions")}),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2")}),
        (_("角色与区划"), {"fields": ("display_name", "role", "region")}),
    )

    def save_model(self, request, obj, form, change):
        if not change:
            # 等保 2.0: the first password comes from an administrator, so it is changed at
            # the first login.
            obj.must_change_password = True
        super().save_model(request, obj, form, change)

    @admin.action(description=_("重置双因素认证（用户下次登录时重新设置）"))
    def reset_second_factor(self, request, queryset):
        # For a lost phone and lost recovery codes; the users are those of the admin's scope.
        users = list(queryset)
        TOTPDevice.objects.filter(user__in=users).delete()
        StaticDevice.objects.filter(user__in=users).delete()
        self.message_user(request, ngettext(
            "已重置 %(count)d 个用户的双因素认证。", "已重置 %(count)d 个用户的双因素认证。",
            len(users)) % {"count": len(users)})

    def scope_queryset(self, queryset, user):
        # Superusers are outside every administrator's reach, wherever their region.
        return super().scope_queryset(queryset, user).filter(is_superuser=False)

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return readonly
        # Roles and regions are how administrators grant access; Django permissions are not.
        return readonly + ("is_superuser", "groups", "user_permissions")


admin.site.unregister(AccessAttempt)
# django-otp's device admins list every user's devices, whatever the administrator's region;
# a device is reset through the scoped user list's action instead.
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


def manages_lockouts(user) -> bool:
    """Lockouts are security policy: the security administrator's (and, as before, the
    system administrator's, who answers the user who cannot sign in)."""
    return is_administrator(user) or (user.is_active and user.is_staff
                                      and user.role == User.Role.SECURITY_ADMIN)


@admin.register(AccessAttempt)
class LoginLockoutAdmin(AccessAttemptAdmin):
    """Failed-login counters: deleting one lifts that user name's lockout at once.

    Administrators see the attempts on user names of their own regions only; a name that
    matches no account (someone guessing) is for superusers, as it belongs to no region.
    """

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        names = scope(User.objects.all(), request.user).values("username")
        return queryset.filter(username__in=names)

    def has_module_permission(self, request):
        return manages_lockouts(request.user) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return manages_lockouts(request.user) or super().has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return manages_lockouts(request.user) or super().has_delete_permission(request, obj)
