"""The card-space parser on hand-built lines in card millimetres (no images): characters go to the zone that holds
them, so labels read with their values drop out, and every print layout comes out in the API's normalized form."""

import itertools
from dataclasses import replace

import pytest

from engine.layout.card_fields import (
    BLANK_RECORD_SCORE,
    LOST_CHARACTERS_SCORE,
    UNLISTED_SURNAME_SCORE,
    UNREAD_RECORD_SCORE,
    parse_back_card,
    parse_front_card,
)
from engine.layout.fields import PADDED_DATE_SCORE
from engine.layout.row_offset import RowOffset
from engine.results import TextLine
from tests.rendering import FRONT_PAGE_FIELDS


def line(text: str, x0: float, x1: float, y: float, height: float = 3.5) -> TextLine:
    """A line whose characters spread evenly over x0..x1, centred on y (card millimetres)."""
    quad = ((x0, y - height / 2), (x1, y - height / 2), (x1, y + height / 2), (x0, y + height / 2))
    return TextLine(text=text, score=0.99, quad=quad)


NEW_FRONT = [
    line("车驾驶证", 56.0, 80.0, 5.3),
    line("150402199902223122", 35.0, 72.0, 12.4),
    line("谢乐桃", 11.0, 24.0, 17.9),
    line("女", 48.0, 51.5, 17.9),
    line("中国", 66.5, 74.0, 17.9),
    line("内蒙古自治区赤峰市33号", 13.5, 52.0, 23.7),
    line("1999-02-22", 36.0, 58.0, 35.1),
    line("2015-06-18", 41.0, 62.0, 41.4),
    line("C1", 44.0, 52.0, 47.5),
    line("2015-06-18至2021-06-18", 18.0, 64.0, 53.8),
    line("河北省秦皇", 4.0, 21.0, 36.0),
    line("岛市公安局", 4.0, 21.0, 42.0),
    line("交通警察支队", 4.0, 21.0, 48.0),
]


def test_new_print_main_page_reads_every_field():
    fields = parse_front_card(NEW_FRONT)
    assert {key: value.value for key, value in fields.items()} == FRONT_PAGE_FIELDS


def test_zones_move_with_the_rows_offset():
    """A frame found too tall lifts the bottom rows: the validity row 2.8 mm up sits on the class zone's edge."""
    offset = RowOffset(level=-1.4, slope=-0.06)  # -2.8 mm at the validity row, ~0 at the number
    lifted = [line(tl.text, *_ends(tl), _centre_y(tl) + offset.at(_centre_y(tl))) for tl in NEW_FRONT]
    fields = parse_front_card(lifted, offset)
    assert {key: value.value for key, value in fields.items()} == FRONT_PAGE_FIELDS


def _ends(text_line: TextLine) -> tuple[float, float]:
    return text_line.quad[0][0], text_line.quad[1][0]


def _centre_y(text_line: TextLine) -> float:
    return (text_line.quad[0][1] + text_line.quad[3][1]) / 2


def test_label_read_with_its_value_drops_out_by_position():
    merged = [tl for tl in NEW_FRONT if tl.text != "谢乐桃"] + [line("娃名谢乐桃", 4.3, 24.0, 17.9)]
    assert parse_front_card(merged)["name"].value == "谢乐桃"  # the misread label 娃名 sits left of the name zone


def test_old_print_period_in_years_and_long_term():
    old = [tl for tl in NEW_FRONT if not tl.text.startswith("2015-06-18至")]
    in_years = parse_front_card([*old, line("2015-06-18有效期限6年", 20.0, 60.0, 53.8)])
    assert (in_years["valid_from"].value, in_years["valid_to"].value) == ("2015-06-18", "2021-06-18")
    assert in_years["valid_to"].quad is None  # computed, not printed
    long_term = parse_front_card([*old, line("2015-06-18至长期", 18.0, 50.0, 53.8)])
    assert long_term["valid_to"].value == "长期"


