"""Report builders: read the database once, return plain dataclasses the writers draw.

Every builder runs a fixed number of queries whatever the size of the region, and the
PDF writers (pdf.py) and the dashboard take what they return without querying again.
"""

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partybuild.activities.selectors import activities_counting_for
from partybuild.core.masking import mask_phone
from partybuild.instructors.models import Assignment
from partybuild.organisation.models import Institution
from partybuild.organisation.selectors import operating_on_q
from partybuild.regions.models import Region
from partybuild.scoring import finality
from partybuild.scoring.engine import InstitutionScore, score_institutions
from partybuild.scoring.models import Inspection, Rubric
from partybuild.scoring.rubric import (
    DEFAULT_RUBRIC,
    GRADE_EXCELLENT,
    GRADE_FAIL,
    GRADE_GOOD,
    GRADE_PASS,
    HAZARD_STANDINGS,
    RubricValues,
    as_of_day,
    hazard_standing,
)
from partybuild.scoring.summary import SummaryFigures, summary_figures
from partybuild.visits.models import FOUR_ONES, Hazard, Visit

GRADES = (GRADE_EXCELLENT, GRADE_GOOD, GRADE_PASS, GRADE_FAIL)
FOUR_ONES_KEYS = tuple(key for key, _label in FOUR_ONES)
MONTHS = tuple(range(1, 13))

# The four duties posted on the wall (指导员职责上墙), in the order of the four ones.
FOUR_DUTIES = (
    (gettext_lazy("上党课"),
     gettext_lazy("每月为机构党员和从业人员讲一次党课，宣讲党的创新理论。")),
    (gettext_lazy("讲政策"),
     gettext_lazy("宣讲校外培训监管政策和法律法规，引导机构依法规范办学。")),
    (gettext_lazy("排隐患"),
     gettext_lazy("检查消防、房屋、食品和安全管理，发现隐患督促限期整改。")),
    (gettext_lazy("核台账"),
     gettext_lazy("核查机构党建、收费、师资和学员台账，确保真实完整。")),
)


def rate(part: int, whole: int) -> Decimal:
    """A percentage with one decimal, half up; 0.0 when there is nothing to divide."""
    if not whole:
        return Decimal("0.0")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


FINAL_ITEMS = ("coverage", "charter", "four_ones", "activities", "hazards", "red_points",
               "deductions", "total", "grade", "red_list")


def with_final_figures(scores: list[InstitutionScore], *, year: int, institutions
                       ) -> tuple[list[InstitutionScore], set[int], set[int]]:
    """The scores with the finalised figures of every final institution-year (the year's, or
    a finalised inspection's) and the published red list of a published year, re-sorted;
    the ids of the final ones; and those whose records today would score otherwise
    (定稿后记录有变更).

    The explanation (months, visits, activities) stays today's: it is the record; the points,
    total, grade and red-list flag are the official ones.
    """
    finals = finality.final_scores(year=year, institutions=institutions)
    listed = finality.published_ids(year)
    changed: set[int] = set()
    result = []
    for score in scores:
        final = finals.get(score.institution_id)
        if final is not None:
            if finality.differences(final, score):
                changed.add(score.institution_id)
            score = replace(score, **{key: getattr(final, key) for key in FINAL_ITEMS})
        if listed is not None:
            score = replace(score, red_list=score.institution_id in listed)
        result.append(score)
    result.sort(key=lambda s: (-s.total, s.credit_code))
    return result, set(finals), changed


def rubric_for(year: int) -> RubricValues:
    """The year's rubric as administrators set it, or the default of SCORING.md."""
    rubric = Rubric.objects.filter(year=year).first()
    return rubric.values() if rubric else DEFAULT_RUBRIC


# Institution annual report ---------------------------------------------------------------


@dataclass
class BreakdownLine:
    label: str
    maximum: Decimal | None
    points: Decimal
    basis: str


@dataclass
class MonthLine:
    month: int
    in_scope: bool
    covering_branch: str
    items: dict[str, bool]

    @property
    def done(self) -> int:
        return sum(self.items.values())


