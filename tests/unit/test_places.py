"""Place-name correction of addresses and issuing authorities against the GB/T 2260 list."""

import pytest

from engine.layout.crosscheck import CORRECTED_SCORE, correct_places
from engine.layout.places import (
    address_heads,
    authorities,
    correct_address_head,
    correct_authority,
    starts_with_place,
)
from engine.results import FieldValue


def test_the_list_names_counties_cities_and_every_prefectures_authority():
    heads = {place.name: place.code for place in address_heads()}
    assert heads["河北省秦皇岛市海港区"] == "130302"
    assert heads["北京市东城区"] == "110101"  # a municipality has no city level
    assert heads["湖北省仙桃市"] == "429004"  # a county-level city governed by its province
    assert heads["山东省莱芜市"] == "3712"  # merged into 济南 in 2019: older licenses still print it
    named = {place.name for place in authorities()}
    assert {"河北省秦皇岛市公安局交通警察支队", "北京市公安局公安交通管理局", "上海市公安局交通警察总队"} <= named
    assert "新疆维吾尔自治区阿克苏地区公安处交通警察支队" in named  # a 地区 has an office, not a bureau


@pytest.mark.parametrize(
    ("read", "hints", "expected"),
    [
        ("河北省石家庄市浴华区南湖路190号", ["130108"], "河北省石家庄市裕华区南湖路190号"),
        ("黑龙江省哈尔松北区和平路156号", ["230109"], "黑龙江省哈尔滨市松北区和平路156号"),  # 滨市 dropped
        ("广东省广州市天可区天河路1号", ["440106"], "广东省广州市天河区天河路1号"),  # the county, not only the city
        ("河北省石家庄市裕华区南湖路190号", ["130108"], "河北省石家庄市裕华区南湖路190号"),  # right as read
        # 乔口区 and 硚口区 are the list's two spellings of one county, both one edit away: the newer wins.
        ("湖北省武汉市研口区新华路270号", ["420104"], "湖北省武汉市硚口区新华路270号"),
        # 南昌市 alone (one edit) ties 南昌市青云谱区 (three): the county, which explains more, wins.
        ("江西省南县市置云港区新兴镇李家村2组153号", ["530102", "3601"], "江西省南昌市青云谱区新兴镇李家村2组153号"),
    ],
)
def test_a_misread_address_head_becomes_the_nearest_listed_place(read, hints, expected):
    correction = correct_address_head(read, hints)
    assert correction is not None
    assert correction.text == expected


def test_an_address_head_tie_is_left_alone_without_a_hint():
    """浴华区 is one character from both 裕华区 and 新华区 of 石家庄."""
    assert correct_address_head("河北省石家庄市浴华区南湖路190号", []) is None


@pytest.mark.parametrize(
    ("read", "county", "expected"),
    [
        ("新螺泰尔自治区乌典本济市新市区桃源路219号", "650104", "新疆维吾尔自治区乌鲁木齐市新市区桃源路219号"),
        ("厦门市集美区解放路224号", "350211", "福建省厦门市集美区解放路224号"),  # the province lost
        ("重庆市九新兴镇杨树沟村4组341号", "500107", "重庆市九龙坡区新兴镇杨树沟村4组341号"),  # glare: 龙坡区
    ],
)
def test_a_county_the_id_number_names_may_be_misread_more(read, county, expected):
    correction = correct_address_head(read, [county])
    assert correction is not None and correction.text == expected
    assert correct_address_head(read, []) is None


def test_a_city_named_elsewhere_does_not_loosen_the_match():
    """A loose city head would take the county read after it (西夏区 -> 银川市 + 区)."""
    assert correct_address_head("宁夏回族自治西夏区青山镇", ["640101", "6401"]) is None


def test_an_address_is_not_moved_to_a_city_the_license_does_not_name():
    """济南市钢城区 (2019) is not on the list and is one character from 历城区: only another field may vouch."""
    assert correct_address_head("山东省济南市钢城区凤城街1号", ["510107"]) is None


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        ("上海市公安局交通警案总队", "上海市公安局交通警察总队"),
        ("北京市公安局公安交通管理周", "北京市公安局公安交通管理局"),
        ("安徽省合肥通警察支队", "安徽省合肥市公安局交通警察支队"),  # a seal line's ends lost
        ("青海省西洋市公安局之通察支队", "青海省西宁市公安局交通警察支队"),
        ("江苏省南京市公安局", "江苏省南京市公安局交通警察支队"),  # the seal's last line lost
        ("新疆维吾尔自治区乌鲁木齐市公安", "新疆维吾尔自治区乌鲁木齐市公安局交通警察支队"),
        ("黑龙江省哈东滨市公安警支", "黑龙江省哈尔滨市公安局交通警察支队"),  # misread, and its end lost
    ],
)
def test_a_misread_authority_becomes_the_nearest_listed_one(read, expected):
    correction = correct_authority(read, [])
    assert correction is not None
    assert correction.text == expected