def test_wrapped_address_joins_its_second_line_from_the_margin():
    wrapped = [tl for tl in NEW_FRONT if not tl.text.startswith("内蒙古")]
    wrapped += [line("内蒙古自治区赤峰市红山区长青街道", 13.5, 84.0, 23.7), line("33号", 4.5, 12.0, 29.6)]
    assert parse_front_card(wrapped)["address"].value == "内蒙古自治区赤峰市红山区长青街道33号"


def test_a_door_misread_across_the_address_wrap_is_restored():
    others = [tl for tl in NEW_FRONT if not tl.text.startswith("内蒙古")]
    as_ding = [*others, line("重庆市九龙坡区友谊路246号院3号楼4丁16", 13.5, 86.0, 23.7), line("02号", 4.5, 12.0, 29.6)]
    assert parse_front_card(as_ding)["address"].value == "重庆市九龙坡区友谊路246号院3号楼4门1602号"
    first_line = line("河北省廊坊市广阳区北京路321号院7号楼", 13.5, 80.0, 23.7)
    as_17 = [*others, first_line, line("2172503号", 4.5, 30.0, 29.6)]
    assert parse_front_card(as_17)["address"].value == "河北省廊坊市广阳区北京路321号院7号楼2门2503号"
    plain = [*others, line("河北省廊坊市广阳区北京路321号院7号楼2单元1702室", 13.5, 86.0, 23.7)]
    assert parse_front_card(plain)["address"].value == "河北省廊坊市广阳区北京路321号院7号楼2单元1702室"


def test_dotted_underline_and_english_label_words_never_reach_values():
    noisy = [tl for tl in NEW_FRONT if tl.text not in ("中国", "内蒙古自治区赤峰市33号")]
    noisy += [line("ality中国", 63.0, 74.0, 17.9), line("内蒙古自治区赤峰市33号...", 13.5, 58.0, 23.7)]
    fields = parse_front_card(noisy)
    assert (fields["nationality"].value, fields["address"].value) == ("中国", "内蒙古自治区赤峰市33号")


def test_the_nationality_label_read_with_its_value_is_no_part_of_it():
    # A frame a label's width off puts 国籍 into the nationality zone with the value.
    shifted = [tl for tl in NEW_FRONT if tl.text != "中国"] + [line("国籍中国", 66.5, 80.0, 17.9)]
    nationality = parse_front_card(shifted)["nationality"]
    assert nationality.value == "中国"
    assert nationality.quad is not None and nationality.quad[0][0] > 73.0  # its box starts past the label's 籍
    label_end = [tl for tl in NEW_FRONT if tl.text != "中国"] + [line("籍中国", 66.5, 76.0, 17.9)]
    assert parse_front_card(label_end)["nationality"].value == "中国"
    label_only = [tl for tl in NEW_FRONT if tl.text != "中国"] + [line("国籍", 66.5, 71.5, 17.9)]
    assert "nationality" not in parse_front_card(label_only)


BACK = [
    line("驾驶证副页", 56.0, 80.0, 5.3),
    line("150402199902223122", 16.0, 52.0, 11.9),
    line("谢乐桃", 12.0, 24.0, 17.6),
    line("150402123456", 55.5, 80.0, 17.6),
]


def test_back_page_with_a_record_keeps_its_full_width_stop():
    fields = parse_back_card([*BACK, line("实习期至2016年06月17日。", 12.5, 60.0, 23.6)])
    assert {key: value.value for key, value in fields.items()} == {
        "number": "150402199902223122",
        "name": "谢乐桃",
        "file_number": "150402123456",
        "record": "实习期至2016年06月17日。",
    }


def test_blank_record_rows_give_an_empty_record_not_the_ruling():
    blank = parse_back_card(BACK)["record"]
    assert (blank.value, blank.score) == ("", BLANK_RECORD_SCORE)
    assert parse_back_card([*BACK, line("1022520722277", 12.5, 60.0, 23.6)])["record"].value == ""


