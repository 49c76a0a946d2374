"""Cross-field corrections on hand-built field tables."""

import pytest

from engine.layout.crosscheck import (
    AWAY_AUTHORITY_SCORE,
    CORRECTED_SCORE,
    FIRST_CARD_BLANK_RECORD_SCORE,
    IMPOSSIBLE_SCORE,
    UNREAD_PAGE_BLANK_RECORD_SCORE,
    correct_fields,
    correct_validity,
    first_period_end,
    probation_after_first_issue,
    same_holder,
    unsure_where_out_of_order,
)
from engine.layout.fields import id_check_character, is_date
from engine.results import FieldValue


def page(**values: str) -> dict[str, FieldValue]:
    return {key: FieldValue(value, 0.99, None) for key, value in values.items()}


def values(fields: dict[str, FieldValue]) -> dict[str, str]:
    return {key: str(field.value) for key, field in fields.items()}


@pytest.mark.parametrize(
    ("read", "fixed"),
    [
        ({"valid_from": "2014-06-06", "valid_to": "2070-06-06"}, {"valid_to": "2020-06-06"}),  # 6 years, 2 as 7
        ({"valid_from": "2020-06-04", "valid_to": "2040-06-04"}, {"valid_to": "2030-06-04"}),  # 10 years
        ({"valid_from": "2021-11-23", "valid_to": "2031-11-02"}, {}),  # two digits off: left alone
        ({"valid_from": "2016-05-05", "valid_to": "2024-05-05"}, {}),  # 2022 or 2026: ambiguous, left alone
        ({"valid_from": "2022-07-07", "valid_to": "2028-07-07"}, {}),  # consistent
        ({"valid_from": "2022-07-07", "valid_to": "长期"}, {}),
    ],
)
def test_validity_period_fixes_one_digit_when_exactly_one_change_fits(read, fixed):
    corrected = correct_validity(page(**read))
    assert values(corrected) == {**read, **fixed}
    for key in fixed:
        assert corrected[key].score == CORRECTED_SCORE


def test_the_issue_dates_anniversary_tells_which_date_was_misread():
    """07-01 vs 07-07: either valid_to's day or valid_from's is wrong; the first issue's day says which."""
    read = {"valid_from": "2022-07-07", "valid_to": "2028-07-01"}
    assert values(correct_validity(page(issue_date="2016-07-07", **read)))["valid_to"] == "2028-07-07"
    assert values(correct_validity(page(issue_date="2016-07-01", **read)))["valid_from"] == "2022-07-01"
    unchanged = correct_validity(page(**read))
    assert values(unchanged) == read


def test_correct_fields_fills_birth_and_sex_on_the_main_page_only():
    number = "11010519491231002X"
    assert values(correct_fields(page(number=number), front=True))["birth"] == "1949-12-31"
    assert "birth" not in correct_fields(page(number=number), front=False)


def _valid_id(first_seventeen: str) -> str:
    return first_seventeen + id_check_character(first_seventeen)


@pytest.mark.parametrize(
    ("number", "filled"),
    [
        (_valid_id("11010519491231002"), True),  # Beijing: a resident ID, issued to citizens only
        (_valid_id("65010219800101001"), True),  # Urumqi: the last mainland province code
        (_valid_id("81000019800101001"), False),  # a Hong Kong resident's permit prints its own
        (_valid_id("91110019800101001"), False),  # a foreigner's permanent residence number
        (_valid_id("11990019800101001"), False),  # no listed region
        ("11010519491231002Y", False),  # fails the check digit
    ],
)
def test_a_lost_nationality_is_filled_only_from_a_mainland_resident_id(number, filled):
    corrected = correct_fields({"number": FieldValue(number, 0.97, None)}, front=True)
    if filled:
        assert corrected["nationality"] == FieldValue("中国", CORRECTED_SCORE, None)
    else:
        assert "nationality" not in corrected


def test_a_read_nationality_and_a_back_page_are_left_alone():
    number = _valid_id("11010519491231002")
    assert values(correct_fields(page(number=number, nationality="美国"), front=True))["nationality"] == "美国"
    assert "nationality" not in correct_fields(page(number=number), front=False)


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("2024-02-29", True),
        ("2023-02-29", False),
        ("2024-2-09", False),
        ("2024-02-0" + "9" * 30, False),  # a misread digit run: too large for the calendar, not a crash
    ],
)
def test_is_date(text, valid):
    assert is_date(text) is valid


