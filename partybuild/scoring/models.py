"""Rubrics per year, stored scores, annual inspections and the published red list."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .rubric import DEFAULT_RUBRIC, FIRST_YEAR, LAST_YEAR, RubricValues, year_in_range

POINTS = {"max_digits": 6, "decimal_places": 2}
SCORE_RANGE = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


MAXIMA = ("coverage_max", "charter_max", "four_ones_max", "activities_max", "hazards_max",
          "red_points_max")
# Rounded to cents: SQLite adds decimals as floats (33.33 + 33.33 + 33.34 is not 100.0 there).
MAXIMA_SUM_IS_100 = Exact(Round(sum((F(name) for name in MAXIMA[1:]), F(MAXIMA[0])), 2),
                          Decimal("100"))


def rubric_problems(values) -> list[str]:
    """Why a set of rubric values cannot be a year's rubric (empty when it can).

    `values` is anything with the rubric's attributes (a Rubric, a RubricValues, a form's
    cleaned data wrapped in a namespace); the same rules as the database constraints.
    """
    problems = []
    maxima = [getattr(values, name) for name in MAXIMA]
    if None not in maxima:
        if any(Decimal(value) < 0 for value in maxima):
            problems.append(str(_("各项满分不能为负数。")))
        total = sum((Decimal(value) for value in maxima), Decimal(0))
        if total != 100:
            problems.append(str(_("各项满分之和须恰好为 100，现为 %(total)s。")
                                % {"total": total.normalize()}))
    excellent, good, passing = (getattr(values, name) for name in
                                ("excellent_from", "good_from", "pass_from"))
    if None not in (excellent, good, passing) and not (
            100 >= Decimal(excellent) > Decimal(good) > Decimal(passing) > 0):
        problems.append(str(_("等级分数线须满足 100 ≥ 优秀 > 良好 > 合格 > 0。")))
    red_list_from = values.red_list_from
    if red_list_from is not None and not 0 < Decimal(red_list_from) <= 100:
        problems.append(str(_("红名单总分起点须大于 0 且不超过 100。")))
    deduction = values.deduction_per_clue
    if deduction is not None and Decimal(deduction) < 0:
        problems.append(str(_("每条查实线索扣分不能为负数。")))
    return problems


class Rubric(models.Model):
    """The points and thresholds of one year. Reading a year without one uses an unsaved
    default (selectors.rubric_of_year); the row is created by the first write."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    coverage_max = models.DecimalField(_("组织覆盖满分"), **POINTS, default=Decimal("20"))
    charter_max = models.DecimalField(_("党建入章程满分"), **POINTS, default=Decimal("5"))
    four_ones_max = models.DecimalField(_("四个一满分"), **POINTS, default=Decimal("40"))
    activities_max = models.DecimalField(_("组织生活满分"), **POINTS, default=Decimal("15"))
    activities_target = models.PositiveSmallIntegerField(_("组织生活满分所需活动数"), default=12)
    hazards_max = models.DecimalField(_("隐患整改满分"), **POINTS, default=Decimal("10"))
    red_points_max = models.DecimalField(_("红名单积分满分"), **POINTS, default=Decimal("10"))
    deduction_per_clue = models.DecimalField(_("每条查实线索扣分"), **POINTS,
                                             default=Decimal("10"))
    excellent_from = models.DecimalField(_("优秀起点"), **POINTS, default=Decimal("90"))
    good_from = models.DecimalField(_("良好起点"), **POINTS, default=Decimal("75"))
    pass_from = models.DecimalField(_("合格起点"), **POINTS, default=Decimal("60"))
    red_list_from = models.DecimalField(_("红名单总分起点"), **POINTS, default=Decimal("90"))
    finalised_at = models.DateTimeField(_("定稿时间"), null=True, blank=True)
    finalised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("定稿人"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评分细则")
        verbose_name_plural = _("评分细则")
        ordering = ["-year"]
        # A finalised year keeps the rubric it was judged with, even one from before these
        # rules; every open year's rubric must be coherent.
        constraints = [
            models.CheckConstraint(
                condition=Q(finalised_at__isnull=False) | (
                    Q(excellent_from__gt=F("good_from")) & Q(good_from__gt=F("pass_from"))
                    & Q(pass_from__gt=0) & Q(excellent_from__lte=100)),
                name="rubric_grade_thresholds_ordered",
                violation_error_message=_("等级分数线须满足 100 ≥ 优秀 > 良好 > 合格 > 0。"),
            ),
            models.CheckConstraint(
                condition=Q(finalised_at__isnull=False) | Q(MAXIMA_SUM_IS_100),
                name="rubric_maxima_sum_100",
                violation_error_message=_("各项满分之和须恰好为 100。"),
            ),
            models.CheckConstraint(
                condition=Q(finalised_at__isnull=False) | (
                    Q(red_list_from__gt=0) & Q(red_list_from__lte=100)),
                name="rubric_red_list_from_in_range",
                violation_error_message=_("红名单总分起点须大于 0 且不超过 100。"),
            ),
            models.CheckConstraint(condition=Q(activities_target__gte=1),
                                   name="rubric_activities_target_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.year} v{self.version}"

    @property
    def is_finalised(self) -> bool:
        return self.finalised_at is not None

    @property
    def maxima_total(self) -> Decimal:
        return sum((Decimal(getattr(self, name)) for name in MAXIMA), Decimal(0))

    def clean(self):
        super().clean()
        if self.year is not None and not year_in_range(self.year):
            raise ValidationError({"year": _("年度须在 %(first)d 到 %(last)d 之间。")
                                   % {"first": FIRST_YEAR, "last": LAST_YEAR}})
        if not self.is_finalised:
            problems = rubric_problems(self)
            if problems:
                raise ValidationError(problems)

    def values(self) -> RubricValues:
        return RubricValues(**{name: getattr(self, name) for name in RUBRIC_FIELDS})

    def differences_from_default(self) -> dict[str, tuple]:
        """Field name → (default, this year's) for every value changed from SCORING.md."""
        return {
            name: (getattr(DEFAULT_RUBRIC, name), getattr(self, name))
            for name in RUBRIC_FIELDS
            if Decimal(getattr(DEFAULT_RUBRIC, name)) != Decimal(getattr(self, name))
        }


RUBRIC_FIELDS = tuple(RubricValues.__dataclass_fields__)


class RubricVersion(models.Model):
    """One version of a year's rubric, as it was: written with every change, never altered.

    A stored score names its rubric version; its page and PDF read the maxima from here, so
    a later change of the year's rubric does not put old points beside new maxima.
    """

    year = models.PositiveSmallIntegerField(_("年度"))
    version = models.PositiveIntegerField(_("版本"))
    coverage_max = models.DecimalField(_("组织覆盖满分"), **POINTS)
    charter_max = models.DecimalField(_("党建入章程满分"), **POINTS)
    four_ones_max = models.DecimalField(_("四个一满分"), **POINTS)
    activities_max = models.DecimalField(_("组织生活满分"), **POINTS)
    activities_target = models.PositiveSmallIntegerField(_("组织生活满分所需活动数"))
    hazards_max = models.DecimalField(_("隐患整改满分"), **POINTS)
    red_points_max = models.DecimalField(_("红名单积分满分"), **POINTS)
    deduction_per_clue = models.DecimalField(_("每条查实线索扣分"), **POINTS)
    excellent_from = models.DecimalField(_("优秀起点"), **POINTS)
    good_from = models.DecimalField(_("良好起点"), **POINTS)
    pass_from = models.DecimalField(_("合格起点"), **POINTS)
    red_list_from = models.DecimalField(_("红名单总分起点"), **POINTS)
    created_at = models.DateTimeField(_("创建时间"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("评分细则版本")
        verbose_name_plural = _("评分细则版本")
        ordering = ["-year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["year", "version"], name="rubric_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.year} v{self.version}"

    @property
    def maxima_total(self) -> Decimal:
        return sum((getattr(self, name) for name in MAXIMA), Decimal(0))

    def values(self) -> RubricValues:
        return RubricValues(**{name: getattr(self, name) for name in RUBRIC_FIELDS})


def grade_label(value) -> str:
    """The grade in the reader's language (优秀 → Excellent); the stored value, and the
    files FORMATS.md fixes, stay Chinese. An unknown value is shown as it is."""
    try:
        return str(Score.Grade(value).label)
    except ValueError:
        return value or ""


# One word, two meanings: the grade of a score and the severity of a hazard (visits).
GRADE = pgettext_lazy("score grade", "等级")


class Score(models.Model):
    """An institution's stored party-building score for a year, with every item's points."""

    class Grade(models.TextChoices):
        EXCELLENT = "优秀", _("优秀")
        GOOD = "良好", _("良好")
        PASS = "合格", _("合格")
        FAIL = "不合格", _("不合格")

    institution = models.ForeignKey("organisation.Institution", verbose_name=_("机构"),
                                    on_delete=models.PROTECT, related_name="scores")
    year = models.PositiveSmallIntegerField(_("年度"))
    rubric_version = models.PositiveIntegerField(_("评分细则版本"))
    months_in_scope = models.PositiveSmallIntegerField(_("计分月数"))
    coverage = models.DecimalField(_("组织覆盖"), **POINTS)
    charter = models.DecimalField(_("党建入章程"), **POINTS)
    four_ones = models.DecimalField(_("四个一"), **POINTS)
    activities = models.DecimalField(_("组织生活"), **POINTS)
    hazards = models.DecimalField(_("隐患整改"), **POINTS)
    red_points = models.DecimalField(_("红名单积分"), **POINTS)
    deductions = models.DecimalField(_("违规扣分"), **POINTS)
    total = models.DecimalField(_("总分"), **POINTS)
    grade = models.CharField(GRADE, max_length=10, choices=Grade.choices)
    red_list = models.BooleanField(_("进入红名单"), default=False)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("党建评分")
        verbose_name_plural = _("党建评分")
        ordering = ["-total", "institution__credit_code"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "year"], name="score_one_per_year"),
        ]
        indexes = [models.Index(fields=["year", "-total"])]

    def __str__(self) -> str:
        return f"{self.institution} {self.year}: {self.total}"


class Inspection(models.Model):
    """An institution's annual inspection (年检): five sections of 20 % each."""

    class Result(models.TextChoices):
        QUALIFIED = "合格", _("合格")
        BASICALLY_QUALIFIED = "基本合格", _("基本合格")
        UNQUALIFIED = "不合格", _("不合格")

    institution = models.ForeignKey("organisation.Institution", verbose_name=_("机构"),
                                    on_delete=models.PROTECT, related_name="inspections")
    year = models.PositiveSmallIntegerField(_("年度"))
    party_building_computed = models.DecimalField(_("党建工作（计算）"), **POINTS, null=True,
                                                  blank=True)
    party_building_adjusted = models.DecimalField(_("党建工作（复核）"), **POINTS, null=True,
                                                  blank=True, validators=SCORE_RANGE)
    adjustment_reason = models.TextField(_("复核理由"), blank=True)
    conditions = models.DecimalField(_("办学条件"), **POINTS, null=True, blank=True,
                                     validators=SCORE_RANGE)
    conditions_comment = models.TextField(_("办学条件说明"), blank=True)
    teaching = models.DecimalField(_("教学管理"), **POINTS, null=True, blank=True,
                                   validators=SCORE_RANGE)
    teaching_comment = models.TextField(_("教学管理说明"), blank=True)
    finance = models.DecimalField(_("财务管理"), **POINTS, null=True, blank=True,
                                  validators=SCORE_RANGE)
    finance_comment = models.TextField(_("财务管理说明"), blank=True)
    safety = models.DecimalField(_("安全管理"), **POINTS, null=True, blank=True,
                                 validators=SCORE_RANGE)
    safety_comment = models.TextField(_("安全管理说明"), blank=True)
    # The party-building breakdown the inspection used, frozen when it is finalised.
    breakdown = models.JSONField(_("党建评分明细"), default=dict, blank=True)
    finalised_at = models.DateTimeField(_("定稿时间"), null=True, blank=True)
    finalised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("定稿人"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    reopen_reason = models.TextField(_("重新打开理由"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年检")
        verbose_name_plural = _("年检")
        ordering = ["-year", "institution__name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "year"],
                                    name="inspection_one_per_year"),
            models.CheckConstraint(
                condition=Q(party_building_adjusted__isnull=True)
                | ~Q(adjustment_reason=""),
                name="inspection_adjustment_needs_reason",
                violation_error_message=_("调整党建工作得分须填写复核理由。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.year}"

    @property
    def is_finalised(self) -> bool:
        return self.finalised_at is not None

    @property
    def party_building(self) -> Decimal | None:
        """The section's score: the reviewer's adjusted figure when there is one."""
        if self.party_building_adjusted is not None:
            return self.party_building_adjusted
        return self.party_building_computed

    def section_scores(self) -> list[Decimal | None]:
        return [self.party_building, self.conditions, self.teaching, self.finance, self.safety]

    @property
    def overall(self) -> Decimal | None:
        """Weighted sum at 20 % each, two decimals; None while a section is empty."""
        sections = self.section_scores()
        if any(score is None for score in sections):
            return None
        total = sum((Decimal(score) * Decimal("0.2") for score in sections), Decimal(0))
        return total.quantize(Decimal("0.01"))

    @property
    def result(self) -> str | None:
        overall = self.overall
        if overall is None:
            return None
        if overall >= 80:
            return self.Result.QUALIFIED
        if overall >= 60:
            return self.Result.BASICALLY_QUALIFIED
        return self.Result.UNQUALIFIED


class RedListPublication(models.Model):
    """A published red list: a snapshot that later score changes do not alter.

    A year's list is published as version 1; a correction publishes the next version with a
    written reason, and the highest version is the current one. Earlier versions stay.
    """

    year = models.PositiveSmallIntegerField(_("年度"))
    version = models.PositiveIntegerField(_("版本"), default=1)
    published_at = models.DateTimeField(_("发布时间"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"),
                                     null=True, on_delete=models.SET_NULL, related_name="+")
    region_name = models.CharField(_("发布机关"), max_length=100)
    criteria = models.TextField(_("评定标准"), blank=True)
    reason = models.TextField(_("更正理由"), blank=True)

    class Meta:
        verbose_name = _("红名单发布")
        verbose_name_plural = _("红名单发布")
        ordering = ["-year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["year", "version"],
                                    name="red_list_publication_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.year} 红名单 v{self.version}"


class RedListEntry(models.Model):
    """One institution on a published red list, copied at publication time."""

    publication = models.ForeignKey(RedListPublication, verbose_name=_("发布"),
                                    on_delete=models.CASCADE, related_name="entries")
    institution = models.ForeignKey("organisation.Institution", verbose_name=_("机构"),
                                    on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("机构名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    category = models.CharField(_("类别"), max_length=20)
    region_name = models.CharField(_("区划"), max_length=100)
    total = models.DecimalField(_("党建总分"), **POINTS)

    class Meta:
        verbose_name = _("红名单机构")
        verbose_name_plural = _("红名单机构")
        ordering = ["region_name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "institution"],
                                    name="red_list_entry_once"),
        ]

    def __str__(self) -> str:
        return self.name


class YearEvent(models.Model):
    """One finalisation or reopening of a year: the year's own history, with who and why."""

    class Kind(models.TextChoices):
        FINALISED = "finalised", _("年度定稿")
        REOPENED = "reopened", _("重新打开")

    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("操作"), max_length=10, choices=Kind.choices)
    at = models.DateTimeField(_("时间"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True,
                             blank=True, on_delete=models.SET_NULL, related_name="+")
    # The command line when the year was finalised from the shell without --user.
    command = models.CharField(_("命令"), max_length=300, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    scores = models.PositiveIntegerField(_("定稿评分数"), null=True, blank=True)
    red_list = models.PositiveIntegerField(_("红名单机构数"), null=True, blank=True)

    class Meta:
        verbose_name = _("年度定稿记录")
        verbose_name_plural = _("年度定稿记录")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.year} {self.get_kind_display()}"

    @property
    def actor(self) -> str:
        if self.user_id:
            return str(self.user)
        return self.command or _("系统")