def test_digits_alone_on_the_record_rows_leave_the_record_empty_but_unsure():
    """A probation note blurred past its Chinese reads as its date's digits: no record can be told from them, and
    the rows are not known to be blank either."""
    record = parse_back_card([*BACK, line("202305919", 30.0, 52.0, 23.6)])["record"]
    assert (record.value, record.score) == ("", UNREAD_RECORD_SCORE)


def test_the_record_label_moved_into_its_row_is_no_record():
    """A frame a few millimetres off moves 记录's last character into the record row: alone it is a blank row, and
    before a record it is not part of it."""
    assert parse_back_card([*BACK, line("录", 10.6, 13.6, 23.6)])["record"].value == ""
    printed = line("录实习期至2016年06月17日。", 10.6, 63.0, 23.6)
    assert parse_back_card([*BACK, printed])["record"].value == "实习期至2016年06月17日。"


def test_label_ends_inside_the_name_strip_are_dropped():
    """A card found a millimetre off lets 名 (of 姓名) or 档 (of 档案编号) into the name's zone."""
    front = [tl for tl in NEW_FRONT if tl.text != "谢乐桃"] + [line("名谢乐桃", 10.5, 24.0, 17.9)]
    assert parse_front_card(front)["name"].value == "谢乐桃"
    back = [line("谢乐桃档", 10.5, 42.0, 17.6)]
    assert parse_back_card(back)["name"].value == "谢乐桃"
    only_label = [line("名", 10.5, 14.0, 17.6)]
    assert parse_back_card(only_label)["name"].value == "名"  # never emptied to nothing


def test_the_rule_under_an_address_read_as_one_is_dropped():
    with_rule = [tl for tl in NEW_FRONT if not tl.text.startswith("内蒙古")] + [
        line("内蒙古自治区赤峰市33号一", 13.5, 56.0, 23.7)
    ]
    assert parse_front_card(with_rule)["address"].value == "内蒙古自治区赤峰市33号"
    inside = [tl for tl in NEW_FRONT if not tl.text.startswith("内蒙古")] + [line("北京市东城区一号", 13.5, 50.0, 23.7)]
    assert parse_front_card(inside)["address"].value == "北京市东城区一号"  # a real 一 stays


def test_a_name_starting_where_its_second_character_would_is_flagged_unsure():
    """Names start at their zone's edge; one whose first character stands a character or two further in lost the
    one before it (a surname under glare). The value is kept, its confidence capped."""
    whole = parse_front_card(NEW_FRONT)["name"]
    late = [tl for tl in NEW_FRONT if tl.text != "谢乐桃"] + [line("乐桃", 16.0, 24.0, 17.9)]
    flagged = parse_front_card(late)["name"]
    assert (whole.value, flagged.value) == ("谢乐桃", "乐桃")
    assert whole.score > 0.9 and flagged.score <= 0.3
    assert parse_back_card([line("乐桃", 16.0, 24.0, 17.6)])["name"].score <= 0.3
    assert parse_back_card([line("谢乐桃", 10.5, 24.0, 17.6)])["name"].score > 0.9


@pytest.mark.parametrize(
    ("name", "flagged"),
    [
        ("工刚", True),  # 丁 misread: 工 is no surname
        ("日伟", True),
        ("丁刚", False),
        ("欧阳明", False),  # a two-character surname
        ("热依拉·艾力", False),  # a transliterated name has none
        ("扎西", False),
    ],
)
def test_a_name_that_starts_with_no_listed_surname_is_returned_unsure(name, flagged):
    front = parse_front_card([tl for tl in NEW_FRONT if tl.text != "谢乐桃"] + [line(name, 11.0, 24.0, 17.9)])
    back = parse_back_card([line(name, 10.5, 24.0, 17.6)])
    for read in (front["name"], back["name"]):
        assert read.value == name
        assert (read.score <= UNLISTED_SURNAME_SCORE) == flagged


