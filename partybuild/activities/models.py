"""Branch activities (三会一课 and the rest) and the cadence targets they are held to."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partybuild.core.evidence import EvidenceFile


class Activity(models.Model):
    """A branch's party activity; a joint branch's counts for each institution it covered then."""

    class Kind(models.TextChoices):
        ASSEMBLY = "assembly", _("支部党员大会")
        COMMITTEE_MEETING = "committee_meeting", _("支委会")
        GROUP_MEETING = "group_meeting", _("党小组会")
        LECTURE = "lecture", _("党课")
        THEME_DAY = "theme_day", _("主题党日")
        LIFE_MEETING = "life_meeting", _("组织生活会")
        APPRAISAL = "appraisal", _("民主评议党员")
        PAIRING = "pairing", _("结对共建")
        VOLUNTEER = "volunteer", _("志愿服务")
        PUBLIC_WELFARE = "public_welfare", _("公益活动")
        PERFORMANCE = "performance", _("主题文艺汇演")
        TRAINING = "training", _("专题培训")

    branch = models.ForeignKey("organisation.Branch", verbose_name=_("支部"),
                               on_delete=models.PROTECT, related_name="activities")
    date = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("主题"), max_length=200)
    attendees = models.PositiveIntegerField(_("参加人数"), null=True, blank=True)
    description = models.TextField(_("内容"), blank=True)
    school_branch = models.ForeignKey("organisation.SchoolBranch", verbose_name=_("结对学校支部"),
                                      null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="activities")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("党建活动")
        verbose_name_plural = _("党建活动")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "date", "title"],
                                    name="activity_natural_key"),
            models.CheckConstraint(
                condition=Q(kind="pairing") | Q(school_branch__isnull=True),
                name="activity_school_branch_only_for_pairing",
                violation_error_message=_("只有结对共建活动才填写结对学校支部。"),
            ),
        ]
        indexes = [models.Index(fields=["branch", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.title}"


class ActivityEvidence(EvidenceFile):
    activity = models.ForeignKey(Activity, verbose_name=_("活动"), on_delete=models.CASCADE,
                                 related_name="evidence")

    class Meta:
        verbose_name = _("活动佐证材料")
        verbose_name_plural = _("活动佐证材料")


class CadenceRule(models.Model):
    """How often a branch must hold an activity of a kind (三会一课), set by administrators."""

    class Period(models.TextChoices):
        MONTH = "month", _("每月")
        QUARTER = "quarter", _("每季度")
        YEAR = "year", _("每年")

    kind = models.CharField(_("活动类型"), max_length=30, choices=Activity.Kind.choices,
                            unique=True)
    period = models.CharField(_("周期"), max_length=10, choices=Period.choices)
    minimum = models.PositiveSmallIntegerField(_("最少次数"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("三会一课频次要求")
        verbose_name_plural = _("三会一课频次要求")
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_period_display()} ≥ {self.minimum}"
