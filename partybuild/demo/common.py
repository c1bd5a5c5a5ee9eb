"""The demo city's shape and names, and the helpers every demo builder shares.

The shape is seed 003's 2022 figures for Yiyang (益阳市), scaled by `--institutions`.
"""

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from partybuild.accounts.models import User
from partybuild.core.natural import fill_sort_keys
from partybuild.organisation.models import Institution, Member
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


def day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def weighted(rng: random.Random, choices):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights)[0]


def person_name(rng: random.Random, gender: str = "") -> str:
    gendered = GIVEN_FEMALE if gender == Member.Gender.FEMALE else GIVEN_MALE
    if not gender:
        gendered = rng.choice((GIVEN_FEMALE, GIVEN_MALE))
    surname = "欧阳" if rng.random() < 0.01 else rng.choice(SURNAMES[:-2])
    if rng.random() < 0.3:
        return surname + rng.choice(gendered)
    return surname + rng.choice(GIVEN_ANY + gendered) + rng.choice(gendered)


def phone(rng: random.Random) -> str:
    return f"1{rng.choice('35789')}{rng.randrange(10**9):09d}"


def district_code(region: Region) -> str:
    """The district a region belongs to, read from its materialised path."""
    return region.path.split("/")[2]


def bulk_with_history(model, objs: list, day_of: Callable | None = None, *, hour: int = 9,
                      by_recorder: bool = False) -> list:
    """Insert in batches with a "created" history entry dated on each record's own day at
    `hour`; work records (by_recorder) also name the user who recorded them."""
    fill_sort_keys(objs)  # bulk_create bypasses save(), which keeps the natural-order keys
    for obj in objs:
        if day_of is not None:
            obj._history_date = timezone.make_aware(datetime.combine(day_of(obj), time(hour)))
        if by_recorder:
            obj._history_user = User(pk=obj.recorded_by_id) if obj.recorded_by_id else None
    return bulk_create_with_history(objs, model, batch_size=BATCH_SIZE,
                                    default_change_reason=HISTORY_REASON)
