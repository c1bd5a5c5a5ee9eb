"""Party-building instructors (党建指导员) and their assignments to institutions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partybuild.core.natural import SORT_KEY_LENGTH, NaturallyNamed
from partybuild.core.periods import Period, period_end_after_start_constraint


class Instructor(NaturallyNamed, models.Model):
    class SourceType(models.TextChoices):
        EDUCATION_BUREAU = "education_bureau", _("教育行政部门")
        PUBLIC_SCHOOL = "public_school", _("公办学校")

    number = models.CharField(_("指导员编号"), max_length=40, unique=True)
    name = models.CharField(_("姓名"), max_length=60)
    # The name in natural order (core.natural.sort_key), kept by save() and the bulk writes.
    name_key = models.CharField(_("名称排序键"), max_length=SORT_KEY_LENGTH, editable=False,
                                db_index=True, default="")
    source_type = models.CharField(_("来源类型"), max_length=20, choices=SourceType.choices)
    source_org = models.CharField(_("来源单位"), max_length=200)
    title = models.CharField(_("职务"), max_length=100, blank=True)
    phone = models.CharField(_("手机"), max_length=20, blank=True)
    # PIPL: the number is masked everywhere except where publishing it is the purpose, the
    # duty card (职责上墙); it appears there in full only with the instructor's consent.
    phone_publish_consent = models.BooleanField(
        _("同意在职责牌上公开手机"), default=False,
        help_text=_("指导员本人同意后勾选：职责上墙、挂牌上岗时公开此手机号码。"))
    # The bureau that selected the instructor; they may serve institutions anywhere below it.
    region = models.ForeignKey("regions.Region", verbose_name=_("所属区划"), null=True,
                               blank=True, on_delete=models.PROTECT, related_name="instructors")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="instructor")

    history = HistoricalRecords(excluded_fields=["name_key"])

    class Meta:
        verbose_name = _("党建指导员")
        verbose_name_plural = _("党建指导员")
        ordering = ["number"]

    def __str__(self) -> str:
        # Full-width brackets in Chinese, ASCII ones in English.
        return gettext("%(name)s（%(number)s）") % {"name": self.name, "number": self.number}


class Assignment(Period):
    """A period during which an instructor is assigned (派驻) to an institution."""

    instructor = models.ForeignKey(Instructor, verbose_name=_("指导员"), on_delete=models.PROTECT,
                                   related_name="assignments")
    institution = models.ForeignKey("organisation.Institution", verbose_name=_("机构"),
                                    on_delete=models.PROTECT, related_name="assignments")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("指导员派驻")
        verbose_name_plural = _("指导员派驻")
        ordering = ["-start"]
        constraints = [
            period_end_after_start_constraint("assignment_end_after_start"),
            models.UniqueConstraint(fields=["instructor", "institution", "start"],
                                    name="assignment_natural_key"),
        ]

    def __str__(self) -> str:
        return f"{self.instructor} → {self.institution}"
