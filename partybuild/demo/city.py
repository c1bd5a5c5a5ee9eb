"""The deterministic demo city: Yiyang (益阳市) as seed 003 describes its 2022 party building.

Seed 003 reports 530 institutions, 37 joint and 4 standalone branches, 152 members with
41 secretaries, 187 instructors covering all 530 institutions, and 26 branches paired with
28 school branches. `build_demo_city` reproduces exactly these figures as of today, and
scales the same shape up for load tests (`seed_demo --institutions 20000`).

It is a loader, not a user action: it writes the models directly with bulk inserts (each
record still gets a "created" history entry, dated on the record's own day) instead of
calling the services row by row, but it keeps every invariant the services enforce.
Each `build_*` function returns what it made so that later builders can extend the city.
"""

import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from partybuild.accounts.models import User
from partybuild.core.credit_code import make_credit_code
from partybuild.instructors.models import Assignment, Instructor
from partybuild.organisation.models import (
    Branch,
    Committee,
    Coverage,
    Institution,
    Member,
    Membership,
    Pairing,
    SchoolBranch,
)
from partybuild.regions.models import Region

SEED = 20220530
DEFAULT_INSTITUTIONS = 530
MIN_INSTITUTIONS = 60
DEMO_PASSWORD = "demo12345!"
HISTORY_REASON = "演示数据（seed_demo）"
BATCH_SIZE = 1000

CITY_CODE = "430900"
CITY_NAME = "益阳市"
WORK_COMMITTEE_NAME = "益阳市教育工委"
# The city's structure is recorded from 2022; instructor rotations follow in 2023.
STRUCTURE_YEAR = 2022
ROTATION_FIRST, ROTATION_LAST = date(2023, 2, 20), date(2023, 9, 30)

# Seed 003's 2022 figures, the shape that `--institutions` scales.
YIYANG_2022 = {
    "branches": 41, "standalone": 4, "members": 152, "instructors": 187,
    "paired_branches": 26, "school_branches": 28, "rotations": 62,
}


@dataclass(frozen=True)
class DistrictSpec:
    code: str
    name: str
    slug: str  # pinyin, for the demo usernames
    share: int  # institutions at the default size; the shares add up to 530
    streets: tuple[tuple[str, str], ...]
    roads: tuple[str, ...]
    schools: tuple[str, ...]


DISTRICTS = (
    DistrictSpec(
        "430902", "资阳区", "ziyang", 80,
        (("430902001", "汽车路街道"), ("430902002", "大码头街道")),
        ("资江西路", "五一西路", "马良北路", "汽车路", "大码头路", "迎春路"),
        ("益阳市箴言中学", "资阳区长春镇中心学校", "资阳区张家塞乡中心学校",
         "资阳区迎风桥镇中心学校", "资阳区新桥河镇中心学校", "资阳区茈湖口镇中心学校",
         "资阳区汽车路小学", "资阳区大码头小学"),
    ),
    DistrictSpec(
        "430903", "赫山区", "heshan", 150,
        (("430903001", "赫山街道"), ("430903002", "会龙山街道"), ("430903003", "金银山街道"),
         ("430903004", "桃花仑街道")),
        ("康富南路", "龙洲路", "会龙路", "迎宾东路", "金山南路", "赫山路", "梓山路",
         "银城大道"),
        ("益阳市第一中学", "益阳市第六中学", "赫山区龙光桥镇中心学校", "赫山区泉交河镇中心学校",
         "赫山区沧水铺镇中心学校", "赫山区笔架山中学", "赫山区实验学校", "赫山区金银山小学",
         "赫山区衡龙桥镇中心学校", "赫山区兰溪镇中心学校", "赫山区欧江岔镇中心学校",
         "赫山区岳家桥镇中心学校"),
    ),
    DistrictSpec(
        "430921", "南县", "nanxian", 65,
        (("430921100", "南洲镇"),),
        ("南洲路", "兴盛大道", "城西路", "光明路", "洞庭大道"),
        ("南县第一中学", "南县南洲镇中心学校", "南县三仙湖镇中心学校", "南县茅草街镇中心学校",
         "南县明山头镇中心学校", "南县华阁镇中心学校", "南县实验学校"),
    ),
    DistrictSpec(
        "430922", "桃江县", "taojiang", 75,
        (("430922100", "桃花江镇"),),
        ("桃花江路", "芙蓉路", "三益街", "人民东路", "罗家坪路"),
        ("桃江县第一中学", "桃江县桃花江镇中心学校", "桃江县修山镇中心学校",
         "桃江县灰山港镇中心学校", "桃江县武潭镇中心学校", "桃江县马迹塘镇中心学校",
         "桃江县实验小学"),
    ),
    DistrictSpec(
        "430923", "安化县", "anhua", 70,
        (("430923100", "东坪镇"),),
        ("东坪路", "资江大道", "茶乡路", "黄沙坪路", "酉州路"),
        ("安化县第一中学", "安化县东坪镇中心学校", "安化县梅城镇中心学校",
         "安化县平口镇中心学校", "安化县烟溪镇中心学校", "安化县江南镇中心学校",
         "安化县小淹镇中心学校"),
    ),
    DistrictSpec(
        "430981", "沅江市", "yuanjiang", 90,
        (("430981001", "琼湖街道"),),
        ("琼湖路", "庆云山路", "上琼湖路", "胭脂湖路", "桔城路"),
        ("沅江市第一中学", "沅江市琼湖街道中心学校", "沅江市草尾镇中心学校",
         "沅江市南大膳镇中心学校", "沅江市黄茅洲镇中心学校", "沅江市新湾镇中心学校",
         "沅江市胭包山小学"),
    ),
)

