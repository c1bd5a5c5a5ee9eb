"""The audit trail (安全审计): append-only entries, each chained to the previous by a hash."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntryQuerySet(models.QuerySet):
    """Bulk writes that would rewrite the trail are refused; only audit_purge deletes."""

    def update(self, **kwargs):
        raise ValidationError(_("审计记录只能新增，不能修改或删除。"))

    def delete(self):
        raise ValidationError(_("审计记录只能新增，不能修改或删除。"))


class AuditEntry(models.Model):
    class Event(models.TextChoices):
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKOUT = "lockout", _("账号锁定")
        LOGOUT = "logout", _("退出登录")
        PASSWORD_CHANGE = "password_change", _("修改密码")
        USER_CHANGE = "user_change", _("变更用户角色、区划或权限")
        PERSONAL_VIEW = "personal_view", _("查看个人信息")
        PERSONAL_REVEAL = "personal_reveal", _("查看完整号码")
        EXPORT = "export", _("导出")
        PDF_DOWNLOAD = "pdf_download", _("下载PDF")
        IMPORT = "import", _("导入")
        FINALISE = "finalise", _("定稿")
        REOPEN = "reopen", _("重新打开")
        ADMIN_CHANGE = "admin_change", _("后台变更")
        AUDIT_PURGE = "audit_purge", _("清理过期审计记录")

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("成功")
        FAILURE = "failure", _("失败")

    at = models.DateTimeField(_("时间"), db_index=True)
    # The user row may be deleted (SET_NULL); the name and role as they were stay, and only
    # they are hashed, so the chain survives an account's removal.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), null=True,
                             blank=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(_("用户名"), max_length=150, blank=True, db_index=True)
    role = models.CharField(_("角色"), max_length=20, blank=True)
    client_ip = models.CharField(_("客户端地址"), max_length=45, blank=True)
    event = models.CharField(_("事件"), max_length=20, choices=Event.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=60, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices,
                               default=Outcome.SUCCESS)
    details = models.JSONField(_("详情"), default=dict, blank=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-pk"]
        constraints = [
            # One successor per entry: two writers racing for the same tail cannot fork the
            # chain, the second insert fails instead.
            models.UniqueConstraint(fields=["prev_hash"], name="audit_entry_one_successor"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.get_event_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValidationError(_("审计记录只能新增，不能修改或删除。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("审计记录只能新增，不能修改或删除。"))
