"""Demo work of the branches: last year's activities (三会一课 and the rest) and red-list points.

Shaped like Yiyang's figures (DOMAIN.md: 230+ pairing activities in a year) and scaled to the
city's size. At the default size: about 600 activities, of which about 230 are pairing
activities (结对共建), held only by a branch whose pairing with that school branch holds on
the day; six branches keep the full 三会一课 cadence (monthly 支委会 and 党小组会, quarterly
支部党员大会 and 党课, yearly 组织生活会 and 民主评议党员), the others hold a few activities of
the other kinds.
About 300 red-list point entries, some of them deductions, and five corrections (reversing
entries that point at the entry they correct).

Like the structure loader it writes directly with bulk inserts, but every record keeps the
rules the services enforce: an activity falls within its branch's active life, nothing is
dated after today, a point entry falls within its institution's operating period.
"""

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext

from partybuild.accounts.models import User
from partybuild.activities.models import Activity
from partybuild.organisation.models import Branch, Institution, Membership, Pairing
from partybuild.points.models import PointEntry
from partybuild.regions.models import Region

from .common import (
    BATCH_SIZE,
    DEFAULT_INSTITUTIONS,
    apportion,
    bulk_with_history,
    day_between,
    weighted,
)

SEED = 20251230
Kind = Activity.Kind

# One year's work at the default size (530 institutions); scaled with the city.
YEAR_SHAPE = {"activities": 600, "pairing": 230, "full_cadence_branches": 6, "points": 300,
              "corrections": 5}
NEGATIVE_SHARE = 0.3
# The branches working rules' 三会一课: kind → how many a year (monthly 12, quarterly 4).
FULL_CADENCE = {Kind.COMMITTEE_MEETING: 12, Kind.GROUP_MEETING: 12, Kind.ASSEMBLY: 4,
                Kind.LECTURE: 4, Kind.LIFE_MEETING: 1, Kind.APPRAISAL: 1}
# What a branch that does not keep the cadence holds now and then.
OCCASIONAL_KINDS = (
    (Kind.COMMITTEE_MEETING, 18), (Kind.GROUP_MEETING, 10), (Kind.ASSEMBLY, 9),
    (Kind.LECTURE, 12), (Kind.THEME_DAY, 18), (Kind.LIFE_MEETING, 4), (Kind.APPRAISAL, 3),
    (Kind.VOLUNTEER, 9), (Kind.PUBLIC_WELFARE, 7), (Kind.PERFORMANCE, 3), (Kind.TRAINING, 7),
)

MONTHS = "一二三四五六七八九十"
MONTH_NAMES = [*MONTHS, "十一", "十二"]

TOPICS = {
    Kind.COMMITTEE_MEETING: (
        "研究部署本月党建工作", "研究党员发展工作", "研究主题党日活动安排", "通报党费收缴情况",
        "研究意识形态工作", "研究暑期安全工作", "研究结对共建活动计划", "研究年度党建工作总结",
        "研究三会一课落实情况", "研究党员教育培训计划", "研究党建阵地建设", "研究“双减”政策落实",
    ),
    Kind.GROUP_MEETING: (
        "学习《中国共产党章程》", "学习党的二十届三中全会精神", "学习《中国共产党纪律处分条例》",
        "学习中央八项规定精神", "交流立德树人心得", "学习《民办教育促进法实施条例》",
        "学习习近平总书记关于教育的重要论述", "学习《校外培训行政处罚暂行办法》",
        "交流党员先锋岗工作", "学习弘扬教育家精神",
    ),
    Kind.ASSEMBLY: (
        "通报支部工作，讨论党员发展", "审议支部年度工作计划", "讨论预备党员转正",
        "学习传达上级党委会议精神", "推选优秀共产党员", "听取支委会工作报告",
    ),
    Kind.LECTURE: (
        "学习贯彻党的二十届三中全会精神", "深入学习贯彻中央八项规定精神",
        "以高质量党建引领校外培训规范发展", "传承红色基因，争做新时代合格党员",
        "弘扬教育家精神，践行立德树人", "坚定理想信念，筑牢思想根基",
        "学习湖湘红色文化，赓续精神血脉", "严守纪律规矩，加强作风建设",
    ),
    Kind.THEME_DAY: (
        "重温入党誓词", "参观益阳市革命烈士纪念馆", "学习《习近平谈治国理政》", "参观周立波故居",
        "党员政治生日", "廉洁文化进机构", "参观何叔衡同志故居", "“我为群众办实事”",
    ),
    Kind.VOLUNTEER: (
        "社区文明创建志愿服务", "交通文明劝导志愿服务", "关爱留守儿童志愿服务",
        "资江河畔环保志愿服务", "敬老院志愿服务", "防溺水宣传志愿服务",
    ),
    Kind.PUBLIC_WELFARE: (
        "公益课堂进社区", "爱心助学捐赠", "暑期公益托管", "“六一”公益演出进乡村学校",
        "公益体育课进社区", "困难家庭学生公益辅导",
    ),
    Kind.PERFORMANCE: (
        "“红心向党”主题文艺汇演", "“童心向党”红歌会", "红色经典诵读展演",
        "“颂党恩、跟党走”文艺汇演",
    ),
    Kind.TRAINING: (
        "党务工作者专题培训", "从业人员师德师风专题培训", "消防安全专题培训",
        "校外培训政策法规专题培训", "预收费监管政策专题培训", "党员发展工作业务培训",
    ),
    Kind.PAIRING: (
        "“红色研学”联合主题党日", "党员教师结对帮扶交流", "联合开展党课", "师德师风共建交流",
        "“双减”政策联合宣讲", "校外培训与学校教育协同育人座谈", "联合开展学雷锋志愿服务",
        "共上一堂思政课", "联合开展防溺水安全教育", "书香校园共建读书会",
    ),
}
# Theme days that belong to a month (学雷锋 in March, 清明 in April, 七一, 国庆).
THEME_DAYS_BY_MONTH = {3: "学雷锋志愿服务", 4: "清明祭英烈", 7: "“七一”重温入党誓词",
                       10: "“国庆”主题党日"}