BRANDS = (
    "星辰", "启明", "博雅", "阳光", "新蕾", "童心", "智慧", "未来", "卓越", "晨曦", "青苗",
    "翰墨", "明德", "致远", "睿思", "乐学", "彩虹", "飞扬", "梦想", "天骄", "金色", "育英",
    "励志", "弘毅", "蓝天", "雏鹰", "春晖", "向上", "优才", "思源", "文博", "育才", "朝阳",
    "瑞丰", "华韵", "墨香", "琴韵", "天鹅", "海豚", "小树", "芳草", "桃李", "知行", "格致",
    "尚美", "艺嘉", "悦动", "蓝鲸", "星火", "青藤", "百灵", "鸿鹄", "腾飞", "远航", "启航",
    "扬帆", "领航", "同创", "乐童", "多米", "音悦", "书香", "诗韵", "丹青", "七彩", "新星",
    "北斗", "银河", "神舟", "方圆", "学而", "思齐", "博学", "笃行", "致知", "山水", "资江",
    "梓山", "会龙", "桃花江", "洞庭", "南洲", "茶乡", "琼湖", "清风", "明月", "长青", "嘉禾",
    "金穗", "春雨", "小荷", "凌云", "奔跑", "少年", "小画家", "小博士", "童梦", "知音", "乐韵",
    "鼎新", "青蓝", "楚天", "湘韵", "麓山", "芙蓉",
)
CATEGORY_WEIGHTS = (
    (Institution.Category.ARTS, 40), (Institution.Category.SPORTS, 25),
    (Institution.Category.SCIENCE, 20), (Institution.Category.ACADEMIC, 15),
)
SUBJECTS = {
    Institution.Category.ARTS: ("艺术", "音乐", "美术", "舞蹈", "书法", "播音主持", "钢琴",
                                "口才"),
    Institution.Category.SPORTS: ("体育", "篮球", "跆拳道", "武术", "游泳", "足球", "乒乓球",
                                  "围棋"),
    Institution.Category.SCIENCE: ("科技", "机器人", "编程", "创客", "航模", "科学"),
    Institution.Category.ACADEMIC: ("文化", "教育", "学科辅导"),
}
SUFFIXES = ("培训学校", "培训中心")
LICENCE_WEIGHTS = (
    (Institution.Licence.LICENSED_PERMITTED, 82), (Institution.Licence.LICENSED_UNPERMITTED, 14),
    (Institution.Licence.UNLICENSED, 4),
)

SURNAMES = (
    "刘李王陈张周彭谭曾罗胡杨黄赵吴徐孙马朱郭何高林郑梁谢宋唐许韩冯邓曹肖田董袁潘蔡蒋余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟陆汪范金石廖贾夏方邹熊秦邱江尹段雷侯龙陶黎贺顾毛龚万严"
    "覃戴莫汤文向易符颜欧阳"
)
GIVEN_FEMALE = "丽娟敏静芳婷霞燕红艳玲琴慧颖倩雪梅兰萍洁琳莉娜蓉妍菲瑶璐晶"
GIVEN_MALE = "伟强军勇杰涛明超刚平辉鹏华飞斌波宇浩磊峰亮俊彬鑫凯晨阳林松"
GIVEN_ANY = "建志文海晓春国新德嘉思雨子佳欣安永立小少立云清湘益资"

