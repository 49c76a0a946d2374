"""Validators on tables of real-format values."""

import pytest

from engine.layout.fields import (
    add_years,
    birth_from_id,
    find_dates,
    find_id_number,
    id_check_character,
    id_number_with_birth,
    is_valid_id,
    normalize_class,
    period_years,
    read_in_full,
    sex_from_id,
)


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("150402199902223122", True),
        ("11010519491231002X", True),
        ("44030519880715231X", True),
        ("150402199902223123", False),  # wrong check digit
        ("150402199913223125", False),  # month 13
        ("15040219990222312", False),  # 17 characters
    ],
)
def test_id_validity(number, valid):
    assert is_valid_id(number) is valid


def test_check_character_can_be_x():
    assert id_check_character("11010519491231002") == "X"


def test_birth_and_sex_from_id():
    assert birth_from_id("150402199902223122") == "1999-02-22"
    assert sex_from_id("150402199902223122") == "女"
    assert sex_from_id("44030519880715231X") == "男"
    assert sex_from_id("4403051988071523①X") is None  # a digit to str.isdigit, not to int()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1999-02-22", ["1999-02-22"]),
        ("出生日期1999-02-22", ["1999-02-22"]),
        ("2015-06-18至2021-06-18", ["2015-06-18", "2021-06-18"]),
        ("2015-O6-18", ["2015-06-18"]),
        ("2015年06月18日", ["2015-06-18"]),
        ("2015-02-30", []),
        ("有效期限", []),
    ],
)
def test_find_dates(text, expected):
    assert find_dates(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("证号150402199902223122", "150402199902223122"),
        ("1504 0219 9902 2231 22", "150402199902223122"),
        ("11010519491231002x", "11010519491231002X"),
        ("15O402199902223122", "150402199902223122"),
        ("证号", None),
    ],
)
def test_find_id_number(text, expected):
    assert find_id_number(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15040219993122", "150402199902223122"),  # 0222 lost from the birth part
        ("证号 1504021999022 3122", "150402199902223122"),  # one birth digit lost, the label and a space around
        ("15040219990222X3122", None),  # not short: find_id_number's
        ("150402199902223122", None),  # whole already
        ("15040219983122", None),  # 8 is no birth digit: the birth part was misread, not only lost
        ("15040219993123", None),  # the check character fails
        ("150402193122", None),  # too few birth digits read to place the region and the tail
    ],
)
def test_an_id_number_that_lost_birth_digits_is_rebuilt_from_the_printed_birth_date(text, expected):
    assert id_number_with_birth(text, "1999-02-22") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("C1", "C1"), ("CI", "C1"), ("准驾车型C1", "C1"), ("A2D", "A2D"), ("B2 E", "B2E"), ("C1E", "C1E"), ("xyz", None)],
)
def test_normalize_class(text, expected):
    assert normalize_class(text) == expected


@pytest.mark.parametrize(
    ("start", "years", "end"),
    [("2015-06-18", 6, "2021-06-18"), ("2016-02-29", 6, "2022-02-28"), ("2010-01-01", 10, "2020-01-01")],
)
def test_add_years(start, years, end):
    assert add_years(start, years) == end


@pytest.mark.parametrize(
    ("text", "years"),
    [("6年", 6), ("10年", 10), ("有效期限 6 年", 6), ("长期", None), ("2015-06-186年", 6), ("2015-06-18长期", None)],
)
def test_period_years(text, years):
    assert period_years(text) == years


@pytest.mark.parametrize(
    ("date", "text", "expected"),
    [
        ("1999-02-22", "出生日期1999-02-22", True),
        ("2015-06-18", "2015年O6月18日", True),
        ("1952-02-08", "195228", False),
        ("2025-04-16", "20254-16", False),
    ],
)
def test_a_date_is_read_in_full_only_when_no_digit_was_supplied(date, text, expected):
    assert find_dates(text) == [date]
    assert read_in_full(date, text) is expected