@pytest.mark.parametrize(
    ("front_name", "back_name", "both"),
    [
        ("肖", "肖蓉轩", "肖蓉轩"),  # faint characters lost on one page
        ("许娜霞", "许娜", "许娜霞"),
        ("闫伟", "闫伟", "闫伟"),
        ("徐子雨", "铭徐子雨", "徐子雨"),  # the label's 名 misread ahead of the name on a page found off
    ],
)
def test_both_pages_of_a_license_get_the_same_name(front_name, back_name, both):
    front, back = same_holder(page(name=front_name), page(name=back_name))
    assert front["name"].value == back["name"].value == both


def test_the_more_confident_name_wins_when_neither_holds_the_other():
    front = {"name": FieldValue("薛杰珺", 0.97, None)}
    back = {"name": FieldValue("蘇杰", 0.71, None)}
    fixed_front, fixed_back = same_holder(front, back)
    assert fixed_back["name"].value == "薛杰珺"
    assert fixed_back["name"].score == CORRECTED_SCORE
    assert fixed_front["name"] is front["name"]


def test_a_valid_id_number_goes_on_both_pages_but_two_valid_ones_stay():
    valid, other_valid, invalid = "11010519491231002X", "130108199001011235", "11010519491231002Y"
    front, back = same_holder(page(number=valid), page(number=invalid))
    assert back["number"].value == valid
    front, back = same_holder(page(number=valid), page(number=other_valid))
    assert (front["number"].value, back["number"].value) == (valid, other_valid)


@pytest.mark.parametrize(
    ("record", "fixed"),
    [
        ("实习期至2022年06月0111", True),  # 日。 read as 11
        ("月湖至2022年06月01日", True),  # the head misread
        ("号42022年06月01日", True),
        ("2022年06月01日", True),  # the head and the full stop lost under glare
        ("实习期至2022年06月01日。", False),  # already the note
        ("实习期至2023年06月01日。", False),  # a note of another date stands
        ("2022年07月01日", False),  # not the date the first issue gives
        ("实习期至2022年06月01日。增驾C1E准驾车型实习期至2023年05月04日。", False),  # more than the note
        ("", False),
    ],
)
def test_a_back_page_record_near_the_probation_note_of_its_first_issue_date_is_that_note(record, fixed):
    front, back = page(issue_date="2021-06-01"), page(record=record)
    mended = probation_after_first_issue(front, back)["record"]
    assert (mended.value, mended.score) == (("实习期至2022年06月01日。", CORRECTED_SCORE) if fixed else (record, 0.99))
    assert probation_after_first_issue({}, back)["record"] is back["record"]  # no first issue date: nothing to go by


def test_a_first_cards_blank_record_lost_its_probation_note():
    back = {"record": FieldValue("", 0.9)}
    first = probation_after_first_issue(page(issue_date="2021-06-01", valid_from="2021-06-01"), back)["record"]
    assert (first.value, first.score) == ("", FIRST_CARD_BLANK_RECORD_SCORE)
    renewed = probation_after_first_issue(page(issue_date="2015-06-01", valid_from="2021-06-01"), back)["record"]
    assert renewed is back["record"]  # a renewed card's back page is blank


@pytest.mark.parametrize("end", [None, "2011-01-04", "2023-11-14"])
def test_a_first_license_whose_end_was_lost_runs_six_years(end):
    read = {"issue_date": "2023-11-14", "valid_from": "2023-11-14"} | ({"valid_to": end} if end else {})
    fixed = first_period_end(page(**read))
    assert fixed["valid_to"].value == "2029-11-14"
    assert fixed["valid_to"].score == CORRECTED_SCORE