BUREAU_TITLES = ("民办教育股股长", "督学", "副局长", "办公室主任", "安全股干部", "政工股股长",
                 "教育督导室主任", "基础教育股干部")
SCHOOL_TITLES = ("副校长", "党支部书记", "德育主任", "办公室主任", "工会主席", "教师",
                 "团委书记")


@dataclass(frozen=True)
class DemoShape:
    """How many of each record the demo city has; the default is seed 003's 2022 figures."""

    institutions: int
    branches: int
    standalone: int
    members: int
    instructors: int
    paired_branches: int
    school_branches: int
    rotations: int


@dataclass
class DemoCity:
    """Everything the builder made, for later builders (visits, activities) to extend."""

    shape: DemoShape
    city: Region
    districts: list[Region]
    streets: list[Region]
    work_committee: Committee
    committees: dict[str, Committee]
    institutions: list[Institution]
    branches: list[Branch]
    coverages: list[Coverage]
    members: list[Member]
    memberships: list[Membership]
    instructors: list[Instructor]
    assignments: list[Assignment]
    school_branches: list[SchoolBranch] = field(default_factory=list)
    pairings: list[Pairing] = field(default_factory=list)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    region: str
    password: str


# Small helpers ---------------------------------------------------------------------------


def apportion(total: int, weights: Sequence[int], minimum: int = 0) -> list[int]:
    """Split `total` into whole parts proportional to `weights`, each at least `minimum`.

    Largest-remainder rounding: the parts always add up to `total` exactly.
    """
    rest = total - minimum * len(weights)
    if rest < 0:
        raise ValueError(f"cannot give {len(weights)} parts at least {minimum} out of {total}")
    weight_sum = sum(weights)
    if weight_sum == 0:
        weights, weight_sum = [1] * len(weights), len(weights)
    quotients = [divmod(rest * weight, weight_sum) for weight in weights]
    parts = [minimum + whole for whole, _ in quotients]
    leftover = rest - sum(whole for whole, _ in quotients)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-quotients[i][1], i))
    for i in by_remainder[:leftover]:
        parts[i] += 1
    return parts


def chinese_number(n: int) -> str:
    """1–99 in Chinese numerals (一, 十二, 三十); larger numbers stay in Arabic digits."""
    digits = "零一二三四五六七八九"
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return digits[ones]
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def _day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _weighted(rng: random.Random, choices):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights)[0]


def _person_name(rng: random.Random, gender: str = "") -> str:
    gendered = GIVEN_FEMALE if gender == Member.Gender.FEMALE else GIVEN_MALE
    if not gender:
        gendered = rng.choice((GIVEN_FEMALE, GIVEN_MALE))
    surname = "欧阳" if rng.random() < 0.01 else rng.choice(SURNAMES[:-2])
    if rng.random() < 0.3:
        return surname + rng.choice(gendered)
    return surname + rng.choice(GIVEN_ANY + gendered) + rng.choice(gendered)


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('35789')}{rng.randrange(10**9):09d}"


def _district_code(region: Region) -> str:
    """The district a region belongs to, read from its materialised path."""
    return region.path.split("/")[2]


def _bulk(model, objs: list, day_of: Callable | None = None) -> list:
    """Insert in batches with a "created" history entry dated on each record's own day."""
    if day_of is not None:
        for obj in objs:
            obj._history_date = timezone.make_aware(datetime.combine(day_of(obj), time(9)))
    return bulk_create_with_history(objs, model, batch_size=BATCH_SIZE,
                                    default_change_reason=HISTORY_REASON)


# The shape --------------------------------------------------------------------------------


