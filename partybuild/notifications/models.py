"""In-app notifications, each user's channels, each region's group bots, and the delivery log.

This app knows users and regions only: what a notification says is decided above it (the
reminders app); here it is a title and lines, each line a text with an optional link.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message in a user's notification centre (a day's digest, for instance)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收人"),
                                  on_delete=models.CASCADE, related_name="notifications")
    day = models.DateField(_("日期"))
    title = models.CharField(_("标题"), max_length=200)
    # [{"text": "...", "url": "/visits/hazards/12/"}, ...]: the url is a path or empty.
    lines = models.JSONField(_("内容"), default=list, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The bell's COUNT of unread messages on every page: one index-only lookup.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True),
                         name="notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notification_recent"),
        ]

    def __str__(self) -> str:
        return self.title


class ChannelPreference(models.Model):
    """Which channels a user wants besides the notification centre, which is always on."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("用户"),
                                on_delete=models.CASCADE, related_name="channel_preference")
    email = models.BooleanField(_("电子邮件"), default=False)
    bot = models.BooleanField(_("工作群机器人"), default=True,
                              help_text=_("本区划的工作群机器人推送（由管理员配置）。"))

    class Meta:
        verbose_name = _("接收渠道")
        verbose_name_plural = _("接收渠道")

    def __str__(self) -> str:
        return str(self.user)


class RegionChannel(models.Model):
    """A region's group-bot webhooks: 企业微信, 钉钉 (signed) and 飞书 (optionally signed)."""

    region = models.OneToOneField("regions.Region", verbose_name=_("区划"),
                                  on_delete=models.CASCADE, related_name="channel")
    wecom_url = models.URLField(_("企业微信机器人 Webhook"), max_length=500, blank=True)
    dingtalk_url = models.URLField(_("钉钉机器人 Webhook"), max_length=500, blank=True)
    dingtalk_secret = models.CharField(_("钉钉加签密钥"), max_length=200, blank=True)
    feishu_url = models.URLField(_("飞书机器人 Webhook"), max_length=500, blank=True)
    feishu_secret = models.CharField(_("飞书签名密钥"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("区划工作群机器人")
        verbose_name_plural = _("区划工作群机器人")

    def __str__(self) -> str:
        return str(self.region)


class Channel(models.TextChoices):
    EMAIL = "email", _("电子邮件")
    WECOM = "wecom", _("企业微信")
    DINGTALK = "dingtalk", _("钉钉")
    FEISHU = "feishu", _("飞书")


class Delivery(models.Model):
    """One message to send through one channel to one target, retried until it goes out."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待重试")
        SENT = "sent", _("已送达")
        FAILED = "failed", _("失败")

    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices)
    day = models.DateField(_("日期"))
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收人"),
                                  null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    region = models.ForeignKey("regions.Region", verbose_name=_("区划"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    # What the log shows: an e-mail address, or a webhook with its token masked. The real
    # webhook is read from the region's configuration at each attempt, never stored here.
    target = models.CharField(_("目标"), max_length=300)
    title = models.CharField(_("标题"), max_length=200)
    lines = models.JSONField(_("内容"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("错误"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("下次重试时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("推送任务")
        verbose_name_plural = _("推送任务")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.target}"


class DeliveryAttempt(models.Model):
    """One attempt at a delivery: the log page lists these."""

    delivery = models.ForeignKey(Delivery, verbose_name=_("推送任务"), on_delete=models.CASCADE,
                                 related_name="attempt_log")
    number = models.PositiveSmallIntegerField(_("第几次"))
    at = models.DateTimeField(_("时间"), default=timezone.now)
    ok = models.BooleanField(_("成功"))
    error = models.CharField(_("错误"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("下次重试时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("推送记录")
        verbose_name_plural = _("推送记录")
        ordering = ["-at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["delivery", "number"],
                                               name="delivery_attempt_number")]

    def __str__(self) -> str:
        return f"{self.delivery} #{self.number}"