def test_an_address_with_characters_skipped_in_a_row_is_returned_unsure():
    others = [tl for tl in NEW_FRONT if not tl.text.startswith("内蒙古")]
    pitch = 2.8  # 0.8 line heights, as printed
    end = 13.5 + 13 * pitch
    whole = parse_front_card([*others, line("四川省成都市龙泉驿区柳林镇", 13.5, end, 23.7)])["address"]
    # 柳林 lost under glare: the characters either side keep their printed places, three pitches apart.
    skipped = [line("四川省成都市龙泉驿区", 13.5, 13.5 + 10 * pitch, 23.7), line("镇", end - pitch, end, 23.7)]
    flagged = parse_front_card([*others, *skipped])["address"]
    assert whole.value == "四川省成都市龙泉驿区柳林镇" and whole.score > 0.9
    assert flagged.value == "四川省成都市龙泉驿区镇" and flagged.score <= 0.3


def printed(text: str, x0: float, y: float, height: float = 3.5) -> TextLine:
    """A line as printed: Chinese characters 0.67 line heights wide, digits half that, each character read where it
    stands (char_positions)."""
    widths = [height * (0.335 if character.isdigit() else 0.67) for character in text]
    edges = [0.0, *itertools.accumulate(widths)]
    line_width = edges[-1]
    positions = tuple((left + width / 2) / line_width for left, width in zip(edges, widths, strict=False))
    read = line(text, x0, x0 + line_width, y, height)
    return replace(read, char_positions=positions)


@pytest.mark.parametrize(
    ("read", "flagged"),
    [
        ("安徽省合肥市包河区长江路292号", False),
        ("安徽省合肥市包河区长江路29号", True),  # the last 2 lost: 9 and 号 stand a digit too far apart
    ],
)
def test_an_address_with_a_digit_skipped_is_returned_unsure(read, flagged):
    others = [tl for tl in NEW_FRONT if not tl.text.startswith("内蒙古")]
    printed_line = printed("安徽省合肥市包河区长江路292号", 13.5, 23.7)
    # The reading keeps the printed places of the characters it holds: those before the loss, then the rest.
    lost = next((i for i, (a, b) in enumerate(zip(read, printed_line.text, strict=False)) if a != b), len(read))
    kept = list(range(lost)) + list(range(len(printed_line.text) - (len(read) - lost), len(printed_line.text)))
    positions = tuple(printed_line.char_positions[index] for index in kept)
    address = parse_front_card([*others, replace(printed_line, text=read, char_positions=positions)])["address"]
    assert address.value == read
    assert (address.score <= LOST_CHARACTERS_SCORE) == flagged


def test_a_wrapped_address_whose_first_row_ends_short_is_returned_unsure():
    others = [tl for tl in NEW_FRONT if not tl.text.startswith("内蒙古")]
    second_row = printed("401号", 4.5, 29.6, height=5.0)
    whole = [printed("广东省广州市越秀区西湖路164号院8号楼4门", 13.5, 23.7, height=5.0), second_row]
    # 院8号楼4门 lost to glare: the printer would not have wrapped a first row ending that far short.
    cut = [printed("广东省广州市越秀区西湖路164号", 13.5, 23.7, height=5.0), second_row]
    read_whole, read_cut = (parse_front_card([*others, *rows])["address"] for rows in (whole, cut))
    assert read_whole.value == "广东省广州市越秀区西湖路164号院8号楼4门401号" and read_whole.score > 0.9
    assert read_cut.value == "广东省广州市越秀区西湖路164号401号" and read_cut.score <= LOST_CHARACTERS_SCORE
    # Alone, a row that short is a whole address, also with the rule under it read as 一 a little low.
    rule = line("一", 13.5, 20.0, 27.5)
    for rows in ([cut[0]], [cut[0], rule]):
        alone = parse_front_card([*others, *rows])["address"]
        assert alone.value == "广东省广州市越秀区西湖路164号" and alone.score > 0.9