def demo_shape(institutions: int = DEFAULT_INSTITUTIONS) -> DemoShape:
    """Seed 003's proportions at the given number of institutions (exact at 530)."""
    if institutions < MIN_INSTITUTIONS:
        raise ValueError(f"演示城市至少需要 {MIN_INSTITUTIONS} 家机构。")

    def scaled(figure: int) -> int:
        return (2 * figure * institutions + DEFAULT_INSTITUTIONS) // (2 * DEFAULT_INSTITUTIONS)

    standalone = max(1, scaled(YIYANG_2022["standalone"]))
    # Every district needs a joint branch for the institutions a standalone one leaves.
    branches = max(len(DISTRICTS) + standalone, scaled(YIYANG_2022["branches"]))
    paired = max(1, scaled(YIYANG_2022["paired_branches"]))
    return DemoShape(
        institutions=institutions,
        branches=branches,
        standalone=standalone,
        # A branch needs three members; a standalone one three full members and more.
        members=max(scaled(YIYANG_2022["members"]), 3 * branches + 2 * standalone),
        instructors=max(len(DISTRICTS), scaled(YIYANG_2022["instructors"])),
        paired_branches=paired,
        school_branches=max(paired, scaled(YIYANG_2022["school_branches"])),
        rotations=scaled(YIYANG_2022["rotations"]),
    )


# Builders -----------------------------------------------------------------------------------


def build_regions() -> tuple[Region, list[Region], list[Region]]:
    """The city, its six districts/counties and a few streets/towns, with materialised paths."""
    start = date(STRUCTURE_YEAR, 1, 1)
    city = Region(code=CITY_CODE, name=CITY_NAME, parent=None, level=Region.Level.CITY,
                  path=f"/{CITY_CODE}/")
    [city] = _bulk(Region, [city], lambda _: start)
    districts = [
        Region(code=spec.code, name=spec.name, parent=city, level=Region.Level.DISTRICT,
               path=f"{city.path}{spec.code}/")
        for spec in DISTRICTS
    ]
    districts = _bulk(Region, districts, lambda _: start)
    streets = [
        Region(code=code, name=name, parent=district, level=Region.Level.STREET,
               path=f"{district.path}{code}/")
        for spec, district in zip(DISTRICTS, districts, strict=True)
        for code, name in spec.streets
    ]
    streets = _bulk(Region, streets, lambda _: start)
    return city, districts, streets


def build_committees(city: Region,
                     districts: list[Region]) -> tuple[Committee, dict[str, Committee]]:
    """益阳市教育工委 and one 民办教育党委 per district under it, keyed by district code."""
    start = date(STRUCTURE_YEAR, 1, 1)
    [work_committee] = _bulk(Committee, [Committee(
        name=WORK_COMMITTEE_NAME, level=Committee.Level.WORK_COMMITTEE, region=city,
    )], lambda _: start)
    committees = _bulk(Committee, [
        Committee(name=f"{district.name}民办教育党委", level=Committee.Level.PRIVATE_EDUCATION,
                  region=district, parent=work_committee)
        for district in districts
    ], lambda _: start)
    return work_committee, {committee.region.code: committee for committee in committees}


def _institution_name(rng: random.Random, district: Region, category: str,
                      taken: set[str]) -> str:
    for _ in range(10):
        name = (f"{district.name}{rng.choice(BRANDS)}{rng.choice(SUBJECTS[category])}"
                f"{rng.choice(SUFFIXES)}")
        if name not in taken:
            return name
    campus = 2
    while f"{name}第{chinese_number(campus)}分校" in taken:
        campus += 1
    return f"{name}第{chinese_number(campus)}分校"


def build_institutions(rng: random.Random, shape: DemoShape, districts: list[Region],
                       streets: list[Region]) -> list[Institution]:
    """The training institutions, spread over the districts in seed 003's proportions."""
    counts = apportion(shape.institutions, [spec.share for spec in DISTRICTS])
    streets_of = defaultdict(list)
    for street in streets:
        streets_of[street.parent_id].append(street)
    serials = rng.sample(range(1, 10_000_000), shape.institutions)
    taken: set[str] = set()
    institutions = []
    for spec, district, count in zip(DISTRICTS, districts, counts, strict=True):
        for k in range(count):
            category = _weighted(rng, CATEGORY_WEIGHTS)
            # A few large institutions, enough members for a standalone branch among them.
            large = rng.random() < 0.04
            licence = (Institution.Licence.LICENSED_PERMITTED if large
                       else _weighted(rng, LICENCE_WEIGHTS))
            region = district
            if streets_of[district.pk] and rng.random() < 0.5:
                region = rng.choice(streets_of[district.pk])
            place = region.name if region is not district else ""
            name = _institution_name(rng, district, category, taken)
            taken.add(name)
            brand = rng.choice(BRANDS)
            founder = (f"益阳市{brand}教育咨询有限公司" if rng.random() < 0.25
                       else _person_name(rng))
            permitted = licence == Institution.Licence.LICENSED_PERMITTED
            institutions.append(Institution(
                name=name,
                credit_code=make_credit_code(serials[len(institutions)], spec.code),
                permit_no=f"教民1{spec.code}7{k + 1:07d}号" if permitted else "",
                category=category,
                licence=licence,
                region=region,
                address=(f"{CITY_NAME}{district.name}{place}{rng.choice(spec.roads)}"
                         f"{rng.randint(1, 399)}号"),
                founder=founder,
                opened_on=(_day_between(rng, date(2015, 1, 1), date(2020, 12, 31)) if large
                           else _day_between(rng, date(2015, 1, 1), date(2022, 10, 31))),
                charter_includes_party_building=large or rng.random() < 0.88,
                staff_count=rng.randint(30, 80) if large else rng.randint(3, 25),
            ))
    return _bulk(Institution, institutions, lambda i: i.opened_on)


