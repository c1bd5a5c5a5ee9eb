"""The organisation structure: committees, institutions, branches and their periods."""

from datetime import date

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partybuild.core.credit_code import validate_credit_code
from partybuild.core.natural import SORT_KEY_LENGTH, NaturallyNamed
from partybuild.core.periods import Period, period_end_after_start_constraint

# Region lives one layer down; it stays importable from here, where the code long found it.
from partybuild.regions.models import Region


class Committee(models.Model):
    """A party committee: 教育工委 above 民办教育党委 (one per county/district)."""

    class Level(models.TextChoices):
        WORK_COMMITTEE = "work_committee", _("教育工委")
        PRIVATE_EDUCATION = "private_education", _("民办教育党委")

    name = models.CharField(_("名称"), max_length=100, unique=True)
    level = models.CharField(_("层级"), max_length=20, choices=Level.choices)
    region = models.ForeignKey(Region, verbose_name=_("所属区划"), on_delete=models.PROTECT,
                               related_name="committees")
    parent = models.ForeignKey("self", verbose_name=_("上级党组织"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        ordering = ["region__code", "name"]

    def __str__(self) -> str:
        return self.name


class InstitutionQuerySet(models.QuerySet):
    def operating_on(self, day: date):
        return self.filter(opened_on__lte=day).filter(
            Q(closed_on__isnull=True) | Q(closed_on__gte=day)
        )


class Institution(NaturallyNamed, models.Model):
    """A private training institution (校外培训机构)."""

    class Category(models.TextChoices):
        ACADEMIC = "academic", _("学科类")
        ARTS = "arts", _("文化艺术")
        SPORTS = "sports", _("体育")
        SCIENCE = "science", _("科技")

    class Licence(models.TextChoices):
        LICENSED_PERMITTED = "licensed_permitted", _("有照有证")
        LICENSED_UNPERMITTED = "licensed_unpermitted", _("有照无证")
        UNLICENSED = "unlicensed", _("无照无证")

    class Status(models.TextChoices):
        OPERATING = "operating", _("正常办学")
        SUSPENDED = "suspended", _("暂停办学")
        CLOSED = "closed", _("已停办")

    name = models.CharField(_("机构名称"), max_length=200)
    # The name in natural order (core.natural.sort_key), kept by save() and the bulk writes.
    name_key = models.CharField(_("名称排序键"), max_length=SORT_KEY_LENGTH, editable=False,
                                db_index=True, default="")
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True,
                                   validators=[validate_credit_code])
    permit_no = models.CharField(_("办学许可证号"), max_length=60, blank=True)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    licence = models.CharField(_("证照状态"), max_length=30, choices=Licence.choices)
    region = models.ForeignKey(Region, verbose_name=_("所属区划"), on_delete=models.PROTECT,
                               related_name="institutions")
    address = models.CharField(_("地址"), max_length=255, blank=True)
    founder = models.CharField(_("举办者"), max_length=200, blank=True)
    opened_on = models.DateField(_("开办日期"))
    closed_on = models.DateField(_("停办日期"), null=True, blank=True)
    suspended_on = models.DateField(
        _("暂停办学日期"), null=True, blank=True,
        help_text=_("暂停办学期间仍计入办学期；恢复办学时清空。"),
    )
    charter_includes_party_building = models.BooleanField(_("党建写入章程"), default=False)
    staff_count = models.PositiveIntegerField(_("从业人员数"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["name_key"])
    objects = InstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训机构")
        verbose_name_plural = _("培训机构")
        # List pages and the completeness grid show 50 or 100 institutions in natural name
        # order: name_key's own index reads the first page without sorting the whole region.
        ordering = ["name_key", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="institution_closed_after_opened",
                violation_error_message=_("停办日期不能早于开办日期。"),
            ),
            models.CheckConstraint(
                condition=Q(credit_code__regex=r"^[0-9A-HJ-NP-RTUWXY]{18}$"),
                name="institution_credit_code_shape",
                violation_error_message=_("统一社会信用代码应为18位数字或大写字母。"),
            ),
        ]
        indexes = [
            # The institution list filtered to a district, open today, in name order: the
            # page's keys are read from this index alone (core.table_rows reads keys first),
            # sorting only the district's entries instead of scanning every name.
            models.Index(fields=["region", "name_key", "id", "opened_on", "closed_on"],
                         name="institution_region_name_lp"),
        ]

    def __str__(self) -> str:
        return self.name

    def is_operating_on(self, day: date) -> bool:
        return self.opened_on <= day and (self.closed_on is None or day <= self.closed_on)

    def status_on(self, day: date) -> str:
        if self.closed_on is not None and self.closed_on < day:
            return self.Status.CLOSED
        if self.suspended_on is not None and self.suspended_on <= day:
            return self.Status.SUSPENDED
        return self.Status.OPERATING


class BranchQuerySet(models.QuerySet):
    def active_on(self, day: date):
        return self.filter(founded_on__lte=day).filter(
            Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=day)
        )