@dataclass
class ActivityLine:
    date: date
    branch: str
    kind: str
    title: str
    attendees: int | None


@dataclass
class HazardLine:
    found_on: date
    category: str
    severity: str
    description: str
    deadline: date
    rectified_on: date | None
    on_time: bool
    standing: str = "on_time"

    @property
    def standing_label(self) -> str:
        """The report's 按期 column: 是 / 否 once rectified; 逾期 or 未到期 while open."""
        if self.standing == "on_time":
            return _("是")
        if self.standing == "late":
            return _("否")
        return str(HAZARD_STANDINGS[self.standing][0])


@dataclass
class InspectionSection:
    label: str
    score: Decimal | None
    comment: str


@dataclass
class InspectionSummary:
    sections: list[InspectionSection]
    overall: Decimal | None
    result: str | None
    finalised_on: date | None


@dataclass
class InstitutionReport:
    year: int
    name: str
    credit_code: str
    region_name: str
    category: str
    score: InstitutionScore | None
    breakdown: list[BreakdownLine]
    months: list[MonthLine]
    activities: list[ActivityLine]
    hazards: list[HazardLine]
    inspection: InspectionSummary | None
    # A final institution-year shows the finalised figures; today's total when it differs.
    final: bool = False
    current_total: Decimal | None = None


def _breakdown(score: InstitutionScore, rubric: RubricValues) -> list[BreakdownLine]:
    """The items of SCORING.md with the figures each one was computed from."""
    months = len(score.months)
    items_done = sum(score.items_by_month.get(month, 0) for month in score.months)
    return [
        BreakdownLine(_("组织覆盖"), rubric.coverage_max, score.coverage,
                      _("计分月 %(months)d 个，其中被覆盖 %(covered)d 个")
                      % {"months": months, "covered": len(score.covered_months)}),
        BreakdownLine(_("党建入章程"), rubric.charter_max, score.charter,
                      _("章程已写入党建工作") if score.charter_in_place
                      else _("章程未写入党建工作")),
        BreakdownLine(_("四个一"), rubric.four_ones_max, score.four_ones,
                      _("完成 %(done)d 项 / 应完成 %(due)d 项")
                      % {"done": items_done, "due": 4 * months}),
        BreakdownLine(_("组织生活"), rubric.activities_max, score.activities,
                      _("计入活动 %(count)d 次（满分需 %(target)d 次）")
                      % {"count": score.activities_counted,
                         "target": rubric.activities_target}),
        BreakdownLine(_("隐患整改"), rubric.hazards_max, score.hazards,
                      _("发现隐患 %(found)d 处，按期整改 %(on_time)d 处")
                      % {"found": score.hazards_found, "on_time": score.hazards_on_time}),
        BreakdownLine(_("红名单积分"), rubric.red_points_max, score.red_points,
                      _("年度积分合计 %(points)s") % {"points": score.points_sum}),
        BreakdownLine(_("违规扣分"), None, -score.deductions,
                      _("查实线索 %(count)d 条") % {"count": score.substantiated_clues}),
    ]


def _inspection(inspection: Inspection | None) -> InspectionSummary | None:
    if inspection is None:
        return None
    sections = [
        InspectionSection(_("党建工作"), inspection.party_building,
                          inspection.adjustment_reason),
        InspectionSection(_("办学条件"), inspection.conditions, inspection.conditions_comment),
        InspectionSection(_("教学管理"), inspection.teaching, inspection.teaching_comment),
        InspectionSection(_("财务管理"), inspection.finance, inspection.finance_comment),
        InspectionSection(_("安全管理"), inspection.safety, inspection.safety_comment),
    ]
    # The day in Beijing: finalised at 07:00 there is still the previous day in UTC.
    finalised = timezone.localdate(inspection.finalised_at) if inspection.finalised_at else None
    return InspectionSummary(sections, inspection.overall, inspection.result, finalised)