def _by_district(institutions: list[Institution]) -> dict[str, list[Institution]]:
    grouped = defaultdict(list)
    for institution in institutions:
        grouped[_district_code(institution.region)].append(institution)
    return grouped


def _standalone_counts(total: int, institutions: list[int], branches: list[int]) -> list[int]:
    """Standalone branches per district by the D'Hondt rule, leaving each a joint branch."""
    counts = [0] * len(institutions)
    for _ in range(total):
        room = [i for i in range(len(counts)) if counts[i] < branches[i] - 1]
        best = max(room, key=lambda i: (institutions[i] / (counts[i] + 1), -i))
        counts[best] += 1
    return counts


def build_branches(rng: random.Random, shape: DemoShape, committees: dict[str, Committee],
                   institutions: list[Institution]) -> tuple[list[Branch], list[Coverage]]:
    """Standalone branches for the largest institutions, joint branches covering all the rest."""
    grouped = _by_district(institutions)
    sizes = [len(grouped[spec.code]) for spec in DISTRICTS]
    branch_counts = apportion(shape.branches, sizes, minimum=1)
    standalone_counts = _standalone_counts(shape.standalone, sizes, branch_counts)
    branches, covered = [], []
    for spec, branch_count, standalone_count in zip(DISTRICTS, branch_counts, standalone_counts,
                                                    strict=True):
        committee = committees[spec.code]
        pool = grouped[spec.code]
        largest = sorted(pool, key=lambda i: (-i.staff_count, i.credit_code))[:standalone_count]
        for institution in largest:
            founded = max(_day_between(rng, date(2022, 3, 1), date(2022, 6, 30)),
                          institution.opened_on)
            branches.append(Branch(name=f"{institution.name}党支部",
                                   kind=Branch.Kind.STANDALONE, committee=committee,
                                   founded_on=founded))
            covered.append([institution])
        # Joint branches group neighbouring institutions: same street, then same category.
        rest = sorted(set(pool) - set(largest),
                      key=lambda i: (i.region.code, i.category, i.credit_code))
        joint_count = branch_count - standalone_count
        # Pooled branches differ in size, as they grew from wherever members worked.
        weights = [rng.randint(2, 6) for _ in range(joint_count)]
        start = 0
        for number, size in enumerate(apportion(len(rest), weights, minimum=2), 1):
            branches.append(Branch(
                name=f"{spec.name}校外培训机构第{chinese_number(number)}联合党支部",
                kind=Branch.Kind.JOINT, committee=committee,
                founded_on=_day_between(rng, date(2022, 3, 1), date(2022, 6, 30)),
            ))
            covered.append(rest[start:start + size])
            start += size
    branches = _bulk(Branch, branches, lambda b: b.founded_on)
    coverages = [
        Coverage(branch=branch, institution=institution,
                 start=max(branch.founded_on, institution.opened_on))
        for branch, group in zip(branches, covered, strict=True)
        for institution in group
    ]
    return branches, _bulk(Coverage, coverages, lambda c: c.start)


def _branch_sizes(rng: random.Random, shape: DemoShape, branches: list[Branch],
                  covered: dict[int, list[Institution]]) -> list[int]:
    """Members per branch: three each, a few more in standalone branches, the rest pooled."""
    sizes = [3] * len(branches)
    extra = shape.members - 3 * len(branches)
    for i, branch in enumerate(branches):
        if branch.kind == Branch.Kind.STANDALONE:
            bonus = min(rng.randint(1, 3), extra)
            sizes[i] += bonus
            extra -= bonus
    joint = [i for i, b in enumerate(branches) if b.kind == Branch.Kind.JOINT]
    weights = [len(covered[branches[i].pk]) for i in joint]
    for i in rng.choices(joint, weights, k=extra):
        sizes[i] += 1
    return sizes


