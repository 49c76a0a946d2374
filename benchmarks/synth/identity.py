"""Made-up license holders and their licenses: names, ID numbers, addresses, authorities, classes and dates.

Every value is consistent the way a real license is: the ID number carries the birth date, sex parity and a GB 11643
check digit; the issuing authority is the address's city; birth < issue_date <= valid_from < valid_to. No real person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

import numpy as np

from benchmarks.synth.regions import REGIONS, Region

Layout = Literal["old", "new"]
T = TypeVar("T")

# Fixed "today" so labels never depend on when the generator runs: the card in hand is the current one on this date.
REFERENCE_DATE = dt.date(2025, 6, 30)
EARLIEST_ISSUE = dt.date(1995, 1, 1)
MIN_DRIVING_AGE = 18
# The first license runs 6 years, the renewal 10, the next one for life (道路交通安全法实施条例 第二十六条).
VALIDITY_CHAIN: tuple[int | None, ...] = (6, 10, None)
PROBATION_YEARS = 1  # 实习期: the 12 months after first issue (实施条例 第二十二条)
# The new print (both dates, `A 至 B`) replaced the old one (`有效起始日期` + `N年`) around 2013; stock overlapped.
NEW_LAYOUT_YEAR = 2013
OLD_LAYOUT_SHARE_BEFORE = 0.8
OLD_LAYOUT_SHARE_AFTER = 0.3
EARLIER_CARD_SHARE = 0.2  # sometimes the photographed card is an expired earlier one

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"

# 准驾车型 with rough shares among license holders: C1 dominates, then C2, then the professional A/B classes.
CLASS_WEIGHTS: dict[str, float] = {
    "C1": 46, "C2": 16, "B2": 6, "A2": 4, "A1": 3, "C1E": 3, "B1": 2, "C1D": 1.5, "A2D": 1, "B2E": 1, "A3": 1,
    "C3": 1, "C4": 1, "D": 1, "E": 1, "C2E": 0.5, "B1E": 0.5, "A1D": 0.5, "C5": 0.5, "C6": 0.5, "F": 0.4,
    "M": 0.3, "N": 0.3, "P": 0.3,
}  # fmt: skip
CLASS_VOCABULARY = ("A1", "A2", "A3", "B1", "B2", "C1", "C2", "C3", "C4", "C5", "C6", "D", "E", "F", "M", "N", "P")

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪"
    "范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
DOUBLE_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "慕容")
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉鹏飞宇浩然子涵欣怡梓轩思雨晨博雅婷俊杰志强海燕春梅"
    "晓东丹凤佳琪嘉怡佩玲瑞雪世豪天佑永福德胜振兴家乐宏伟倩颖蕾璐琳瑶琦琴婉蓉晶莹彬斌炜烨昊昕晗煜锦鑫"
)
# Rare characters that real names carry and OCR dictionaries miss; every font the generator uses has them.
RARE_GIVEN_CHARS = "堃喆赟燚犇淼昇翀彧玥琤昳旻頔琍珺婕曌嫣甄骞"
RARE_NAME_SHARE = 0.12

STREETS = (
    "人民路",
    "解放路",
    "中山路",
    "建设路",
    "和平路",
    "新华路",
    "胜利路",
    "朝阳路",
    "长江路",
    "黄河路",
    "文化路",
    "光明街",
    "幸福街",
    "迎宾大道",
    "世纪大道",
    "北京路",
    "南京路",
    "青年路",
    "工农路",
    "友谊路",
    "红旗街",
    "民主路",
    "滨河路",
    "学府路",
    "科技园路",
    "花园街",
    "东风路",
    "西湖路",
    "府前街",
    "体育路",
    "滨海大道",
    "南湖路",
    "桃源路",
    "太平街",
)
COMMUNITIES = (
    "阳光小区",
    "锦绣花园",
    "翠苑小区",
    "华庭家园",
    "金色家园",
    "幸福里",
    "丽景苑",
    "碧水湾",
    "书香门第",
    "时代广场",
    "新城花园",
    "紫荆苑",
    "明珠花园",
    "东方名城",
    "绿地世纪城",
    "康乐小区",
    "职工宿舍",
    "教师新村",
)
TOWNS = ("城关", "新兴", "永安", "太平", "长寿", "双河", "柳林", "石桥", "白马", "青山")
VILLAGES = ("大王庄", "李家", "前进", "东升", "红星", "后营", "南关", "张家湾", "小河", "杨树沟")


@dataclass(frozen=True)
class Person:
    """A made-up license holder. `birth_region` is where the ID was issued, `home` where they live now."""

    name: str
    sex: Literal["男", "女"]
    birth: dt.date
    id_number: str
    birth_region: Region
    home: Region
    address: str


@dataclass(frozen=True)
class License:
    """One license as printed, with what the electronic version adds. `validity_years` None means 长期."""

    person: Person
    nationality: str
    issue_date: dt.date
    license_class: str
    valid_from: dt.date
    validity_years: int | None
    layout: Layout
    authority: str
    file_number: str
    record: str
    accumulated_scores: str
    status: tuple[str, ...]
    generation_date: dt.date
    current_time: dt.datetime

    @property
    def valid_to(self) -> str:
        """The API's valid_to: valid_from + N years on the same month and day, or 长期."""
        if self.validity_years is None:
            return "长期"
        return add_years(self.valid_from, self.validity_years).isoformat()


def add_years(day: dt.date, years: int) -> dt.date:
    """Same month and day N years on; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def id_check_digit(first17: str) -> str:
    """GB 11643-1999 check character of the first 17 digits: weighted sum mod 11 mapped through 10X98765432."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def make_id_number(region: Region, birth: dt.date, sex: str, rng: np.random.Generator) -> str:
    """18-character citizen ID: region, birth date, a sequence whose last digit is odd for men, check digit."""
    sequence = int(rng.integers(0, 100)) * 10 + int(rng.choice((1, 3, 5, 7, 9) if sex == "男" else (0, 2, 4, 6, 8)))
    first17 = f"{region.code}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_digit(first17)