@pytest.mark.parametrize(
    "read",
    [
        {"issue_date": "2013-11-14", "valid_from": "2019-11-14"},  # a renewal: 10 years or for life
        {"issue_date": "2023-11-14", "valid_from": "2023-11-14", "valid_to": "2033-11-14"},  # read after its start
        {"issue_date": "2023-11-14", "valid_from": "2023-11-14", "valid_to": "长期"},
        {"valid_from": "2023-11-14"},
    ],
)
def test_an_end_is_not_filled_unless_the_license_is_the_first_and_the_end_impossible(read):
    assert values(first_period_end(page(**read))) == read


def test_a_page_that_lost_the_number_or_name_gets_the_other_pages_without_a_place():
    valid, invalid = "11010519491231002X", "11010519491231002Y"
    where = ((10.0, 10.0), (90.0, 10.0), (90.0, 20.0), (10.0, 20.0))
    front = {"number": FieldValue(valid, 0.99, where), "name": FieldValue("薛杰珺", 0.95, where)}
    fixed_front, back = same_holder(front, {})
    assert (back["number"].value, back["name"].value) == (valid, "薛杰珺")
    assert back["number"].quad is None and back["number"].score == CORRECTED_SCORE
    assert fixed_front == front
    fixed_front, _ = same_holder({}, page(number=invalid))
    assert "number" not in fixed_front  # an invalid number is not copied


def test_a_number_read_valid_fixes_a_birth_date_a_digit_or_two_away_and_the_sex():
    number = "11010519491231002X"  # born 1949-12-31, female
    fixed = values(correct_fields(page(number=number, birth="1949-12-81", sex="男"), front=True))
    assert (fixed["birth"], fixed["sex"]) == ("1949-12-31", "女")
    far = correct_fields(page(number=number, birth="1950-02-21"), front=True)
    assert far["birth"].value == "1950-02-21"  # three digits away: not a misread of this number's date
    assert far["birth"].score == IMPOSSIBLE_SCORE  # but one of the two is wrong: a person should look


def test_an_invalid_number_vouches_for_nothing():
    fixed = values(correct_fields(page(number="11010519491231002Y", birth="1949-12-81"), front=True))
    assert fixed["birth"] == "1949-12-81"


def test_values_no_license_prints_are_returned_unsure():
    """Values stay as read; only their confidence says that no check vouches for them."""
    possible = correct_fields(
        page(
            number="130302199001011238",
            name="张三",
            address="河北省秦皇岛市海港区人民路33号",
            issuing_authority="河北省秦皇岛市公安局交通警察支队",
            issue_date="2006-06-24",
            record="实习期至2007年06月24日。",
        ),
        front=False,
    )
    assert {field.score for field in possible.values()} == {0.99}
    read = {
        "number": "130302199001011239",  # the check digit fails, and no single change fixes it alone
        "name": "三",
        "address": "33号人民路",
        "issuing_authority": "市公安局通警察支院",
        "issue_date": "2086-06-24",  # not yet
        "valid_from": "2087-01-02",
        "record": "实习期至2022年08月17",  # its end lost
    }
    impossible = correct_fields(page(**read), front=False)
    assert values(impossible) == read
    assert {field.score for field in impossible.values()} == {IMPOSSIBLE_SCORE}
    for record in ("2021年07月14日", "北期2023005月29日1"):  # the note's head lost, or its 年 misread
        assert correct_fields(page(record=record), front=False)["record"].score == IMPOSSIBLE_SCORE


@pytest.mark.parametrize(
    ("key", "value", "possible"),
    [
        ("address", "北京市昌平区长江路114号11幢202室", True),
        ("address", "北京市昌平区长江路114411幢202室", False),  # 号 read as 4: two numbers run together
        ("address", "内蒙古自治区包头市昆都仑区府前街38号181202号", False),  # 幢 lost
        ("address", "河南省郑州市中原区红旗街339号16幢25040室", True),  # five digits: a long room number
        ("address", "上海市黄浦区柳林镇前进村10组342", False),  # the last 号 lost
        ("address", "上海市黄浦区柳林镇前进村10组", True),
        ("file_number", "450139669862", True),  # 4501: 南宁
        ("file_number", "456139669662", False),  # 4561: no city of 广西
        ("file_number", "110039669862", False),  # 1100: the province's own code, no city
        ("file_number", "659001000123", True),  # 6590: 新疆's directly administered cities
    ],
)
def test_an_address_running_two_numbers_together_or_a_file_number_of_no_city_is_returned_unsure(key, value, possible):
    checked = correct_fields(page(**{key: value}), front=key == "address")[key]
    assert checked.value == value
    assert (checked.score == IMPOSSIBLE_SCORE) != possible