def institution_report(*, institution: Institution, year: int) -> InstitutionReport:
    """All the institution's annual report shows for the year, in a fixed number of queries."""
    rubric = rubric_for(year)
    only = Institution.objects.filter(pk=institution.pk)
    live = score_institutions(institutions=only, year=year, rubric=rubric)
    scores, final_ids, changed = with_final_figures(live, year=year, institutions=only)
    score = scores[0] if scores else None
    final = institution.pk in final_ids

    item_counts = {key: Count("pk", filter=Q(**{key: True})) for key in FOUR_ONES_KEYS}
    done_by_month = {
        row["month"]: {key: bool(row[key]) for key in FOUR_ONES_KEYS}
        for row in (Visit.objects.filter(institution=institution, date__year=year)
                    .annotate(month=ExtractMonth("date")).order_by()
                    .values("month").annotate(**item_counts))
    }
    in_scope = set(score.months) if score else set()
    months = [
        MonthLine(month, month in in_scope,
                  score.covering_branch_by_month.get(month, "") if score else "",
                  done_by_month.get(month, dict.fromkeys(FOUR_ONES_KEYS, False)))
        for month in MONTHS
    ]
    activities = [
        ActivityLine(activity.date, activity.branch.name, activity.get_kind_display(),
                     activity.title, activity.attendees)
        for activity in activities_counting_for(institution=institution, year=year)
        .select_related("branch").order_by("date", "pk")
    ]
    as_of = as_of_day(year, timezone.localdate())
    hazards = [
        HazardLine(hazard.found_on, hazard.get_category_display(),
                   hazard.get_severity_display(), hazard.description, hazard.deadline,
                   hazard.rectified_on,
                   hazard.rectified_on is not None and hazard.rectified_on <= hazard.deadline,
                   hazard_standing(deadline=hazard.deadline, rectified_on=hazard.rectified_on,
                                   as_of=as_of))
        for hazard in Hazard.objects.filter(institution=institution, found_on__year=year)
        .order_by("found_on", "pk")
    ]
    inspection = Inspection.objects.filter(institution=institution, year=year).first()
    return InstitutionReport(
        year=year, name=institution.name, credit_code=institution.credit_code,
        region_name=institution.region.name, category=institution.get_category_display(),
        score=score, breakdown=_breakdown(score, rubric) if score else [],
        months=months, activities=activities, hazards=hazards,
        inspection=_inspection(inspection), final=final,
        current_total=live[0].total if live and institution.pk in changed else None,
    )


# Region report ---------------------------------------------------------------------------


@dataclass
class MonthRate:
    month: int
    in_scope: int
    count: int

    @property
    def rate(self) -> Decimal:
        return rate(self.count, self.in_scope)


@dataclass
class DistrictLine:
    code: str
    name: str
    # The 本级 line: institutions registered at the region itself, not in a child region.
    own_level: bool = False
    institutions: int = 0
    months_in_scope: int = 0
    covered_months: int = 0
    total_sum: Decimal = Decimal("0.00")
    red_list: int = 0

    @property
    def coverage_rate(self) -> Decimal:
        """Share of the institutions' months in scope in which they were covered."""
        return rate(self.covered_months, self.months_in_scope)

    @property
    def average_total(self) -> Decimal:
        if not self.institutions:
            return Decimal("0.00")
        return (self.total_sum / self.institutions).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass
class RankLine:
    rank: int
    institution_id: int
    name: str
    credit_code: str
    region_name: str
    total: Decimal
    grade: str
    red_list: bool


@dataclass
class RegionReport:
    year: int
    region_code: str
    region_name: str
    figures: SummaryFigures
    scored: int
    average_total: Decimal
    four_ones_completion: list[MonthRate]
    coverage: list[MonthRate]
    districts: list[DistrictLine]
    grades: list[tuple[str, int]]
    ranking: list[RankLine]
    red_list: list[RankLine] = field(default_factory=list)
    # Final institution-years whose records today would give other figures.
    late_changed: int = 0

    @property
    def districts_total(self) -> DistrictLine:
        """The 合计 line under the breakdown: with the 本级 line, it is the region's figures."""
        total = DistrictLine(self.region_code, _("合计"))
        for line in self.districts:
            total.institutions += line.institutions
            total.months_in_scope += line.months_in_scope
            total.covered_months += line.covered_months
            total.total_sum += line.total_sum
            total.red_list += line.red_list
        return total