DESCRIPTIONS = {
    Kind.COMMITTEE_MEETING: "支部委员参加，书记主持，形成会议记录。",
    Kind.GROUP_MEETING: "党小组集中学习，党员逐一交流发言。",
    Kind.ASSEMBLY: "全体党员参加，书记通报支部工作。",
    Kind.LECTURE: "支部书记讲党课，入党积极分子列席。",
    Kind.LIFE_MEETING: "对照检查，开展批评与自我批评，明确整改措施。",
    Kind.APPRAISAL: "党员个人自评、党员互评和民主测评，评定等次。",
    Kind.THEME_DAY: "党员集中参加主题党日活动并交流心得。",
    Kind.VOLUNTEER: "党员和从业人员组成志愿服务队参加。",
    Kind.PUBLIC_WELFARE: "党员带头，面向学生和家长免费开展。",
    Kind.PERFORMANCE: "党员、教师和学员共同参演。",
    Kind.TRAINING: "邀请上级党委和有关部门同志授课。",
    Kind.PAIRING: "双方支部党员共同参加，互学互鉴。",
}

POSITIVE_REASONS = (
    "开展党建公益活动受到表彰", "党建工作示范点创建通过验收", "组织党员参加志愿服务成效明显",
    "结对共建活动成效突出", "主题党日活动获区级通报表扬", "党员教师获评优秀共产党员",
    "开展红色研学活动受到好评", "党建工作经验在全市交流", "支部书记培训考核优秀",
    "党建阵地建设达标", "开展爱心助学活动", "配合开展校外培训专项治理",
)
NEGATIVE_REASONS = (
    "党建工作台账不规范", "未按期开展三会一课", "党员组织关系转接不及时", "党建阵地建设不达标",
    "未按要求参加党建工作培训", "党费收缴不规范", "年度党建工作报告逾期未报",
    "隐患整改不及时", "从业人员信息台账不完整",
)
POSITIVE_POINTS = ((Decimal("0.5"), 10), (Decimal("1"), 25), (Decimal("1.5"), 10),
                   (Decimal("2"), 25), (Decimal("2.5"), 5), (Decimal("3"), 15),
                   (Decimal("4"), 5), (Decimal("5"), 5))
NEGATIVE_POINTS = ((Decimal("-0.5"), 20), (Decimal("-1"), 35), (Decimal("-1.5"), 10),
                   (Decimal("-2"), 25), (Decimal("-3"), 10))
CORRECTION_REASONS = ("分值录入错误，予以冲正", "重复录入，予以冲正", "录错机构，予以冲正")
# A reason that only fits reversing an award, or only a deduction.
CORRECTION_REASONS_BY_SIGN = {1: ("表彰文件撤回，冲正原加分",),
                              -1: ("机构申诉经核实扣分不当，予以冲正",)}