def build_members(rng: random.Random, shape: DemoShape, branches: list[Branch],
                  coverages: list[Coverage]) -> tuple[list[Member], list[Membership]]:
    """Members of each branch, employed by an institution it covers; the first is secretary."""
    covered = defaultdict(list)
    for coverage in coverages:
        covered[coverage.branch_id].append(coverage.institution)
    sizes = _branch_sizes(rng, shape, branches, covered)
    serial = defaultdict(int)
    members, plans = [], []
    for branch, size in zip(branches, sizes, strict=True):
        district = branch.committee.region.code
        # The secretary works where the branch began, so they belong from its founding day.
        earliest = min(covered[branch.pk], key=lambda i: (i.opened_on, i.credit_code))
        for k in range(size):
            serial[district] += 1
            # The secretary and a standalone branch's core three are full members.
            core = k == 0 or (k < 3 and branch.kind == Branch.Kind.STANDALONE)
            full = core or rng.random() < 0.85
            employer = earliest if k == 0 else rng.choice(covered[branch.pk])
            start = max(branch.founded_on, employer.opened_on)
            if k:
                start = min(start + timedelta(days=rng.randint(0, 45)), date(2022, 12, 31))
            joined = (_day_between(rng, date(1988, 7, 1), date(2021, 6, 30)) if full
                      else _day_between(rng, date(2022, 1, 1), start))
            gender = _weighted(rng, ((Member.Gender.FEMALE, 58), (Member.Gender.MALE, 42)))
            members.append(Member(
                number=f"DY{district}{serial[district]:05d}",
                name=_person_name(rng, gender),
                gender=gender,
                status=Member.Status.FULL if full else Member.Status.PROBATIONARY,
                joined_on=joined,
            ))
            plans.append((branch, employer, start, k == 0))
    memberships = [
        Membership(member=member, branch=branch, employer=employer, start=start,
                   is_secretary=is_secretary)
        for member, (branch, employer, start, is_secretary) in zip(members, plans, strict=True)
    ]
    starts = {id(member): membership.start for member, membership in zip(members, memberships,
                                                                           strict=True)}
    members = _bulk(Member, members, lambda m: starts[id(m)])
    return members, _bulk(Membership, memberships, lambda m: m.start)


def _new_instructor(rng: random.Random, spec: DistrictSpec, district: Region,
                    number: int) -> Instructor:
    from_bureau = rng.random() < 0.4
    return Instructor(
        number=f"ZD{spec.code}{number:05d}",
        name=_person_name(rng),
        source_type=(Instructor.SourceType.EDUCATION_BUREAU if from_bureau
                     else Instructor.SourceType.PUBLIC_SCHOOL),
        source_org=f"{spec.name}教育局" if from_bureau else rng.choice(spec.schools),
        title=rng.choice(BUREAU_TITLES if from_bureau else SCHOOL_TITLES),
        phone=_phone(rng),
        region=district,
    )


def build_instructors(rng: random.Random, shape: DemoShape, districts: list[Region],
                      institutions: list[Institution],
                      ) -> tuple[list[Instructor], list[Assignment]]:
    """Instructors of each district, each assigned to one or more of its institutions.

    Every institution has exactly one assignment holding today. In 2023 some institutions
    were handed to another instructor of the same district (轮换); nobody is left without one.
    """
    grouped = _by_district(institutions)
    sizes = [len(grouped[spec.code]) for spec in DISTRICTS]
    counts = apportion(shape.instructors, sizes, minimum=1)
    rotation_counts = apportion(shape.rotations, sizes)
    instructors, plans = [], []
    for spec, district, count in zip(DISTRICTS, districts, counts, strict=True):
        team = [_new_instructor(rng, spec, district, n) for n in range(1, count + 1)]
        instructors.extend(team)
        pool = rng.sample(grouped[spec.code], len(grouped[spec.code]))
        # Each instructor gets one institution, the rest are spread unevenly among them.
        holders = team + rng.choices(team, k=len(pool) - len(team))
        sent = {id(instructor): _day_between(rng, date(2022, 4, 1), date(2022, 9, 30))
                for instructor in team}
        plans.extend(
            (instructor, institution, max(sent[id(instructor)], institution.opened_on))
            for instructor, institution in zip(holders, pool, strict=True)
        )
    first_day = {}
    for instructor, _, start in plans:
        first_day[id(instructor)] = min(start, first_day.get(id(instructor), start))
    instructors = _bulk(Instructor, instructors, lambda i: first_day[id(i)])
    assignments = _bulk(Assignment, [
        Assignment(instructor=instructor, institution=institution, start=start)
        for instructor, institution, start in plans
    ], lambda a: a.start)
    return instructors, assignments + _rotate(rng, assignments, rotation_counts)


