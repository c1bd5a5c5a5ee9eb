"""Demo work for the demo city: last year's "four ones" visits, hazards and clues, and this year's.

Shaped like Yiyang's 2023 figures in DOMAIN.md (1,300 visits, 600 case talks, 27 clues, 7 of
them followed into enforcement by the instructor) and scaled to the city's size: a few
institutions are visited every month with all four items, most a few times a year with some
of them, and some not at all. The current year has its last few months of visits, and the
instructors with a login find this month under way: some institutions done, some not.

Like the structure loader it writes directly with bulk inserts, but every record keeps the
rules the services enforce: a visit lies within the institution's operating period, is made by
the instructor assigned to it that day, and nothing is dated after today.
"""

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import DateTimeField, ExpressionWrapper, F
from django.db.models.functions import Cast, Mod
from django.utils import timezone
from django.utils.translation import gettext

from partybuild.accounts.models import User
from partybuild.instructors.models import Assignment, Instructor
from partybuild.organisation.models import Institution
from partybuild.regions.models import Region
from partybuild.visits.models import Clue, Hazard, Visit

from .common import DEFAULT_INSTITUTIONS, bulk_with_history, day_between, weighted

SEED = 20231231

# Yiyang's 2023 work (seed 003), the shape scaled by the number of institutions.
YIYANG_2023 = {"visits": 1300, "case_talks": 600, "clues": 27, "substantiated": 12,
               "enforcement": 7}
EVERY_MONTH_SHARE = 0.05  # institutions visited every month with all four items
UNVISITED_SHARE = 0.06  # institutions nobody visited in a year
CURRENT_YEAR_MONTHS = 4  # the current year has visits in its last few months up to today
HAZARD_RATE = 0.12  # hazard checks that find a hazard
ITEMS = ("lesson", "policy", "hazard_check", "ledger")
ITEM_TEXT_FIELD = {"lesson": "lesson_topic", "policy": "policy_text",
                   "hazard_check": "hazard_check_text", "ledger": "ledger_text"}
# How often an occasional visit does each item; some do all four.
ITEM_CHANCE = {"lesson": 0.55, "policy": 0.7, "hazard_check": 0.75, "ledger": 0.6}
ALL_FOUR_CHANCE = 0.2

ITEM_TEXTS = {
    "lesson": (
        "学习贯彻党的二十大精神", "学习贯彻党的二十届三中全会精神",
        "习近平新时代中国特色社会主义思想专题学习", "弘扬伟大建党精神", "学习《中国共产党章程》",
        "深入学习贯彻中央八项规定精神", "学习《中国共产党纪律处分条例》",
        "坚定理想信念，做新时代合格党员", "以高质量党建引领校外培训规范发展",
        "践行社会主义核心价值观，立德树人", "学习雷锋精神，争做新时代先锋",
        "传承红色基因：湖湘革命先辈的初心",
    ),
    "policy": (
        "《民办教育促进法实施条例》", "《中华人民共和国民办教育促进法》",
        "《校外培训行政处罚暂行办法》", "《校外培训机构从业人员管理办法（试行）》",
        "《关于进一步减轻义务教育阶段学生作业负担和校外培训负担的意见》",
        "《关于加强校外培训机构预收费监管工作的通知》", "《中华人民共和国未成年人保护法》",
        "《中华人民共和国家庭教育促进法》", "《关于加强民办学校党的建设工作的意见（试行）》",
        "《中华人民共和国消防法》",
    ),
    "hazard_check": (
        "消防器材、疏散通道和安全出口", "用电线路和电器设备", "教室及活动场地安全",
        "食品安全和午托餐管理", "学生接送和门卫登记制度", "监控设施运行情况",
        "消防器材、用电安全和监控设施",
    ),
    "ledger": (
        "党员花名册、三会一课记录", "党费收缴台账", "主题党日活动记录",
        "从业人员信息台账、教师资格证", "收费公示及预收费资金监管台账",
        "安全检查和隐患整改台账", "学员花名册和课程表", "党员花名册、组织生活会记录",
    ),
}
CASE_TALK_CASES = (
    "某培训机构违规开展学科类培训被查处案", "某机构一次性预收超过3个月费用被处罚案",
    "无证办学机构被依法取缔案", "某机构聘用无资质人员授课被责令整改案",
    "某机构堵塞消防通道被消防部门处罚案", "某机构发布虚假宣传广告被市场监管部门处罚案",
    "某机构负责人卷款停业被追究责任案", "某机构隐瞒学员意外伤害事故被追责案",
    "某机构以“研学”名义变相开展学科培训被查处案",
)
NOTES = (
    "与机构负责人和党员座谈，了解党建工作开展情况。",
    "督促机构落实党建写入章程，完善党员活动阵地。",
    "向教职工通报近期校外培训违规典型案例。",
    "检查上次走访发现问题的整改情况。",
    "指导机构做好党员发展和入党积极分子培养。",
)