def test_a_gap_in_an_unlisted_place_head_is_left_to_the_place_list():
    others = [tl for tl in NEW_FRONT if not tl.text.startswith("内蒙古")]
    pitch, end = 2.8, 13.5 + 13 * 2.8
    # 市龙泉 lost: the head names no listed county, so correct_places may mend it and the score is not capped here.
    in_head = [line("四川省成都", 13.5, 13.5 + 5 * pitch, 23.7), line("驿区柳林镇", end - 5 * pitch, end, 23.7)]
    address = parse_front_card([*others, *in_head])["address"]
    assert address.value == "四川省成都驿区柳林镇" and address.score > 0.9


def test_a_date_padded_from_a_one_digit_month_or_day_is_returned_unsure():
    others = [tl for tl in NEW_FRONT if tl.text != "1999-02-22" and "至" not in tl.text]
    # The month's separators washed out with its first digit: 1999-02-22 read 199922, which parses as 1999-02-02.
    fields = parse_front_card([*others, line("199922", 36.0, 50.0, 35.1), line("2015-6-18至2021-06-18", 18, 64, 53.8)])
    assert fields["birth"].value == "1999-02-02" and fields["birth"].score <= 0.3
    assert fields["valid_from"].value == "2015-06-18" and fields["valid_from"].score <= 0.3
    assert fields["valid_to"].value == "2021-06-18" and fields["valid_to"].score > 0.9
    assert parse_front_card(NEW_FRONT)["birth"].score > 0.9


@pytest.mark.parametrize(
    ("row", "read"),
    [
        ("2015-06-18", "2015-06-18"),
        ("015-06-18", "2015-06-18"),  # the year's 2 lost: 0 after it only follows 2
        ("日975.06.18", "1975-06-18"),  # a 9 first only follows 1
        ("215-06-18", None),  # a later digit lost (2015? 2105?): no guess
        ("100-06-18", None),  # not 2100: 2010 lost its 1
        ("086-10-17", None),  # 2086 is yet to come: more than a digit was lost
    ],
)
def test_a_first_issue_date_whose_year_lost_its_first_digit_is_mended_unsure(row, read):
    others = [tl for tl in NEW_FRONT if tl.text != "2015-06-18"]
    issued = parse_front_card([*others, line(row, 41.0, 62.0, 41.4)]).get("issue_date")
    assert (issued and issued.value) == read
    if issued is not None:
        assert (issued.score <= PADDED_DATE_SCORE) == (row != read)


@pytest.mark.parametrize(
    ("row", "start"),
    [
        ("2015-062021-06-18", "2015-06-18"),  # 2015-06 and 6 years before the end: its day is the end's
        ("2011-062021-06-18", "2011-06-18"),  # a 10-year period
        ("2016-062021-06-18", None),  # no period puts the start in the month the row shows
    ],
)
def test_a_validity_start_that_lost_its_day_into_the_end_is_taken_from_the_end_unsure(row, start):
    others = [tl for tl in NEW_FRONT if "至" not in tl.text]
    # Read from the start, the row would give 2015-06-20: the end's year taken for the start's day.
    fields = parse_front_card([*others, line(row, 18, 64, 53.8)])
    assert fields["valid_to"].value == "2021-06-18" and fields["valid_to"].score > 0.9
    if start is None:
        assert "valid_from" not in fields
    else:
        assert fields["valid_from"].value == start and fields["valid_from"].score <= 0.3


@pytest.mark.parametrize("end", ["2021-06-18", "长期"])
def test_each_validity_date_is_scored_and_boxed_by_its_own_characters(end):
    """A start read sure and an end read unsure (glare over the row's right half): the start keeps its score, and each
    date's box spans its own characters, so a location drawn for one does not cover the other."""
    others = [tl for tl in NEW_FRONT if "至" not in tl.text]
    text = f"2015-06-18至{end}"
    scores = (0.99,) * 11 + (0.4,) * len(end)
    row = replace(line(text, 18.0, 64.0, 53.8), char_scores=scores)
    fields = parse_front_card([*others, row])
    start, stop = fields["valid_from"], fields["valid_to"]
    assert (start.value, stop.value) == ("2015-06-18", end)
    assert start.score == pytest.approx(0.99) and stop.score == pytest.approx(0.4)
    assert start.quad is not None and stop.quad is not None
    assert start.quad[1][0] < 18.0 + 46.0 * 10.5 / len(text) < stop.quad[0][0]  # 至 centre lies between the boxes