def random_license(rng: np.random.Generator) -> License:
    """A consistent made-up license drawn from `rng`; the same generator state gives the same license."""
    person = random_person(rng)
    first_issue_earliest = max(add_years(person.birth, MIN_DRIVING_AGE), EARLIEST_ISSUE)
    latest = REFERENCE_DATE - dt.timedelta(days=60)
    issue_date = _random_date(rng, first_issue_earliest, latest)
    if issue_date.month == 2 and issue_date.day == 29:
        issue_date = issue_date.replace(day=28)  # keeps "same month and day N years later" exact
    period = _current_period(issue_date)
    if period > 0 and rng.random() < EARLIER_CARD_SHARE:
        period -= 1
    valid_from = add_years(issue_date, sum(years or 0 for years in VALIDITY_CHAIN[:period]))
    old_share = OLD_LAYOUT_SHARE_BEFORE if valid_from.year < NEW_LAYOUT_YEAR else OLD_LAYOUT_SHARE_AFTER
    probation_end = add_years(issue_date, PROBATION_YEARS)
    record = f"实习期至{probation_end:%Y年%m月%d日}。" if period == 0 else ""
    generation_date = _random_date(rng, valid_from, REFERENCE_DATE)
    current_time = dt.datetime.combine(
        _random_date(rng, generation_date, REFERENCE_DATE), dt.time(0, 0)
    ) + dt.timedelta(seconds=int(rng.integers(7 * 3600, 23 * 3600)))
    return License(
        person=person,
        nationality="中国",
        issue_date=issue_date,
        license_class=_pick_weighted(rng, CLASS_WEIGHTS),
        valid_from=valid_from,
        validity_years=VALIDITY_CHAIN[period],
        layout="old" if rng.random() < old_share else "new",
        authority=person.home.authority,
        file_number=person.home.code[:4] + "".join(str(int(d)) for d in rng.integers(0, 10, 8)),
        record=record,
        accumulated_scores=str(int(rng.choice((0, 0, 0, 0, 0, 0, 1, 2, 3, 6, 9)))),
        status=_pick(rng, (("正常",),) * 8 + (("逾期未审验",), ("超分",), ("正常", "逾期未换证"))),
        generation_date=generation_date,
        current_time=current_time,
    )


def random_person(rng: np.random.Generator) -> Person:
    sex: Literal["男", "女"] = "男" if rng.random() < 0.55 else "女"
    birth = _random_date(rng, dt.date(1950, 1, 1), add_years(REFERENCE_DATE, -MIN_DRIVING_AGE - 1))
    home = _pick(rng, REGIONS)
    birth_region = home if rng.random() < 0.7 else _pick(rng, REGIONS)
    return Person(
        name=random_name(rng),
        sex=sex,
        birth=birth,
        id_number=make_id_number(birth_region, birth, sex, rng),
        birth_region=birth_region,
        home=home,
        address=home.full_name + random_street_address(rng),
    )


def random_name(rng: np.random.Generator) -> str:
    surname = _pick(rng, DOUBLE_SURNAMES) if rng.random() < 0.04 else _pick(rng, SURNAMES)
    given_length = 1 if rng.random() < 0.3 else 2
    given = [_pick(rng, GIVEN_CHARS) for _ in range(given_length)]
    if rng.random() < RARE_NAME_SHARE:
        given[-1] = _pick(rng, RARE_GIVEN_CHARS)
    return surname + "".join(given)


def random_street_address(rng: np.random.Generator) -> str:
    """The part after the district: short (`人民路33号`) to long enough to wrap on the card."""
    number = int(rng.integers(1, 400))
    kind = int(rng.integers(0, 5))
    if kind == 0:
        return f"{_pick(rng, STREETS)}{number}号"
    if kind == 1:
        return f"{_pick(rng, TOWNS)}镇{_pick(rng, VILLAGES)}村{int(rng.integers(1, 12))}组{number}号"
    building, unit, room = int(rng.integers(1, 30)), int(rng.integers(1, 6)), int(rng.integers(1, 33)) * 100
    room += int(rng.integers(1, 5))
    if kind == 2:
        return f"{_pick(rng, STREETS)}{number}号{_pick(rng, COMMUNITIES)}{building}栋{unit}单元{room}室"
    if kind == 3:
        return f"{_pick(rng, STREETS)}{number}号院{building}号楼{unit}门{room}号"
    return f"{_pick(rng, STREETS)}{number}号{building}幢{room}室"


def _current_period(issue_date: dt.date) -> int:
    """Index into VALIDITY_CHAIN of the period that holds REFERENCE_DATE."""
    start, period = issue_date, 0
    for period, years in enumerate(VALIDITY_CHAIN):
        if years is None or add_years(start, years) > REFERENCE_DATE:
            return period
        start = add_years(start, years)
    return period


def _random_date(rng: np.random.Generator, first: dt.date, last: dt.date) -> dt.date:
    span = max((last - first).days, 0)
    return first + dt.timedelta(days=int(rng.integers(0, span + 1)))


def _pick(rng: np.random.Generator, items: Sequence[T]) -> T:
    return items[int(rng.integers(0, len(items)))]


def _pick_weighted(rng: np.random.Generator, weights: dict[str, float]) -> str:
    names = list(weights)
    shares = np.array([weights[name] for name in names], dtype=np.float64)
    return names[int(rng.choice(len(names), p=shares / shares.sum()))]