@dataclass
class _Branch:
    pk: int
    district: str
    founded_on: date
    dissolved_on: date | None
    memberships: list[tuple[date, date | None]] = field(default_factory=list)

    def window(self, first: date, last: date) -> tuple[date, date] | None:
        """The days of [first, last] on which the branch is active, or None."""
        start = max(first, self.founded_on)
        end = min(last, self.dissolved_on or last)
        return (start, end) if start <= end else None

    def members_on(self, day: date) -> int:
        return sum(1 for start, end in self.memberships
                   if start <= day and (end is None or day <= end))


@dataclass(frozen=True)
class _Pairing:
    branch: _Branch
    school_branch_id: int
    school: str
    start: date
    end: date | None


@dataclass(frozen=True)
class _Institution:
    pk: int
    district: str
    opened_on: date
    closed_on: date | None




def _district(path: str) -> str:
    return path.split("/")[2]


def _branches(city: Region) -> list[_Branch]:
    """The city's branches with their membership periods, in a stable order."""
    branches = {
        pk: _Branch(pk=pk, district=_district(path), founded_on=founded_on,
                    dissolved_on=dissolved_on)
        for pk, path, founded_on, dissolved_on in (
            Branch.objects.filter(committee__region__path__startswith=city.path).order_by("pk")
            .values_list("pk", "committee__region__path", "founded_on", "dissolved_on"))
    }
    for branch_id, start, end in (Membership.objects.filter(branch__in=list(branches))
                                  .values_list("branch", "start", "end")):
        branches[branch_id].memberships.append((start, end))
    return list(branches.values())


def _pairings(branches: Sequence[_Branch]) -> list[_Pairing]:
    by_pk = {branch.pk: branch for branch in branches}
    return [
        _Pairing(branch=by_pk[branch_id], school_branch_id=school_branch_id,
                 school=f"{school}{name}", start=start, end=end)
        for branch_id, school_branch_id, school, name, start, end in (
            Pairing.objects.filter(branch__in=list(by_pk)).order_by("pk")
            .values_list("branch", "school_branch", "school_branch__school",
                         "school_branch__name", "start", "end"))
    ]


def _district_staff(city: Region) -> dict[str, int]:
    """The first committee staff user of each district: who records its demo work."""
    staff = {}
    for user_id, path in (User.objects.filter(role=User.Role.STAFF,
                                              region__path__startswith=city.path)
                          .exclude(region=city).order_by("username")
                          .values_list("pk", "region__path")):
        staff.setdefault(_district(path), user_id)
    return staff


# Activities ------------------------------------------------------------------------------