def region_report(*, region: Region, year: int, as_of: date | None = None) -> RegionReport:
    """The region's figures, monthly rates, districts, grades, ranking and red list."""
    rubric = rubric_for(year)
    in_region = Institution.objects.filter(region__path__startswith=region.path)
    # Scored once: the summary's live red list and the report's lines read the same run.
    live = score_institutions(institutions=in_region, year=year, rubric=rubric)
    figures = summary_figures(region=region, year=year, as_of=as_of, rubric=rubric,
                              live_scores=live)
    scores, _final_ids, changed = with_final_figures(live, year=year, institutions=in_region)
    regions = {row["code"]: row for row in Region.objects.filter(
        path__startswith=region.path).values("code", "name", "path", "parent_id")}
    children = sorted((row for row in regions.values() if row["parent_id"] == region.pk),
                      key=lambda row: row["code"])
    districts = {row["code"]: DistrictLine(row["code"], row["name"]) for row in children}
    # Institutions registered at the region itself get a 本级 line, so that the lines add
    # up to the region's figures (a county's own institutions are often half of them).
    own_level = DistrictLine(region.code, _("%(region)s（本级）") % {"region": region.name},
                             own_level=True)

    completion = {month: MonthRate(month, 0, 0) for month in MONTHS}
    coverage = {month: MonthRate(month, 0, 0) for month in MONTHS}
    for score in scores:
        covered = set(score.covered_months)
        for month in score.months:
            completion[month].in_scope += 1
            coverage[month].in_scope += 1
            completion[month].count += score.items_by_month.get(month, 0) == 4
            coverage[month].count += month in covered
        # The district is the child region whose path starts the institution's region path.
        parts = regions[score.region_code]["path"].removeprefix(region.path).split("/")
        district = districts.get(parts[0], own_level) if parts[0] else own_level
        if district is not None:
            district.institutions += 1
            district.months_in_scope += len(score.months)
            district.covered_months += len(covered)
            district.total_sum += score.total
            district.red_list += score.red_list

    grade_counts = Counter(score.grade for score in scores)
    ranking = [
        RankLine(rank, score.institution_id, score.name, score.credit_code,
                 regions[score.region_code]["name"], score.total, score.grade, score.red_list)
        for rank, score in enumerate(scores, start=1)
    ]
    total_sum = sum((score.total for score in scores), Decimal(0))
    average = ((total_sum / len(scores)).quantize(Decimal("0.01"), ROUND_HALF_UP)
               if scores else Decimal("0.00"))
    return RegionReport(
        year=year, region_code=region.code, region_name=region.name, figures=figures,
        scored=len(scores), average_total=average,
        four_ones_completion=list(completion.values()), coverage=list(coverage.values()),
        # Like the completeness page: the 本级 line when the region itself has institutions.
        districts=([own_level] if districts and own_level.institutions else [])
        + list(districts.values()),
        grades=[(grade, grade_counts.get(grade, 0)) for grade in GRADES],
        ranking=ranking, red_list=[line for line in ranking if line.red_list],
        late_changed=len(changed),
    )


