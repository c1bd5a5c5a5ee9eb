"""What send_reminders has sent, and the thresholds administrators override per region."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Rule(models.TextChoices):
    VISIT_MONTH = "visit_month", _("本月四个一未完成")
    HAZARD_DUE = "hazard_due", _("隐患即将到期")
    HAZARD_OVERDUE = "hazard_overdue", _("隐患已逾期")
    HAZARD_ESCALATED = "hazard_escalated", _("隐患逾期未整改（上报）")
    CLUE_REVIEW = "clue_review", _("线索待核查")
    THREE_SYNC = "three_sync", _("新机构三同步逾期")
    INSPECTION = "inspection", _("年检未完成")
    CADENCE = "cadence", _("三会一课未达要求")


class SentReminder(models.Model):
    """One reminder sent: the unique key makes sending twice impossible, however often it runs."""

    rule = models.CharField(_("规则"), max_length=30, choices=Rule.choices)
    # "hazard:12", "institution:7", "branch:3": the record the reminder is about.
    record = models.CharField(_("记录"), max_length=60)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收人"),
                                  on_delete=models.CASCADE, related_name="+")
    # The period the reminder is for: "2026-11" (a month), "2026Q4", a deadline.
    period = models.CharField(_("期间"), max_length=30)
    day = models.DateField(_("发送日期"))
    text = models.CharField(_("内容"), max_length=500)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("已发送提醒")
        verbose_name_plural = _("已发送提醒")
        ordering = ["-day", "rule", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "record", "recipient", "period"],
                                    name="sent_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} {self.record} {self.period}"


MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


def validate_month_day(value: str) -> None:
    if not MONTH_DAY.match(value or ""):
        raise ValidationError(_("请按“月-日”填写，例如 12-01。"))


class RegionThresholds(models.Model):
    """A region's own reminder thresholds; an empty field keeps the one above (or the setting).

    The nearest region up the tree that sets a field wins, so a county may differ from its city.
    """

    region = models.OneToOneField("regions.Region", verbose_name=_("区划"),
                                  on_delete=models.CASCADE, related_name="reminder_thresholds")
    visit_from_day = models.PositiveSmallIntegerField(
        _("四个一提醒起始日"), null=True, blank=True,
        help_text=_("每月从该日起提醒未完成四个一的机构（默认 20 日）。"))
    hazard_due_days = models.PositiveSmallIntegerField(
        _("隐患到期前提醒天数"), null=True, blank=True)
    hazard_escalate_days = models.PositiveSmallIntegerField(
        _("隐患逾期上报天数"), null=True, blank=True)
    clue_review_days = models.PositiveSmallIntegerField(
        _("线索核查期限天数"), null=True, blank=True)
    inspection_from = models.CharField(
        _("年检提醒起始日"), max_length=5, blank=True, validators=[validate_month_day],
        help_text=_("每年从该日起提醒未完成的年检，格式“月-日”（默认 12-01）。"))
    cadence_window_days = models.PositiveSmallIntegerField(
        _("季度末三会一课提醒天数"), null=True, blank=True,
        help_text=_("季度结束后多少天内提醒未达要求的支部。"))

    class Meta:
        verbose_name = _("区划提醒阈值")
        verbose_name_plural = _("区划提醒阈值")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(visit_from_day__isnull=True)
                | models.Q(visit_from_day__gte=1, visit_from_day__lte=28),
                name="thresholds_visit_day_in_month",
                violation_error_message=_("四个一提醒起始日须在 1 到 28 之间。")),
        ]

    def __str__(self) -> str:
        return str(self.region)