class _Planner:
    """Collects activities, keeping (branch, date, title) unique as the database requires."""

    def __init__(self, rng: random.Random, year: int, staff: dict[str, int]):
        self.rng, self.year, self.staff = rng, year, staff
        self.taken: set[tuple[int, date, str]] = set()
        self.activities: list[Activity] = []

    def title(self, kind: str, day: date, school: str = "") -> str:
        month = MONTH_NAMES[day.month - 1]
        if kind == Kind.LIFE_MEETING:
            return f"{self.year - 1}年度专题组织生活会" if day.month <= 3 else "专题组织生活会"
        if kind == Kind.APPRAISAL:
            return f"{self.year - 1}年度民主评议党员" if day.month <= 3 else "年度民主评议党员"
        topic = self.rng.choice(TOPICS[kind])
        if kind == Kind.THEME_DAY and day.month in THEME_DAYS_BY_MONTH and self.rng.random() < 0.5:
            topic = THEME_DAYS_BY_MONTH[day.month]
        if kind == Kind.PAIRING:
            return f"与{school}{topic}"
        if kind in (Kind.COMMITTEE_MEETING, Kind.GROUP_MEETING, Kind.THEME_DAY):
            return f"{month}月{Kind(kind).label}：{topic}"
        if kind == Kind.ASSEMBLY:
            return f"第{MONTHS[(day.month - 1) // 3]}季度支部党员大会：{topic}"
        if kind == Kind.LECTURE:
            return f"专题党课：{topic}"
        return topic

    def attendees(self, kind: str, branch: _Branch, day: date) -> int:
        members = max(branch.members_on(day), 1)
        rng = self.rng
        return {
            Kind.COMMITTEE_MEETING: min(members, rng.randint(3, 5)),
            Kind.GROUP_MEETING: max(2, members - rng.randint(0, members // 2)),
            Kind.ASSEMBLY: max(1, members - rng.randint(0, 1)),
            Kind.LECTURE: members + rng.randint(0, 8),
            Kind.LIFE_MEETING: members,
            Kind.APPRAISAL: members,
            Kind.THEME_DAY: members + rng.randint(0, 6),
            Kind.PAIRING: members + rng.randint(8, 30),
            Kind.VOLUNTEER: members + rng.randint(2, 15),
            Kind.PUBLIC_WELFARE: members + rng.randint(5, 25),
            Kind.PERFORMANCE: rng.randint(30, 120),
            Kind.TRAINING: members + rng.randint(5, 20),
        }[kind]

    def add(self, branch: _Branch, kind: str, day: date, school_branch_id: int | None = None,
            school: str = "") -> None:
        for _ in range(5):
            title = self.title(kind, day, school)
            if (branch.pk, day, title) not in self.taken:
                break
        else:
            title = f"{title}（{day.day}日）"
        self.taken.add((branch.pk, day, title))
        self.activities.append(Activity(
            branch_id=branch.pk, date=day, kind=kind, title=title,
            attendees=self.attendees(kind, branch, day), description=DESCRIPTIONS[kind],
            school_branch_id=school_branch_id, recorded_by_id=self.staff.get(branch.district),
        ))


def _month_window(year: int, month: int, last: date) -> tuple[date, date]:
    following = date(year + month // 12, month % 12 + 1, 1)
    return date(year, month, 1), min(following - timedelta(days=1), last)


def _plan_full_cadence(planner: _Planner, branch: _Branch, year: int, last: date) -> None:
    """Every 三会一课 the rules ask for: monthly, quarterly and yearly ones, all in the year."""
    rng = planner.rng
    for month in range(1, 13):
        first, end = _month_window(year, month, last)
        if first > last:
            break
        for kind in (Kind.COMMITTEE_MEETING, Kind.GROUP_MEETING):
            planner.add(branch, kind, day_between(rng, first, end))
        if month % 3 == 2:
            quarter_first = date(year, month - 1, 1)
            quarter_last = _month_window(year, month + 1, last)[1]
            for kind in (Kind.ASSEMBLY, Kind.LECTURE):
                planner.add(branch, kind, day_between(rng, quarter_first, quarter_last))
    # The year's 组织生活会 and 民主评议 review the year before, early in the year.
    for kind in (Kind.LIFE_MEETING, Kind.APPRAISAL):
        planner.add(branch, kind, day_between(rng, date(year, 1, 10), date(year, 3, 31)))


def _plan_pairings(planner: _Planner, pairings: Sequence[_Pairing], total: int, first: date,
                   last: date) -> None:
    """Pairing activities on days when the pairing holds and its branch is active."""
    windows = []
    for pairing in pairings:
        window = pairing.branch.window(max(first, pairing.start), min(last, pairing.end or last))
        windows.append(window)
    days = [(w[1] - w[0]).days + 1 if w else 0 for w in windows]
    if not any(days):
        return
    for pairing, window, count, length in zip(pairings, windows, apportion(total, days), days,
                                              strict=True):
        if not count:
            continue
        for offset in sorted(planner.rng.sample(range(length), min(count, length))):
            planner.add(pairing.branch, Kind.PAIRING, window[0] + timedelta(days=offset),
                        school_branch_id=pairing.school_branch_id, school=pairing.school)


def _plan_occasional(planner: _Planner, branches: Sequence[_Branch], total: int, first: date,
                     last: date) -> None:
    """A few activities of any kind but pairing, unevenly spread: some branches hold none."""
    rng = planner.rng
    active = [(branch, window) for branch in branches
              if (window := branch.window(first, last)) is not None]
    if not active:
        return
    weights = [rng.choice((0, 1, 2, 3, 4, 6, 8)) for _ in active]
    if not any(weights):
        weights = [1] * len(active)
    for branch, window in rng.choices(active, weights, k=total):
        planner.add(branch, weighted(rng, OCCASIONAL_KINDS), day_between(rng, *window))


def build_activities(rng: random.Random, branches: list[_Branch], pairings: list[_Pairing],
                     staff: dict[str, int], year: int, today: date,
                     scale: float) -> tuple[list[Activity], int]:
    """The year's activities; returns them unsaved with the number of full-cadence branches."""
    first, last = date(year, 1, 1), min(date(year, 12, 31), today)
    planner = _Planner(rng, year, staff)
    _plan_pairings(planner, pairings, round(YEAR_SHAPE["pairing"] * scale), first, last)
    # Only a branch active all year can keep the whole year's cadence.
    whole_year = [b for b in branches if b.window(first, last) == (first, last)]
    full = rng.sample(whole_year, min(len(whole_year),
                                      max(1, round(YEAR_SHAPE["full_cadence_branches"] * scale))))
    for branch in full:
        _plan_full_cadence(planner, branch, year, last)
    rest = round(YEAR_SHAPE["activities"] * scale) - len(planner.activities)
    chosen = {branch.pk for branch in full}
    _plan_occasional(planner, [b for b in branches if b.pk not in chosen], max(rest, 0),
                     first, last)
    return planner.activities, len(full)


# Red-list points ---------------------------------------------------------------------------


def build_points(rng: random.Random, institutions: list[_Institution], staff: dict[str, int],
                 year: int, today: date, scale: float) -> tuple[list[PointEntry],
                                                                list[PointEntry]]:
    """The year's point entries and a few corrections; returns (entries, corrections) unsaved."""
    first, last = date(year, 1, 1), min(date(year, 12, 31), today)
    open_in_year = []
    for institution in institutions:
        start = max(first, institution.opened_on)
        end = min(last, institution.closed_on or last)
        if start <= end:
            open_in_year.append((institution, start, end))
    if not open_in_year:
        return [], []
    corrections = max(1, round(YEAR_SHAPE["corrections"] * scale))
    total = round(YEAR_SHAPE["points"] * scale) - corrections
    # About a third of the institutions earn or lose points in a year, some several times.
    pool = rng.sample(open_in_year, max(1, min(len(open_in_year), round(total * 0.6))))
    taken: set[tuple[int, date, str]] = set()
    entries = []
    while len(entries) < total:
        institution, start, end = rng.choice(pool)
        negative = rng.random() < NEGATIVE_SHARE
        reason = rng.choice(NEGATIVE_REASONS if negative else POSITIVE_REASONS)
        day = day_between(rng, start, end)
        if (institution.pk, day, reason) in taken:
            continue
        taken.add((institution.pk, day, reason))
        entries.append(PointEntry(
            institution_id=institution.pk, date=day, reason=reason,
            points=weighted(rng, NEGATIVE_POINTS if negative else POSITIVE_POINTS),
            created_by_id=staff.get(institution.district),
        ))
    reversals = []
    for entry in rng.sample(entries, min(corrections, len(entries))):
        day = min(entry.date + timedelta(days=rng.randint(0, 20)), last)
        reason = rng.choice(CORRECTION_REASONS
                            + CORRECTION_REASONS_BY_SIGN[1 if entry.points > 0 else -1])
        while (entry.institution_id, day, reason) in taken:
            reason = f"{reason}（{entry.date.isoformat()}）"
        taken.add((entry.institution_id, day, reason))
        reversals.append(PointEntry(institution_id=entry.institution_id, date=day,
                                    points=-entry.points, reason=reason, corrects=entry,
                                    created_by_id=entry.created_by_id))
    return entries, reversals



def seed_demo_activities(city: Region) -> str:
    """Add last year's demo activities and red-list points once; say what was added."""
    today = timezone.localdate()
    year = today.year - 1
    within = city.path
    if (Activity.objects.filter(branch__committee__region__path__startswith=within,
                                date__year=year).exists()
            or PointEntry.objects.filter(institution__region__path__startswith=within,
                                         date__year=year).exists()):
        return (gettext("%(year)d 年的党建活动或红名单积分已存在，未重复生成。")
                % {"year": year})
    institutions = [
        _Institution(pk=pk, district=_district(path), opened_on=opened_on, closed_on=closed_on)
        for pk, path, opened_on, closed_on in (
            Institution.objects.filter(region__path__startswith=within).order_by("credit_code")
            .values_list("pk", "region__path", "opened_on", "closed_on"))
    ]
    scale = len(institutions) / DEFAULT_INSTITUTIONS
    rng = random.Random(SEED)
    staff = _district_staff(city)
    branches = _branches(city)
    activities, full = build_activities(rng, branches, _pairings(branches), staff, year, today,
                                        scale)
    activities = bulk_with_history(Activity, activities, lambda activity: activity.date, hour=18,
                                   by_recorder=True)
    entries, reversals = build_points(rng, institutions, staff, year, today, scale)
    # The corrected entries get their keys first; the reversals then take them up.
    PointEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)
    PointEntry.objects.bulk_create(reversals, batch_size=BATCH_SIZE)
    by_kind = defaultdict(int)
    for activity in activities:
        by_kind[activity.kind] += 1
    return gettext(
        "已生成 %(year)d 年演示党建活动 %(activities)d 次（结对共建 %(pairing)d 次，"
        "%(full)d 个支部三会一课全年达标），红名单积分记录 %(points)d 条（扣分 %(negative)d 条，"
        "更正 %(corrections)d 条）。"
    ) % {
        "year": year, "activities": len(activities), "pairing": by_kind[Kind.PAIRING],
        "full": full, "points": len(entries) + len(reversals),
        "negative": sum(entry.points < 0 for entry in entries), "corrections": len(reversals),
    }