@pytest.mark.parametrize(
    ("number", "score"),
    [
        ("130302199001011238", 0.99),  # the page read well: its record rows are blank
        ("130302199001011239", UNREAD_PAGE_BLANK_RECORD_SCORE),  # check digit fails
        (None, UNREAD_PAGE_BLANK_RECORD_SCORE),  # no number read at all
    ],
)
def test_a_blank_record_is_as_sure_as_the_page_was_read(number, score):
    read = page(name="张三", record="") | ({} if number is None else page(number=number))
    record = correct_fields(read, front=False)["record"]
    assert (record.value, record.score) == ("", score)


def test_a_record_read_is_not_touched_by_the_number():
    record = correct_fields(page(record="实习期至2007年06月24日。"), front=False)["record"]
    assert record.score == 0.99


def _scored(**read: tuple[str, float]) -> dict[str, FieldValue]:
    return {key: FieldValue(value, score, None) for key, (value, score) in read.items()}


@pytest.mark.parametrize(
    ("read", "unsure"),
    [
        # A validity start a digit before its first issue (5 for 6): it and the row's end are the less sure.
        (
            {"issue_date": ("2024-06-01", 0.99), "valid_from": ("2024-05-01", 0.91), "valid_to": ("2030-05-01", 0.91)},
            {"valid_from", "valid_to"},
        ),
        # The first issue is the less sure: the row stands.
        (
            {"issue_date": ("2024-07-01", 0.9), "valid_from": ("2024-06-01", 0.99), "valid_to": ("2030-06-01", 0.99)},
            {"issue_date"},
        ),
        # A license first issued before its holder was born.
        ({"birth": ("1972-07-13", 0.99), "issue_date": ("1912-07-07", 0.95)}, {"issue_date"}),
        ({"birth": ("1990-01-01", 0.99), "issue_date": ("1990-01-01", 0.95)}, {"issue_date"}),
        # In order: a renewal starts after its first issue, a first license on it.
        ({"birth": ("1990-01-01", 0.99), "issue_date": ("2010-03-04", 0.95), "valid_from": ("2010-03-04", 0.9)}, set()),
        ({"issue_date": ("2010-03-04", 0.95), "valid_from": ("2016-03-04", 0.9)}, set()),
        # Not dates: nothing to order.
        ({"issue_date": ("2010-03-04", 0.95), "valid_from": ("2010-0", 0.9)}, set()),
    ],
)
def test_of_two_dates_out_of_order_the_less_sure_is_returned_unsure(read, unsure):
    checked = unsure_where_out_of_order(_scored(**read))
    assert values(checked) == {key: value for key, (value, _) in read.items()}
    assert {key for key, field in checked.items() if field.score <= IMPOSSIBLE_SCORE} == unsure


@pytest.mark.parametrize(
    ("seal", "address", "score"),
    [
        # The seal's city misread and mended to one the address does not name: a person should look.
        ("湖北省卖昌市公安局交修积支", "河北省秦皇岛市山海关区南京路151号", AWAY_AUTHORITY_SCORE),
        ("山西临市公安局交通警额支队", "山西省太原市小店区红旗街136号", AWAY_AUTHORITY_SCORE),
        # Mended to the address's city, or only its tail mended: the usual cap of a correction.
        ("山西省太原市公安局交通警额支队", "山西省太原市小店区红旗街136号", CORRECTED_SCORE),
        ("江苏省南京市公安局", "江苏省苏州市姑苏区体育路79号", CORRECTED_SCORE),  # issued away from home, read so
        ("北京市公安局公安交通管理局", "北京市朝阳区建国路1号", 0.99),
    ],
)
def test_a_seal_mended_to_a_city_the_address_does_not_name_is_returned_unsure(seal, address, score):
    fields = correct_fields(page(number="140105200604066292", issuing_authority=seal, address=address), front=True)
    assert fields["issuing_authority"].score == score