# Hazards by category: what was found and how it was put right.
HAZARDS = {
    Hazard.Category.FIRE: (
        ("灭火器压力不足，部分已过检验期", "已更换过期灭火器，建立月度检查记录。"),
        ("安全出口处堆放桌椅杂物", "已清理安全出口杂物，明确专人每日巡查。"),
        ("应急照明灯不亮", "已维修更换应急照明灯。"),
        ("疏散指示标志缺失", "已按规范补装疏散指示标志。"),
        ("电动车在楼道内停放充电", "已清理楼道电动车，设置室外集中充电点。"),
        ("电线私拉乱接，插座超负荷使用", "已请电工重新布线，更换合格插座。"),
    ),
    Hazard.Category.BUILDING: (
        ("教室吊顶局部松动", "已请专业人员加固吊顶。"),
        ("楼梯扶手松动", "已更换楼梯扶手。"),
        ("临街窗户未安装防护栏", "已加装窗户防护栏。"),
    ),
    Hazard.Category.FOOD: (
        ("午托餐食品未按规定留样", "已配备留样柜，落实48小时留样制度。"),
        ("厨房从业人员健康证过期", "相关人员已重新办理健康证。"),
    ),
    Hazard.Category.SAFETY_MANAGEMENT: (
        ("学生接送登记制度未落实", "已建立接送登记本，由专人负责。"),
        ("监控设备部分损坏，录像保存不足30天", "已维修监控设备，录像保存30天以上。"),
        ("未按要求开展应急疏散演练", "已组织全体师生开展应急疏散演练。"),
    ),
    Hazard.Category.OTHER: (
        ("新装修教室气味明显，未做空气检测", "已委托第三方检测，结果合格。"),
        ("教室照明不足", "已增加照明灯具。"),
    ),
}
HAZARD_CATEGORY_WEIGHTS = (
    (Hazard.Category.FIRE, 45), (Hazard.Category.BUILDING, 15), (Hazard.Category.FOOD, 10),
    (Hazard.Category.SAFETY_MANAGEMENT, 25), (Hazard.Category.OTHER, 5),
)
SEVERITY_WEIGHTS = (
    (Hazard.Severity.GENERAL, 75), (Hazard.Severity.MAJOR, 20), (Hazard.Severity.SERIOUS, 5),
)
DEADLINE_DAYS = {Hazard.Severity.GENERAL: (15, 30), Hazard.Severity.MAJOR: (7, 15),
                 Hazard.Severity.SERIOUS: (3, 7)}
CLUES = (
    "疑似超范围开展学科类培训", "疑似一次性收取超过3个月的培训费用",
    "疑似聘用无教师资格证人员授课", "疑似在节假日组织中小学生集中补课",
    "疑似发布夸大培训效果的虚假广告", "疑似未取得办学许可证擅自招生",
    "疑似以“家政服务”名义开展一对一学科培训", "疑似培训结束时间晚于20:30",
)


@dataclass
class _Place:
    """An institution as the builder needs it: when it operates and who is assigned when."""

    pk: int
    district: str
    staff_count: int
    opened_on: date
    closed_on: date | None
    suspended_on: date | None
    assignments: list[tuple[date, date | None, int]]

    def instructor_on(self, day: date) -> int | None:
        """The instructor who may visit on `day`; None if it is not operating or unassigned."""
        if day < self.opened_on or (self.closed_on is not None and day > self.closed_on):
            return None
        if self.suspended_on is not None and day >= self.suspended_on:
            return None
        for start, end, instructor_id in self.assignments:
            if start <= day and (end is None or day <= end):
                return instructor_id
        return None


@dataclass(frozen=True)
class _Planned:
    place: _Place
    day: date
    items: tuple[str, ...]


Month = tuple[date, date]