def summary_sentences(figures: SummaryFigures, region_name: str) -> list[str]:
    """The summary figures written out as sentences for the region report."""
    # A running year's figures are taken today: "as of 31 December" would be a future date.
    # Dates follow the language (2025年12月31日 / Dec. 31, 2025).
    day = (_("今日") if figures.as_of >= timezone.localdate()
           else date_format(figures.as_of, "DATE_FORMAT"))
    return [
        _("截至%(day)s，%(region)s共有在办校外培训机构 %(institutions)d 家，其中已被党组织覆盖 "
          "%(covered)d 家，尚无党建指导员 %(without)d 家。")
        % {"day": day, "region": region_name, "institutions": figures.institutions,
           "covered": figures.covered_institutions,
           "without": figures.institutions_without_instructor},
        _("现有联合党支部 %(joint)d 个、单独党支部 %(standalone)d 个，配备书记的支部 "
          "%(secretaries)d 个，党员 %(members)d 名，在岗党建指导员 %(instructors)d 名。")
        % {"joint": figures.joint_branches, "standalone": figures.standalone_branches,
           "secretaries": figures.secretaries, "members": figures.party_members,
           "instructors": figures.instructors},
        _("与中小学党支部结对的机构党支部 %(paired)d 个，涉及学校党支部 %(schools)d 个。")
        % {"paired": figures.paired_branches, "schools": figures.paired_school_branches},
        _("%(year)d 年指导员走访 %(visits)d 次，其中以案说法 %(case_talks)d 次；发现隐患 "
          "%(hazards)d 处，按期整改 %(on_time)d 处。")
        % {"year": figures.year, "visits": figures.visits, "case_talks": figures.case_talks,
           "hazards": figures.hazards_found, "on_time": figures.hazards_rectified_on_time},
        _("收集违规线索 %(clues)d 条，查实 %(substantiated)d 条，指导员参与执法 "
          "%(enforcement)d 次。")
        % {"clues": figures.clues, "substantiated": figures.clues_substantiated,
           "enforcement": figures.enforcement_actions},
        _("各支部开展党建活动 %(activities)d 次，其中结对共建 %(pairing)d 次；%(red_list)d "
          "家机构进入红名单。")
        % {"activities": figures.activities, "pairing": figures.pairing_activities,
           "red_list": figures.red_list},
    ]


SUMMARY_LABELS = (
    ("institutions", gettext_lazy("在办机构")),
    ("covered_institutions", gettext_lazy("已覆盖机构")),
    ("institutions_without_instructor", gettext_lazy("无指导员机构")),
    ("party_members", gettext_lazy("党员")),
    ("joint_branches", gettext_lazy("联合党支部")),
    ("standalone_branches", gettext_lazy("单独党支部")),
    ("secretaries", gettext_lazy("配备书记的支部")),
    ("instructors", gettext_lazy("党建指导员")),
    ("paired_branches", gettext_lazy("结对机构支部")),
    ("paired_school_branches", gettext_lazy("结对学校支部")),
    ("visits", gettext_lazy("走访")),
    ("case_talks", gettext_lazy("以案说法")),
    ("hazards_found", gettext_lazy("发现隐患")),
    ("hazards_rectified_on_time", gettext_lazy("按期整改隐患")),
    ("clues", gettext_lazy("违规线索")),
    ("clues_substantiated", gettext_lazy("查实线索")),
    ("enforcement_actions", gettext_lazy("参与执法")),
    ("activities", gettext_lazy("党建活动")),
    ("pairing_activities", gettext_lazy("结对共建活动")),
    ("red_list", gettext_lazy("红名单机构")),
)


# Instructor duty cards -------------------------------------------------------------------


@dataclass
class CardInstructor:
    name: str
    source_org: str
    title: str
    phone: str


@dataclass
class DutyCard:
    institution_name: str
    credit_code: str
    region_name: str
    instructors: list[CardInstructor]
    duties: tuple[tuple[str, str], ...] = FOUR_DUTIES


def duty_cards(*, institutions: QuerySet[Institution], day: date) -> list[DutyCard]:
    """One card per institution operating on the day, with the instructors assigned then."""
    operating = institutions.filter(operating_on_q(day))
    by_institution: dict[int, list[CardInstructor]] = {}
    for assignment in (Assignment.objects.holding_on(day)
                       .filter(institution__in=operating.values("pk"))
                       .select_related("instructor").order_by("instructor__number")):
        instructor = assignment.instructor
        by_institution.setdefault(assignment.institution_id, []).append(CardInstructor(
            instructor.name, instructor.source_org, instructor.title,
            instructor.phone if instructor.phone_publish_consent else mask_phone(instructor.phone)))
    return [
        DutyCard(institution.name, institution.credit_code, institution.region.name,
                 by_institution.get(institution.pk, []))
        for institution in operating.select_related("region").order_by("region__code", "name_key",
                                                                        "pk")
    ]