@pytest.mark.parametrize(
    "read",
    [
        "宁业民自话区市公安局交通警察支队",  # the city lost entirely: 银川, 吴忠, 固原 or 中卫
        "市公安局通警察支队",  # no place at all
        "江苏省南京市玄武区中山路1号",  # a place followed by something that is not an authority's tail
        "江苏省南京市公安服交消家南支众",  # the tail too garbled to tell
    ],
)
def test_an_authority_too_far_from_any_listed_one_is_left_alone(read):
    assert correct_authority(read, []) is None


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        ("厦门市公安局交通警察支队", "福建省厦门市公安局交通警察支队"),
        ("大连市公安局", "辽宁省大连市公安局交通警察支队"),  # and the seal's last line lost
        ("伊春市公安局交通警察支队", "黑龙江省伊春市公安局交通警察支队"),  # not 宜春 in 江西
    ],
)
def test_an_authority_read_without_its_province_gets_it_back(read, expected):
    correction = correct_authority(read, [])
    assert correction is not None
    assert correction.text == expected


@pytest.mark.parametrize(
    "read",
    [
        "夏门市公安局交通警察支队",  # a misread city: the province is not put before it
        "厦门公安局交通警察支队",  # 市 lost as well
        "厦门市思明区中山路1号",  # a city followed by no authority's tail
    ],
)
def test_a_provinceless_authority_needs_its_city_read_whole(read):
    assert correct_authority(read, []) is None


def test_an_authority_of_a_city_another_field_names_may_be_misread_more():
    """Three of 哈尔滨's eight head characters misread: too many for any authority, enough for the ID number's city."""
    read = "国龙江省验尔运市公安局交通警察支献"
    assert correct_authority(read, []) is None
    correction = correct_authority(read, ["230108"])
    assert correction is not None
    assert correction.text == "黑龙江省哈尔滨市公安局交通警察支队"


def test_a_vouched_authority_may_have_lost_characters_of_its_head():
    """Glare took 治 and 浩特 of 内蒙古自治区呼和浩特市: the head read is three characters short, past the slack an
    unvouched match allows, and 蒙 and 自 are misread; the shared tail after it fixes where the head ends."""
    read = "内原古音区呼和市公安局交通警察支队"
    assert correct_authority(read, []) is None
    correction = correct_authority(read, ["150103"])
    assert correction is not None
    assert correction.text == "内蒙古自治区呼和浩特市公安局交通警察支队"


def test_a_vouched_authority_may_have_its_tail_misread_more():
    """The head read whole, the tail 公安局交通警察支队 five edits off: too far for any authority's tail, near enough
    for the one whose city another field names."""
    read = "青海省西宁市松安用交至及支队"
    assert correct_authority(read, []) is None
    correction = correct_authority(read, ["630102"])
    assert correction is not None
    assert correction.text == "青海省西宁市公安局交通警察支队"


def test_a_vouched_city_does_not_outweigh_an_authority_read_closer():
    """Licenses are issued outside the ID number's city too: 苏州 is two edits from 南京 and within the looser
    reach, but the seal reads 南京 exactly."""
    correction = correct_authority("江苏省南京市公安局交通警察支队", ["320506"])
    assert correction is not None
    assert correction.text == "江苏省南京市公安局交通警察支队"


def test_correct_places_fixes_both_fields_and_lowers_their_scores():
    fields = {
        "number": FieldValue("130108199001011235", 0.99, None),
        "address": FieldValue("河北省石家庄市浴华区南湖路190号", 0.95, None),
        "issuing_authority": FieldValue("河北省石家庄市公安局交通警案支队", 0.9, None),
    }
    fixed = correct_places(fields)
    assert fixed["address"].value == "河北省石家庄市裕华区南湖路190号"
    assert fixed["issuing_authority"].value == "河北省石家庄市公安局交通警察支队"
    assert fixed["address"].score == CORRECTED_SCORE
    assert fixed["number"] is fields["number"]


@pytest.mark.parametrize(
    ("address", "listed"),
    [
        ("重庆市渝北区解放路113号", True),
        ("广东省东莞市黄河路101号", True),  # a city without counties
        ("山东省青岛市区黄河路77号", False),  # the county lost to glare
        ("渝北区解放路113号", False),
    ],
)
def test_an_address_starts_with_a_listed_place_when_its_county_or_countyless_city_is_there(address, listed):
    assert starts_with_place(address) is listed
