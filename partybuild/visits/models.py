"""Monthly "four ones" visits (每月"四个一"), the hazards found and the clues passed on."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from partybuild.core.evidence import EvidenceFile

FOUR_ONES = (
    ("lesson", _("上党课")),
    ("policy", _("讲政策")),
    ("hazard_check", _("排隐患")),
    ("ledger", _("核台账")),
)


class Visit(models.Model):
    """One instructor at one institution on one day, and which of the four items were done."""

    instructor = models.ForeignKey("instructors.Instructor", verbose_name=_("指导员"),
                                   on_delete=models.PROTECT, related_name="visits")
    institution = models.ForeignKey("organisation.Institution", verbose_name=_("机构"),
                                    on_delete=models.PROTECT, related_name="visits")
    date = models.DateField(_("走访日期"))
    lesson = models.BooleanField(_("上党课"), default=False)
    lesson_topic = models.CharField(_("党课主题"), max_length=200, blank=True)
    policy = models.BooleanField(_("讲政策"), default=False)
    policy_text = models.CharField(_("宣讲的政策"), max_length=200, blank=True)
    hazard_check = models.BooleanField(_("排隐患"), default=False)
    hazard_check_text = models.CharField(_("排查内容"), max_length=200, blank=True)
    ledger = models.BooleanField(_("核台账"), default=False)
    ledger_text = models.CharField(_("核查的台账"), max_length=200, blank=True)
    case_talk = models.BooleanField(_("以案说法"), default=False)
    case_talk_case = models.CharField(_("所讲案例"), max_length=200, blank=True)
    attendees = models.PositiveIntegerField(_("参加人数"), null=True, blank=True)
    notes = models.TextField(_("内容摘要"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    # Made by the phone when the visit is first saved (online or into its outbox), so a
    # retried upload finds the visit it already created instead of adding a second one.
    client_id = models.UUIDField(_("客户端编号"), null=True, blank=True, unique=True,
                                 editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-date", "institution__name"]
        constraints = [
            models.UniqueConstraint(fields=["instructor", "institution", "date"],
                                    name="visit_natural_key",
                                    violation_error_message=_("同一指导员同一天对同一机构只能有一条走访记录。")),
        ]
        indexes = [
            models.Index(fields=["institution", "date"]),
            # The completeness grid, its figures and timeliness read one month (or year) of a
            # whole region's visits at once: a range on date first, then the institutions.
            models.Index(fields=["date", "institution"], name="visit_date_institution_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.institution}"

    @property
    def items_done(self) -> list[str]:
        return [key for key, _label in FOUR_ONES if getattr(self, key)]


class VisitEvidence(EvidenceFile):
    visit = models.ForeignKey(Visit, verbose_name=_("走访记录"), on_delete=models.CASCADE,
                              related_name="evidence")

    class Meta:
        verbose_name = _("走访佐证材料")
        verbose_name_plural = _("走访佐证材料")


# One word, two meanings: the severity of a hazard and the grade of a score (scoring).
SEVERITY = pgettext_lazy("hazard severity", "等级")


class Hazard(models.Model):
    """A hazard (隐患) found at an institution, its rectification and its close-out (销号)."""

    class Category(models.TextChoices):
        FIRE = "fire", _("消防")
        BUILDING = "building", _("房屋建筑")
        FOOD = "food", _("食品")
        SAFETY_MANAGEMENT = "safety_management", _("安全管理")
        OTHER = "other", _("其他")

    class Severity(models.TextChoices):
        GENERAL = "general", _("一般")
        MAJOR = "major", _("较大")
        SERIOUS = "serious", _("重大")

    institution = models.ForeignKey("organisation.Institution", verbose_name=_("机构"),
                                    on_delete=models.PROTECT, related_name="hazards")
    visit = models.ForeignKey(Visit, verbose_name=_("发现于走访"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="hazards")
    instructor = models.ForeignKey("instructors.Instructor", verbose_name=_("指导员"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="hazards")
    found_on = models.DateField(_("发现日期"))
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    severity = models.CharField(SEVERITY, max_length=10, choices=Severity.choices)
    description = models.CharField(_("描述"), max_length=500)
    deadline = models.DateField(_("整改期限"))
    rectified_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    rectification_note = models.TextField(_("整改情况"), blank=True)
    closed_out_on = models.DateField(_("销号日期"), null=True, blank=True)
    closed_out_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("销号人"),
                                      null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("隐患")
        verbose_name_plural = _("隐患")
        ordering = ["-found_on"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "found_on", "description"],
                                    name="hazard_natural_key"),
            models.CheckConstraint(
                condition=Q(rectified_on__isnull=True) | Q(rectified_on__gte=F("found_on")),
                name="hazard_rectified_after_found",
                violation_error_message=_("整改完成日期不能早于发现日期。"),
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("found_on")),
                name="hazard_deadline_after_found",
                violation_error_message=_("整改期限不能早于发现日期。"),
            ),
            models.CheckConstraint(
                condition=Q(closed_out_on__isnull=True) | Q(rectified_on__isnull=False),
                name="hazard_closed_out_only_when_rectified",
                violation_error_message=_("隐患整改完成后才能销号。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.get_category_display()} {self.found_on}"

    @property
    def rectified_on_time(self) -> bool:
        return self.rectified_on is not None and self.rectified_on <= self.deadline


def default_hazard_deadline(found_on: datetime.date) -> datetime.date:
    """The rectification deadline proposed for a hazard found on the day (configurable)."""
    return found_on + datetime.timedelta(days=settings.PARTYBUILD_HAZARD_DEADLINE_DAYS)


class HazardEvidence(EvidenceFile):
    hazard = models.ForeignKey(Hazard, verbose_name=_("隐患"), on_delete=models.CASCADE,
                               related_name="evidence")

    class Meta:
        verbose_name = _("整改佐证材料")
        verbose_name_plural = _("整改佐证材料")


class Clue(models.Model):
    """A lead on a violation (线索) passed to enforcement."""

    institution = models.ForeignKey("organisation.Institution", verbose_name=_("机构"),
                                    on_delete=models.PROTECT, related_name="clues")
    visit = models.ForeignKey(Visit, verbose_name=_("发现于走访"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="clues")
    instructor = models.ForeignKey("instructors.Instructor", verbose_name=_("指导员"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="clues")
    date = models.DateField(_("日期"))
    description = models.CharField(_("描述"), max_length=500)
    substantiated = models.BooleanField(_("是否查实"), default=False)
    enforcement = models.BooleanField(_("参与执法"), default=False)
    reviewed_on = models.DateField(_("核查日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("违规线索")
        verbose_name_plural = _("违规线索")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "date", "description"],
                                    name="clue_natural_key"),
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.date}"