def _rotate(rng: random.Random, assignments: list[Assignment],
            rotation_counts: list[int]) -> list[Assignment]:
    """Hand some institutions to another instructor of the district during 2023."""
    load = defaultdict(int)
    team_of = defaultdict(dict)
    by_district = defaultdict(list)
    for assignment in assignments:
        load[assignment.instructor_id] += 1
        district = assignment.instructor.region.code
        team_of[district][assignment.instructor_id] = assignment.instructor
        by_district[district].append(assignment)
    ended, started = [], []
    for spec, wanted in zip(DISTRICTS, rotation_counts, strict=True):
        team = list(team_of[spec.code].values())
        done = 0
        for old in rng.sample(by_district[spec.code], len(by_district[spec.code])):
            if done == wanted or len(team) < 2:
                break
            if load[old.instructor_id] < 2:
                continue
            successor = rng.choice([i for i in team if i.pk != old.instructor_id])
            day = _day_between(rng, ROTATION_FIRST, ROTATION_LAST)
            old.end = day - timedelta(days=1)
            old._history_date = timezone.make_aware(datetime.combine(day, time(9)))
            load[old.instructor_id] -= 1
            load[successor.pk] += 1
            ended.append(old)
            started.append(Assignment(instructor=successor, institution=old.institution,
                                      start=day))
            done += 1
    bulk_update_with_history(ended, Assignment, ["end"], batch_size=BATCH_SIZE,
                             default_change_reason=HISTORY_REASON)
    return _bulk(Assignment, started, lambda a: a.start)


def build_pairings(rng: random.Random, shape: DemoShape, districts: list[Region],
                   branches: list[Branch]) -> tuple[list[SchoolBranch], list[Pairing]]:
    """Branches paired with public-school branches of their district (结对共建)."""
    by_district = defaultdict(list)
    for branch in branches:
        by_district[branch.committee.region.code].append(branch)
    paired_counts = apportion(shape.paired_branches,
                              [len(by_district[spec.code]) for spec in DISTRICTS])
    extra_schools = apportion(shape.school_branches - shape.paired_branches, paired_counts)
    school_branches, plans = [], []
    for spec, district, paired, extra in zip(DISTRICTS, districts, paired_counts, extra_schools,
                                             strict=True):
        if paired == 0:
            continue
        chosen = rng.sample(by_district[spec.code], paired)
        schools = rng.sample(spec.schools, len(spec.schools))
        partners = [
            SchoolBranch(school=schools[k % len(schools)],
                         name=f"第{chinese_number(k // len(schools) + 1)}党支部", region=district)
            for k in range(paired + extra)
        ]
        school_branches.extend(partners)
        # k-th pairing joins branch k mod P with school k mod S: every one is paired, no twice.
        for k in range(max(paired, len(partners))):
            branch = chosen[k % paired]
            start = max(branch.founded_on, _day_between(rng, date(2022, 5, 1), date(2022, 11, 30)))
            plans.append((branch, partners[k % len(partners)], start))
    first_day = {}
    for _, partner, start in plans:
        first_day[id(partner)] = min(start, first_day.get(id(partner), start))
    school_branches = _bulk(SchoolBranch, school_branches, lambda s: first_day[id(s)])
    pairings = _bulk(Pairing, [
        Pairing(branch=branch, school_branch=partner, start=start)
        for branch, partner, start in plans
    ], lambda p: p.start)
    return school_branches, pairings


@transaction.atomic
def build_demo_city(institutions: int = DEFAULT_INSTITUTIONS) -> DemoCity:
    """Build the whole demo city in one transaction; the same input gives the same city."""
    shape = demo_shape(institutions)
    rng = random.Random(SEED)
    city, districts, streets = build_regions()
    work_committee, committees = build_committees(city, districts)
    made = build_institutions(rng, shape, districts, streets)
    branches, coverages = build_branches(rng, shape, committees, made)
    members, memberships = build_members(rng, shape, branches, coverages)
    instructors, assignments = build_instructors(rng, shape, districts, made)
    school_branches, pairings = build_pairings(rng, shape, districts, branches)
    return DemoCity(
        shape=shape, city=city, districts=districts, streets=streets,
        work_committee=work_committee, committees=committees, institutions=made,
        branches=branches, coverages=coverages, members=members, memberships=memberships,
        instructors=instructors, assignments=assignments, school_branches=school_branches,
        pairings=pairings,
    )


