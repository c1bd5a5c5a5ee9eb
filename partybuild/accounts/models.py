"""Users, their role and their home region."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    class Role(models.TextChoices):
        STAFF = "staff", _("党委工作人员")
        INSTRUCTOR = "instructor", _("党建指导员")
        REVIEWER = "reviewer", _("年检评审人员")
        ADMIN = "admin", _("系统管理员")
        # The three administrators (三员分立): the system administrator runs users, regions
        # and configuration, the security administrator lockouts and sessions, the audit
        # administrator only reads the audit trail. A role is one value, so no account
        # holds two; a superuser holds every right, so neither of the other two may be one.
        SECURITY_ADMIN = "security_admin", _("安全管理员")
        AUDIT_ADMIN = "audit_admin", _("审计管理员")

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.STAFF)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所属区划"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="users",
        help_text=_("用户可查看本区划及其下级区划的全部记录。"),
    )
    display_name = models.CharField(_("姓名"), max_length=60, blank=True)
    # Password policy (等保 2.0 身份鉴别): a password an administrator set must be changed at
    # the next login; any password expires PARTYBUILD_PASSWORD_MAX_AGE_DAYS after it was set.
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    password_changed_at = models.DateTimeField(_("密码设置时间"), default=timezone.now)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_superuser=False) | ~Q(role__in=["security_admin", "audit_admin"]),
                name="user_one_administrator_role",
                violation_error_message=_("安全管理员和审计管理员不能同时是超级用户。"),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    def clean(self):
        super().clean()
        if self.is_superuser and self.role in {self.Role.SECURITY_ADMIN, self.Role.AUDIT_ADMIN}:
            # Not tied to a field: is_superuser is read-only for non-superusers in the admin.
            raise ValidationError(_(
                "超级用户拥有全部权限：安全管理员和审计管理员不能同时是超级用户（三员分立）。"))

    @property
    def is_security_admin(self) -> bool:
        return self.is_active and self.role == self.Role.SECURITY_ADMIN

    @property
    def is_audit_admin(self) -> bool:
        return self.is_active and self.role == self.Role.AUDIT_ADMIN

    @property
    def can_edit_structure(self) -> bool:
        return self.is_active and self.role in {self.Role.STAFF, self.Role.ADMIN}

    @property
    def can_view_structure(self) -> bool:
        viewers = {self.Role.STAFF, self.Role.REVIEWER, self.Role.ADMIN}
        return self.is_active and self.role in viewers

    @property
    def is_instructor(self) -> bool:
        return self.role == self.Role.INSTRUCTOR


class PasswordHistory(models.Model):
    """A user's earlier password hashes, so that none of the last few is chosen again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"