class Branch(NaturallyNamed, models.Model):
    """A party branch, standalone (one institution) or joint (several pooled)."""

    class Kind(models.TextChoices):
        STANDALONE = "standalone", _("单独党支部")
        JOINT = "joint", _("联合党支部")

    name = models.CharField(_("支部名称"), max_length=200, unique=True)
    # The name in natural order (core.natural.sort_key), kept by save() and the bulk writes.
    name_key = models.CharField(_("名称排序键"), max_length=SORT_KEY_LENGTH, editable=False,
                                db_index=True, default="")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    committee = models.ForeignKey(Committee, verbose_name=_("上级党委"), on_delete=models.PROTECT,
                                  related_name="branches")
    founded_on = models.DateField(_("成立日期"))
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["name_key"])
    objects = BranchQuerySet.as_manager()

    class Meta:
        verbose_name = _("党支部")
        verbose_name_plural = _("党支部")
        ordering = ["name_key", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=F("founded_on")),
                name="branch_dissolved_after_founded",
                violation_error_message=_("撤销日期不能早于成立日期。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_active_on(self, day: date) -> bool:
        return self.founded_on <= day and (self.dissolved_on is None or day <= self.dissolved_on)


class Coverage(Period):
    """A period during which a branch covers an institution."""

    branch = models.ForeignKey(Branch, verbose_name=_("支部"), on_delete=models.PROTECT,
                               related_name="coverages")
    institution = models.ForeignKey(Institution, verbose_name=_("机构"), on_delete=models.PROTECT,
                                    related_name="coverages")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("支部覆盖")
        verbose_name_plural = _("支部覆盖")
        ordering = ["-start"]
        constraints = [
            period_end_after_start_constraint("coverage_end_after_start"),
            models.UniqueConstraint(fields=["branch", "institution", "start"],
                                    name="coverage_natural_key"),
        ]

    def __str__(self) -> str:
        return f"{self.branch} → {self.institution}"


class Member(NaturallyNamed, models.Model):
    """A party member; where they belong over time is in Membership."""

    class Gender(models.TextChoices):
        MALE = "male", _("男")
        FEMALE = "female", _("女")

    class Status(models.TextChoices):
        FULL = "full", _("正式党员")
        PROBATIONARY = "probationary", _("预备党员")

    number = models.CharField(_("党员编号"), max_length=40, unique=True)
    name = models.CharField(_("姓名"), max_length=60)
    # The name in natural order (core.natural.sort_key), kept by save() and the bulk writes.
    name_key = models.CharField(_("名称排序键"), max_length=SORT_KEY_LENGTH, editable=False,
                                db_index=True, default="")
    gender = models.CharField(_("性别"), max_length=10, choices=Gender.choices, blank=True)
    status = models.CharField(_("类别"), max_length=20, choices=Status.choices)
    joined_on = models.DateField(_("入党日期"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["name_key"])

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        ordering = ["number"]

    def __str__(self) -> str:
        # Full-width brackets in Chinese, ASCII ones in English.
        return gettext("%(name)s（%(number)s）") % {"name": self.name, "number": self.number}


class Membership(Period):
    """A member's period in a branch (转入 to 转出), with their employer and secretary flag."""

    member = models.ForeignKey(Member, verbose_name=_("党员"), on_delete=models.PROTECT,
                               related_name="memberships")
    branch = models.ForeignKey(Branch, verbose_name=_("所在支部"), on_delete=models.PROTECT,
                               related_name="memberships")
    employer = models.ForeignKey(Institution, verbose_name=_("工作单位"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="employed_members")
    is_secretary = models.BooleanField(_("是否书记"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("组织关系")
        verbose_name_plural = _("组织关系")
        ordering = ["-start"]
        constraints = [
            period_end_after_start_constraint("membership_end_after_start"),
            models.UniqueConstraint(fields=["member", "branch", "start"],
                                    name="membership_natural_key"),
        ]

    def __str__(self) -> str:
        return f"{self.member} @ {self.branch}"


class SchoolBranch(NaturallyNamed, models.Model):
    """A public school's party branch, a pairing partner (结对共建)."""

    name = models.CharField(_("学校支部"), max_length=200)
    school = models.CharField(_("学校"), max_length=200)
    # The name in natural order (core.natural.sort_key), kept by save() and the bulk writes.
    name_key = models.CharField(_("名称排序键"), max_length=SORT_KEY_LENGTH, editable=False,
                                db_index=True, default="")
    school_key = models.CharField(_("学校排序键"), max_length=SORT_KEY_LENGTH, editable=False,
                                  db_index=True, default="")
    region = models.ForeignKey(Region, verbose_name=_("所属区划"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="school_branches")

    history = HistoricalRecords(excluded_fields=["name_key", "school_key"])
    sort_keys = {"name_key": "name", "school_key": "school"}

    class Meta:
        verbose_name = _("学校党支部")
        verbose_name_plural = _("学校党支部")
        ordering = ["school_key", "name_key", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["name", "school"], name="school_branch_natural_key"),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.name}"


class Pairing(Period):
    """A training-institution branch paired with a public school's branch."""

    branch = models.ForeignKey(Branch, verbose_name=_("支部"), on_delete=models.PROTECT,
                               related_name="pairings")
    school_branch = models.ForeignKey(SchoolBranch, verbose_name=_("学校支部"),
                                      on_delete=models.PROTECT, related_name="pairings")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("结对共建")
        verbose_name_plural = _("结对共建")
        ordering = ["-start"]
        constraints = [
            period_end_after_start_constraint("pairing_end_after_start"),
            models.UniqueConstraint(fields=["branch", "school_branch", "start"],
                                    name="pairing_natural_key"),
        ]

    def __str__(self) -> str:
        return f"{self.branch} ↔ {self.school_branch}"


class FiguresStamp(models.Model):
    """One row whose token changes with every write to what the structure figures count.

    Database triggers (organisation/figures_stamp.py) set a new token on every insert,
    update and delete of institutions, coverage, branches, committees, memberships,
    pairings, assignments and regions, whatever wrote them (services, importers, the
    admin, raw SQL). The home page keeps each region's figures for a day under the token
    it read, so a figure is computed once per change instead of on every request.
    """

    token = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("结构数字版本")
        verbose_name_plural = _("结构数字版本")
        default_permissions = ()

    def __str__(self) -> str:
        return str(self.token)