def existing_demo_city() -> Region | None:
    """The demo city if it was already built (found by its region code)."""
    return Region.objects.filter(code=CITY_CODE).first()


def was_built_by_seed_demo(city: Region) -> bool:
    """Whether the city's record was created by this loader rather than by real users."""
    return city.history.filter(history_type="+", history_change_reason=HISTORY_REASON).exists()


# Demo users -----------------------------------------------------------------------------------

DEMO_USERS = (
    # username, role, region code, display name
    ("admin", User.Role.ADMIN, CITY_CODE, "刘建国"),
    ("staff", User.Role.STAFF, CITY_CODE, "陈敏"),
    *((f"staff_{spec.slug}", User.Role.STAFF, spec.code, name)
      for spec, name in zip(DISTRICTS, ("周丽", "彭涛", "曾静", "谭军", "罗芳", "胡斌"),
                            strict=True)),
    ("reviewer", User.Role.REVIEWER, CITY_CODE, "汤慧"),
    ("instructor", User.Role.INSTRUCTOR, "430903", ""),
    ("instructor_ziyang", User.Role.INSTRUCTOR, "430902", ""),
    ("instructor_yuanjiang", User.Role.INSTRUCTOR, "430981", ""),
)


@transaction.atomic
def ensure_demo_users() -> list[DemoLogin]:
    """Create the demo users that are missing; instructor users get an Instructor record."""
    logins = []
    password_hash = None
    for username, role, region_code, display_name in DEMO_USERS:
        region = Region.objects.filter(code=region_code).first()
        if region is None:
            continue
        user = User.objects.filter(username=username).first()
        if user is None:
            # One hash for the shared, published demo password: hashing is slow on purpose.
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            instructor = None
            if role == User.Role.INSTRUCTOR:
                instructor = (Instructor.objects.filter(region=region, user__isnull=True)
                              .order_by("number").first())
                display_name = instructor.name if instructor else display_name
            is_admin = role == User.Role.ADMIN
            user = User.objects.create(
                username=username, password=password_hash, role=role, region=region,
                display_name=display_name, is_staff=is_admin, is_superuser=is_admin,
            )
            if instructor is not None:
                instructor.user = user
                instructor._change_reason = HISTORY_REASON
                instructor.save(update_fields=["user"])
        logins.append(DemoLogin(username=username, role=str(User.Role(user.role).label),
                                region=user.region.name if user.region else "",
                                password=DEMO_PASSWORD))
    return logins


def demo_figures(city: Region, day: date) -> dict[str, int]:
    """The structure figures of the city as of `day`, counted from the records."""
    within = city.path
    branches = Branch.objects.filter(committee__region__path__startswith=within).active_on(day)
    kinds = branches.aggregate(
        joint=Count("pk", filter=Q(kind=Branch.Kind.JOINT)),
        standalone=Count("pk", filter=Q(kind=Branch.Kind.STANDALONE)),
    )
    memberships = Membership.objects.filter(
        branch__committee__region__path__startswith=within).holding_on(day)
    assignments = Assignment.objects.filter(
        institution__region__path__startswith=within).holding_on(day)
    pairings = Pairing.objects.filter(
        branch__committee__region__path__startswith=within).holding_on(day)
    institutions = Institution.objects.filter(region__path__startswith=within).operating_on(day)
    return {
        "institutions": institutions.count(),
        "joint": kinds["joint"],
        "standalone": kinds["standalone"],
        "members": memberships.values("member").distinct().count(),
        "secretaries": memberships.filter(is_secretary=True).values("member").distinct().count(),
        "instructors": assignments.values("instructor").distinct().count(),
        "assigned": assignments.values("institution").distinct().count(),
        "covered": Coverage.objects.filter(institution__in=institutions).holding_on(day)
        .values("institution").distinct().count(),
        "paired_branches": pairings.values("branch").distinct().count(),
        "school_branches": pairings.values("school_branch").distinct().count(),
    }