def test_an_id_number_that_lost_birth_digits_under_glare_is_rebuilt_from_the_birth_row():
    """Glare took 0222 of 150402199902223122: the birth row prints those digits. The rebuilt number is flagged for a
    person; it is not rebuilt from a padded birth date, nor against the printed sex."""
    others = [tl for tl in NEW_FRONT if tl.text != "150402199902223122"]
    short = line("15040219993122", 35.0, 64.0, 12.4)
    rebuilt = parse_front_card([*others, short])["number"]
    assert rebuilt.value == "150402199902223122" and rebuilt.score <= 0.8
    padded = [tl for tl in others if tl.text != "1999-02-22"] + [short, line("199922", 36.0, 50.0, 35.1)]
    assert "number" not in parse_front_card(padded)
    other_sex = [tl for tl in others if tl.text != "女"] + [short, line("男", 48.0, 51.5, 17.9)]
    assert "number" not in parse_front_card(other_sex)


def test_a_character_skipped_inside_the_name_caps_its_score_at_blank_s_probability():
    """丁强蕾 blurred reads 丁强 at 0.998, its 蕾 skipped: blank won there with 0.29."""
    name = replace(line("丁强", 12.0, 36.0, 17.6), char_positions=(0.15, 0.45), lost=((0.8, 0.29),))
    fields = parse_back_card([line for line in BACK if line.text != "谢乐桃"] + [name])
    assert (fields["name"].value, fields["name"].score) == ("丁强", 0.29)
    assert fields["number"].score == pytest.approx(0.99)  # other fields keep theirs


def test_a_skipped_character_that_another_line_read_leaves_the_name_s_score():
    name = replace(line("丁强", 12.0, 36.0, 17.6), char_positions=(0.15, 0.45), lost=((0.8, 0.29),))
    third = line("蕾", 29.4, 33.0, 17.6)  # the detector's own box around the character the strip skipped
    fields = parse_back_card([line for line in BACK if line.text != "谢乐桃"] + [name, third])
    assert fields["name"].value == "丁强蕾"
    assert fields["name"].score == pytest.approx(0.99)


def test_a_skipped_character_outside_the_checked_zones_changes_no_score():
    """File numbers have a grammar of their own; a mark there caps nothing."""
    file_number = replace(line("150402123456", 55.5, 80.0, 17.6), lost=((0.5, 0.2),))
    fields = parse_back_card([line for line in BACK if line.text != "150402123456"] + [file_number])
    scores = {key: value.score for key, value in fields.items() if key != "record"}
    assert scores == pytest.approx(dict.fromkeys(("number", "name", "file_number"), 0.99))


def test_kana_and_hangul_that_glare_or_blur_read_are_no_part_of_any_value():
    noisy = {
        "谢乐桃": line("谢スン乐桃", 11.0, 27.0, 17.9),
        "中国": line("中ル国た", 66.5, 78.0, 17.9),
        "内蒙古自治区赤峰市33号": line("内蒙古自治区赤峰市は33이号", 13.5, 56.0, 23.7),
    }
    fields = parse_front_card([noisy.get(tl.text, tl) for tl in NEW_FRONT])
    assert {key: value.value for key, value in fields.items()} == FRONT_PAGE_FIELDS


def test_a_name_read_as_kana_alone_is_no_name():
    fields = parse_front_card([line("ルア", 11.0, 24.0, 17.9) if tl.text == "谢乐桃" else tl for tl in NEW_FRONT])
    assert "name" not in fields