def _months(year: int, today: date) -> list[Month]:
    """The months of `year` that have begun by `today`, each cut off at today."""
    months = []
    for month in range(1, 13):
        first = date(year, month, 1)
        if first > today:
            break
        following = date(year + month // 12, month % 12 + 1, 1)
        months.append((first, min(following - timedelta(days=1), today)))
    return months




def _places(city: Region) -> list[_Place]:
    """The city's institutions with their assignments, in a stable order."""
    assignments = defaultdict(list)
    for institution_id, start, end, instructor_id in (
            Assignment.objects.filter(institution__region__path__startswith=city.path)
            .order_by("start").values_list("institution", "start", "end", "instructor")):
        assignments[institution_id].append((start, end, instructor_id))
    rows = (Institution.objects.filter(region__path__startswith=city.path)
            .order_by("credit_code")
            .values_list("pk", "region__path", "staff_count", "opened_on", "closed_on",
                         "suspended_on"))
    return [
        _Place(pk=pk, district=path.split("/")[2], staff_count=staff_count or 5,
               opened_on=opened_on, closed_on=closed_on, suspended_on=suspended_on,
               assignments=assignments[pk])
        for pk, path, staff_count, opened_on, closed_on, suspended_on in rows
    ]


def _occasional_items(rng: random.Random) -> tuple[str, ...]:
    if rng.random() < ALL_FOUR_CHANCE:
        return ITEMS
    items = tuple(item for item in ITEMS if rng.random() < ITEM_CHANCE[item])
    return items or (rng.choice(ITEMS),)


def _visit_counts(rng: random.Random, places: int, total: int, minimum: int,
                  most: int) -> list[int]:
    """Split `total` visits over the occasionally visited places, each within [minimum, most]."""
    counts = [minimum] * places
    extra = max(0, min(total, most * places) - minimum * places)
    while extra:
        i = rng.randrange(places)
        if counts[i] < most:
            counts[i] += 1
            extra -= 1
    return counts


def _plan_months(rng: random.Random, tiers: dict[str, list[_Place]], months: list[Month],
                 occasional_total: int, minimum: int) -> list[_Planned]:
    """Every-month places get all four items each month; occasional ones a few visits."""
    planned = [_Planned(place, day_between(rng, *month), ITEMS)
               for place in tiers["every_month"] for month in months]
    most = max(1, len(months) // 2)
    counts = _visit_counts(rng, len(tiers["occasional"]), occasional_total, minimum, most)
    for place, count in zip(tiers["occasional"], counts, strict=True):
        for month in sorted(rng.sample(months, count)):
            planned.append(_Planned(place, day_between(rng, *month), _occasional_items(rng)))
    return planned


def _plan_own_month(places: list[_Place], instructor_ids: set[int], month: Month,
                    today: date) -> tuple[set[int], list[_Planned]]:
    """The current month of the instructors with a login: some institutions done, some not.

    Their institutions take turns: complete (over two visits when the month allows), partly
    done, not yet visited, complete again. Returns the institutions planned here and their
    visits.
    """
    first, last = month
    mine = defaultdict(list)
    for place in places:
        if (instructor_id := place.instructor_on(today)) in instructor_ids:
            mine[instructor_id].append(place)
    taken, planned = set(), []
    for own in mine.values():
        for k, place in enumerate(own):
            taken.add(place.pk)
            turn = k % 4
            if turn in (0, 3) and last > first:
                planned.append(_Planned(place, first, ("lesson", "policy")))
                planned.append(_Planned(place, last, ("hazard_check", "ledger")))
            elif turn in (0, 3):
                planned.append(_Planned(place, last, ITEMS))
            elif turn == 1:
                planned.append(_Planned(place, last, ("policy", "hazard_check")))
    return taken, planned


def _visits(rng: random.Random, planned: list[_Planned], users: dict[int, int],
            case_talks: int, recorded: set[tuple[int, int, date]]) -> list[Visit]:
    """Visit records for the plans that keep the rules, `case_talks` of them with a case.

    A plan is dropped when nobody may visit that day, or when a visit of the same instructor
    to the same institution on the same day was already `recorded`.
    """
    visits = []
    for plan in sorted(planned, key=lambda p: (p.day, p.place.pk)):
        instructor_id = plan.place.instructor_on(plan.day)
        if instructor_id is None or (instructor_id, plan.place.pk, plan.day) in recorded:
            continue
        visit = Visit(
            instructor_id=instructor_id, institution_id=plan.place.pk, date=plan.day,
            attendees=rng.randint(2, max(3, plan.place.staff_count)),
            notes=rng.choice(NOTES) if rng.random() < 0.4 else "",
            recorded_by_id=users.get(instructor_id),
        )
        for item in plan.items:
            setattr(visit, item, True)
            setattr(visit, ITEM_TEXT_FIELD[item], rng.choice(ITEM_TEXTS[item]))
        visits.append(visit)
    for visit in rng.sample(visits, min(case_talks, len(visits))):
        visit.case_talk = True
        visit.case_talk_case = rng.choice(CASE_TALK_CASES)
    return visits


def _rectified_on(rng: random.Random, found: date, deadline: date, today: date) -> date | None:
    """Most hazards are put right in time, some late, some are still open."""
    roll = rng.random()
    if deadline >= today:
        # Still within its deadline: rectified already or not yet.
        return found + timedelta(days=rng.randint(0, (today - found).days)) if roll < 0.4 else None
    if roll < 0.7:
        return found + timedelta(days=rng.randint(0, (deadline - found).days))
    if roll < 0.85:
        last = min(deadline + timedelta(days=45), today)
        return deadline + timedelta(days=rng.randint(1, (last - deadline).days))
    return None


def _hazards(rng: random.Random, visits: list[Visit], places: dict[int, _Place],
             closers: dict[str, int], today: date) -> list[Hazard]:
    """Hazards found in some of the hazard checks, with their rectification and close-out."""
    hazards = []
    for visit in visits:
        if not visit.hazard_check or rng.random() >= HAZARD_RATE:
            continue
        category = weighted(rng, HAZARD_CATEGORY_WEIGHTS)
        severity = weighted(rng, SEVERITY_WEIGHTS)
        description, note = rng.choice(HAZARDS[category])
        deadline = visit.date + timedelta(days=rng.choice(DEADLINE_DAYS[severity]))
        rectified = _rectified_on(rng, visit.date, deadline, today)
        closed = None
        if rectified is not None and rng.random() < 0.85:
            closed = rectified + timedelta(days=rng.randint(1, 10))
            closed = closed if closed <= today else None
        hazards.append(Hazard(
            institution_id=visit.institution_id, visit=visit, instructor_id=visit.instructor_id,
            found_on=visit.date, category=category, severity=severity, description=description,
            deadline=deadline, rectified_on=rectified,
            rectification_note=note if rectified else "",
            closed_out_on=closed,
            closed_out_by_id=closers.get(places[visit.institution_id].district) if closed else None,
            recorded_by_id=visit.recorded_by_id,
        ))
    return hazards


def _clues(rng: random.Random, visits: Sequence[Visit], count: int, substantiated: int,
           enforcement: int, today: date) -> list[Clue]:
    """`count` clues from visits to different institutions; the reviewed ones are followed up."""
    chosen, seen = [], set()
    for visit in rng.sample(list(visits), len(visits)):
        if len(chosen) == count:
            break
        if visit.institution_id not in seen:
            seen.add(visit.institution_id)
            chosen.append(visit)
    clues = []
    for visit in sorted(chosen, key=lambda v: (v.date, v.institution_id)):
        reviewed = visit.date + timedelta(days=rng.randint(3, 25))
        clues.append(Clue(
            institution_id=visit.institution_id, visit=visit, instructor_id=visit.instructor_id,
            date=visit.date, description=rng.choice(CLUES),
            reviewed_on=reviewed if reviewed <= today else None,
            recorded_by_id=visit.recorded_by_id,
        ))
    reviewed = [clue for clue in clues if clue.reviewed_on is not None]
    confirmed = rng.sample(reviewed, min(substantiated, len(reviewed)))
    for k, clue in enumerate(confirmed):
        clue.substantiated = True
        # The instructor joined the enforcement of some of the substantiated clues.
        clue.enforcement = k < enforcement
    return clues



# Days between a demo visit and its entry, picked by the visit's id: most are typed in within
# the on-time window, a few late, so the demo's on-time rates look like a real city's.
ENTRY_DELAYS = (0, 0, 0, 1, 1, 2, 3, 4, 7, 12)


def _spread_entry_days(city: Region, today: date) -> None:
    """Date each demo visit's entry (created_at, set to now by the insert) some days after
    the visit, at 17:00 Shanghai time, with one UPDATE per delay.

    Visits whose entry day would fall after today keep today's time.
    """
    shanghai = timezone.get_default_timezone()
    evening_utc = timedelta(hours=17) - shanghai.utcoffset(datetime(2000, 1, 1))
    # Filtered on the institution's id, not through a join: an UPDATE over a join becomes
    # "id IN (the same table joined)", which PostgreSQL, without statistics for the rows just
    # inserted, ran as a nested loop over every visit twice (minutes on the demo city).
    city_institutions = Institution.objects.filter(
        region__path__startswith=city.path).values("pk")
    demo_visits = (Visit.objects.filter(institution_id__in=city_institutions)
                   .alias(slot=Mod("id", len(ENTRY_DELAYS))))
    for slot, delay in enumerate(ENTRY_DELAYS):
        demo_visits.filter(slot=slot, date__lte=today - timedelta(days=delay)).update(
            created_at=ExpressionWrapper(
                Cast(F("date"), DateTimeField()) + timedelta(days=delay) + evening_utc,
                output_field=DateTimeField()))


def seed_demo_visits(city: Region) -> str:
    """Add last year's and this year's demo visits, hazards and clues once; say what was added."""
    today = timezone.localdate()
    last_year = today.year - 1
    if Visit.objects.filter(institution__region__path__startswith=city.path,
                            date__year=last_year).exists():
        return (gettext("%(year)d 年的走访记录已存在，未重复生成演示工作记录。")
                % {"year": last_year})
    places = _places(city)
    rng = random.Random(SEED)
    scale = len(places) / DEFAULT_INSTITUTIONS
    order = rng.sample(places, len(places))
    every_month = round(EVERY_MONTH_SHARE * len(places))
    unvisited = round(UNVISITED_SHARE * len(places))
    tiers = {"every_month": order[:every_month],
             "occasional": order[every_month + unvisited:]}
    year_months = _months(last_year, today)
    occasional_year = round(YIYANG_2023["visits"] * scale) - every_month * len(year_months)
    current_months = _months(today.year, today)[-CURRENT_YEAR_MONTHS:]

    users = dict(Instructor.objects.filter(region__path__startswith=city.path,
                                           user__isnull=False).values_list("pk", "user"))
    # Someone may have tried the demo this year before its visits were added: keep theirs.
    recorded = set(Visit.objects.filter(institution__region__path__startswith=city.path,
                                        date__gte=current_months[0][0])
                   .values_list("instructor", "institution", "date"))
    last_year_visits = _visits(
        rng, _plan_months(rng, tiers, year_months, occasional_year, minimum=1), users,
        round(YIYANG_2023["case_talks"] * scale), recorded)
    own, own_planned = _plan_own_month(places, set(users), current_months[-1], today)
    current = [plan for plan in _plan_months(
        rng, tiers, current_months, round(occasional_year * len(current_months) / 12), minimum=0)
        if not (plan.place.pk in own and plan.day >= current_months[-1][0])]
    current_visits = _visits(
        rng, current + own_planned, users,
        round(len(current + own_planned) * YIYANG_2023["case_talks"] / YIYANG_2023["visits"]),
        recorded)
    visits = bulk_with_history(Visit, last_year_visits + current_visits, lambda v: v.date,
                               hour=17, by_recorder=True)
    _spread_entry_days(city, today)

    by_pk = {place.pk: place for place in places}
    # A district's committee staff close out its hazards.
    closers = {}
    for user_id, path in (User.objects.filter(role=User.Role.STAFF,
                                              region__path__startswith=city.path)
                          .exclude(region=city).order_by("username")
                          .values_list("pk", "region__path")):
        closers.setdefault(path.split("/")[2], user_id)
    hazards = bulk_with_history(Hazard, _hazards(rng, visits, by_pk, closers, today),
                                lambda h: h.found_on, hour=17, by_recorder=True)

    share = len(current_months) / 12
    clues = _clues(rng, last_year_visits, round(YIYANG_2023["clues"] * scale),
                   round(YIYANG_2023["substantiated"] * scale),
                   round(YIYANG_2023["enforcement"] * scale), today)
    clues += _clues(rng, current_visits, round(YIYANG_2023["clues"] * scale * share),
                    round(YIYANG_2023["substantiated"] * scale * share),
                    round(YIYANG_2023["enforcement"] * scale * share), today)
    clues = bulk_with_history(Clue, clues, lambda c: c.date, hour=17, by_recorder=True)

    return gettext(
        "已生成演示工作记录：走访 %(visits)d 次（%(year)d 年 %(year_visits)d 次），以案说法 "
        "%(case_talks)d 次，违规线索 %(clues)d 条（参与执法 %(enforcement)d 次），隐患 "
        "%(hazards)d 处（逾期未整改 %(overdue)d 处）。"
    ) % {
        "visits": len(visits), "year": last_year, "year_visits": len(last_year_visits),
        "case_talks": sum(v.case_talk for v in visits), "clues": len(clues),
        "enforcement": sum(c.enforcement for c in clues), "hazards": len(hazards),
        "overdue": sum(h.rectified_on is None and h.deadline < today for h in hazards),
    }
