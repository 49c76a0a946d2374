"""The layout parser on hand-built text lines (no images): every page kind, merged labels, wrapped addresses."""

import math

import numpy as np
import pytest

from engine.card import CardFrame
from engine.card_reader import CardReading
from engine.errors import NoLicenseFound, WrongSide
from engine.layout.frame import place_lines, reading_angle
from engine.layout.side import TITLE_ONLY_CONFIDENCE, TITLED_CONFIDENCE
from engine.license import license_groups, page_corners, read_license
from engine.results import ReadOptions, TextLine
from tests.rendering import FRONT_PAGE_FIELDS

LINE_HEIGHT = 30


def line(text: str, x: float, y: float, width: float | None = None, score: float = 0.99) -> TextLine:
    width = width if width is not None else 28 * len(text)
    quad = ((x, y), (x + width, y), (x + width, y + LINE_HEIGHT), (x, y + LINE_HEIGHT))
    return TextLine(text=text, score=score, quad=quad)


def rotate(lines: list[TextLine], degrees: float) -> list[TextLine]:
    angle = math.radians(degrees)
    cos, sin = math.cos(angle), math.sin(angle)

    def turn(point):
        x, y = point
        return (x * cos - y * sin + 2000, x * sin + y * cos + 2000)

    return [TextLine(tl.text, tl.score, tuple(turn(p) for p in tl.quad)) for tl in lines]  # type: ignore[misc]


NEW_FRONT = [
    line("中华人民共和国机动车驾驶证", 240, 55, 615),
    line("Driving License of the People's Republic of China", 240, 103, 610),
    line("证号", 333, 140, 60),
    line("150402199902223122", 452, 140, 400),
    line("姓名", 100, 196, 60),
    line("谢乐桃", 166, 200, 240),
    line("性别", 514, 192, 60),
    line("女", 600, 200, 30),
    line("国籍", 682, 190, 60),
    line("中国", 786, 200, 90),
    line("Name", 99, 228, 60),
    line("住址", 99, 262, 60),
    line("内蒙古自治区赤峰市33号", 194, 267, 456),
    line("Address", 101, 293, 80),
    line("河北省秦皇", 98, 395, 200),
    line("出生日期", 313, 392, 120),
    line("1999-02-22", 456, 392, 210),
    line("岛市公安局", 101, 466, 200),
    line("初次领证日期", 316, 463, 170),
    line("2015-06-18", 508, 460, 220),
    line("交通警察支队", 99, 535, 200),
    line("准驾车型", 316, 532, 120),
    line("C1", 544, 536, 100),
    line("有效期限", 102, 605, 120),
    line("2015-06-18至2021-06-18", 256, 604, 510),
]
NEW_FRONT_FIELDS = FRONT_PAGE_FIELDS  # the same page as tests.rendering.FRONT_PAGE draws


class TextOnlyReader:
    """Gives the whole-image lines and reads nothing in card space, so the text-line parser decides alone."""

    def __init__(self, lines: list[TextLine]) -> None:
        self.lines = lines
        self.screens: list[bool] = []

    def read_text(self, image, screen=False):
        self.screens.append(screen)
        return self.lines

    def detection_scale(self, height, width):
        return 1.0  # the fixtures' lines are what detection found in the whole image, at any size

    def read_card(self, image, frame, expected_side=None, read_seal=True):
        return CardReading(frame, None, 0.0, False, [])


class FoundBackReader(TextOnlyReader):
    """Reads the found card as a titled back page whose ID number is unreadable, so the whole image is read too;
    nothing in any other frame."""

    def __init__(self, lines: list[TextLine], found: CardFrame) -> None:
        super().__init__(lines)
        self.found = found

    def read_card(self, image, frame, expected_side=None, read_seal=True):
        if frame is not self.found:
            return super().read_card(image, frame, expected_side, read_seal)
        title = TextLine("中华人民共和国机动车驾驶证副页", 0.99, ((200, 10), (800, 10), (800, 60), (200, 60)))
        return CardReading(frame, "back", TITLED_CONFIDENCE, True, [title])


def values(lines: list[TextLine], options: ReadOptions | None = None) -> list[dict]:
    image = np.zeros((4000, 4000, 3), dtype=np.uint8)
    result = read_license(TextOnlyReader(lines), image, options or ReadOptions(), locate=lambda _: [])
    return [
        {"side": page.side, "type": page.license_type}
        | {key: (list(v.value) if isinstance(v.value, tuple) else v.value) for key, v in page.fields.items()}
        for page in result.pages
    ]


@pytest.mark.parametrize("degrees", [0, 90, 180, 270, 17, -33])
def test_new_layout_front_at_any_rotation(degrees):
    (page,) = values(rotate(NEW_FRONT, degrees))
    assert page == {"side": "front", "type": "normal", **NEW_FRONT_FIELDS}


def test_an_authority_not_asked_for_is_left_out_of_a_page_read_whole():
    assert "issuing_authority" in NEW_FRONT_FIELDS
    (page,) = values(NEW_FRONT, ReadOptions(read_authority=False))
    others = {key: value for key, value in NEW_FRONT_FIELDS.items() if key != "issuing_authority"}
    assert page == {"side": "front", "type": "normal", **others}


def test_merged_label_and_value_lines_are_split():
    merged = [tl for tl in NEW_FRONT if tl.text not in ("姓名", "谢乐桃", "证号", "150402199902223122", "住址")]
    merged += [
        line("证号150402199902223122", 333, 140, 520),
        line("姓名谢乐桃", 100, 198, 300),
        line("住址内蒙古自治区赤峰市33号", 99, 264, 560),
    ]
    (page,) = values(merged)
    assert page == {"side": "front", "type": "normal", **NEW_FRONT_FIELDS}


def test_wrapped_address_joins_the_second_line_under_the_label():
    wrapped = [tl for tl in NEW_FRONT if tl.text != "内蒙古自治区赤峰市33号"]
    wrapped += [line("内蒙古自治区赤峰市红山区哈达街道", 194, 267, 520), line("长青路北段33号", 100, 330, 300)]
    (page,) = values(wrapped)
    assert page["address"] == "内蒙古自治区赤峰市红山区哈达街道长青路北段33号"


@pytest.mark.parametrize(("period", "valid_to"), [("6年", "2021-06-18"), ("10年", "2025-06-18"), ("长期", "长期")])
def test_old_layout_valid_to_comes_from_the_period(period, valid_to):
    old = [tl for tl in NEW_FRONT if not tl.text.startswith(("有效期限", "2015-06-18至"))]
    old += [
        line("有效起始日期", 102, 605, 170),
        line("2015-06-18", 290, 605, 220),
        line("有效期限", 540, 605, 120),
        line(period, 680, 605, 60),
    ]
    (page,) = values(old)
    assert page["valid_from"] == "2015-06-18" and page["valid_to"] == valid_to


def test_new_layout_long_term():
    lines = [tl for tl in NEW_FRONT if not tl.text.startswith("2015-06-18至")] + [
        line("2015-06-18至长期", 256, 604, 400)
    ]
    (page,) = values(lines)
    assert page["valid_from"] == "2015-06-18" and page["valid_to"] == "长期"


def test_a_validity_start_that_lost_its_day_into_the_end_is_taken_from_the_end_unsure():
    """The whole-image parser agrees with the card-space one (test_card_fields): `2015-062021-06-18` is no
    2015-06-20."""
    lines = [tl for tl in NEW_FRONT if not tl.text.startswith("2015-06-18至")] + [
        line("2015-062021-06-18", 256, 604, 400)
    ]
    image = np.zeros((4000, 4000, 3), dtype=np.uint8)
    (page,) = read_license(TextOnlyReader(lines), image, ReadOptions(), locate=lambda _: []).pages
    start, end = page.fields["valid_from"], page.fields["valid_to"]
    assert (start.value, end.value) == ("2015-06-18", "2021-06-18")
    assert start.score <= 0.3 < end.score  # the start's day is the end's, not read


BACK = [
    line("中华人民共和国机动车驾驶证副页", 200, 40, 700),
    line("证号", 120, 120, 60),
    line("150402199902223122", 200, 118, 400),
    line("姓名", 100, 190, 60),
    line("谢乐桃", 180, 190, 150),
    line("档案编号", 450, 190, 120),
    line("130300123456", 590, 190, 260),
    line("记录", 100, 260, 60),
    line("实习期至2016年06月17日。", 180, 262, 480),
]


def test_back_page():
    (page,) = values(BACK)
    assert page == {
        "side": "back",
        "type": "normal",
        "number": "150402199902223122",
        "name": "谢乐桃",
        "file_number": "130300123456",
        "record": "实习期至2016年06月17日。",
    }


class LayoutGuessingReader(TextOnlyReader):
    """Gives the whole-image lines; in card space, a frame guessed from them shows the title's start but not its end,
    and text where the main page prints its dates (the frame is off): a main page told only by where text sits."""

    def read_card(self, image, frame, expected_side=None, read_seal=True):
        return CardReading(
            frame, "front", 0.6, True, [TextLine("1999-02-22", 0.9, ((34, 33), (55, 33), (55, 37), (34, 37)))]
        )


def test_a_page_told_by_its_words_keeps_its_side_when_a_guessed_frame_shows_the_other_layout():
    image = np.zeros((4000, 4000, 3), dtype=np.uint8)
    (page,) = read_license(LayoutGuessingReader(BACK), image, ReadOptions(), locate=lambda _: []).pages
    assert page.side == "back" and page.fields["file_number"].value == "130300123456"


def test_wallet_photo_gives_both_pages_and_honours_the_requested_side():
    shifted_back = [TextLine(tl.text, tl.score, tuple((x + 1200, y) for x, y in tl.quad)) for tl in BACK]  # type: ignore[misc]
    both = NEW_FRONT + shifted_back
    front, back = values(both)
    assert front["side"] == "front" and front["name"] == "谢乐桃" and front["address"] == NEW_FRONT_FIELDS["address"]
    assert back["side"] == "back" and back["file_number"] == "130300123456"
    (only_back,) = values(both, ReadOptions(side="back"))
    assert only_back["side"] == "back"


def test_wrong_side_names_the_page_found():
    with pytest.raises(WrongSide) as raised:
        values(NEW_FRONT, ReadOptions(side="back"))
    assert raised.value.found == "front"


class CardOnlyReader:
    """Reads a titled main page in card space (class and dates only, no valid ID number) and no text in the whole
    image: a small, blurred card the whole-image pass cannot read."""

    def read_text(self, image, screen=False):
        return []

    def read_card(self, image, frame, expected_side=None, read_seal=True):
        def card_line(text, x0, y0, x1, y1):
            return TextLine(text, 0.9, ((x0, y0), (x1, y0), (x1, y1), (x0, y1)))

        lines = [card_line("机动车驾驶证", 56, 2, 80, 9), card_line("A2", 45, 45, 52, 50)]
        return CardReading(frame, "front", 0.95, True, lines)


class BlurredLabelsReader(TextOnlyReader):
    """The whole image shows the main page's whole title and its large values but none of its small labels; in card
    space, blur takes the title and a digit of the number, so the page tells its side only by where its text sits,
    and is read only when that side is expected (as card_reader.read_card does)."""

    def read_card(self, image, frame, expected_side=None, read_seal=True):
        if expected_side != "front":
            return CardReading(frame, None, 0.0, False, [])
        return CardReading(frame, "front", 0.6, False, [card_line("A2", 45, 45, 52, 50)])


def test_a_whole_title_read_in_the_whole_image_lets_its_page_be_read_in_card_space():
    """Without it, neither the card-space title nor a valid ID number vouches for the page, and the whole-image lines
    alone, without labels, place no value but the number."""
    blurred = [
        line("中华人民共和国机动车驾驶证", 240, 55, 615),
        line("150402199902223121", 452, 140, 400),  # a digit misread: the check digit fails
        line("1999-02-22", 456, 392, 210),
        line("2015-06-18", 508, 460, 220),
    ]
    image = np.zeros((4000, 4000, 3), dtype=np.uint8)
    (page,) = read_license(BlurredLabelsReader(blurred), image, ReadOptions(), locate=lambda _: []).pages
    assert page.side == "front" and page.fields["class"].value == "A2"


def test_a_page_read_in_card_space_stands_when_the_whole_image_shows_no_text():
    frame = CardFrame(np.array([[100, 100], [956, 100], [956, 640], [100, 640]], dtype=np.float32))
    image = np.zeros((800, 1100, 3), dtype=np.uint8)
    result = read_license(CardOnlyReader(), image, ReadOptions(), locate=lambda _: [frame])
    (page,) = result.pages
    assert page.side == "front" and page.fields["class"].value == "A2"


def test_a_screenshot_is_read_whole_without_looking_for_a_card():
    flat_fill = np.full((4000, 4000, 3), 240, dtype=np.uint8)

    def locate(_):
        raise AssertionError("the card finder ran on a screenshot")

    reader = TextOnlyReader(NEW_FRONT)
    result = read_license(reader, flat_fill, ReadOptions(), locate=locate)
    assert result.pages[0].fields["number"].value == NEW_FRONT_FIELDS["number"]
    assert reader.screens == [True]  # read as a screen: its large type is found at a smaller scale


def test_a_photo_read_whole_is_not_read_as_a_screen():
    reader = TextOnlyReader(NEW_FRONT)
    photo = np.random.default_rng(0).normal(128, 6, (600, 800, 3)).clip(0, 255).astype(np.uint8)
    read_license(reader, photo, ReadOptions(), locate=lambda _: [])
    assert reader.screens == [False]


def card_line(text: str, x0: float, y0: float, x1: float, y1: float) -> TextLine:
    return TextLine(text, 0.95, ((x0, y0), (x1, y0), (x1, y1), (x0, y1)))


class SmallCardReader(TextOnlyReader):
    """A card a fifth of a large photo's width: the whole image's lines (NEW_FRONT) place it, detection would see its
    text larger in a crop around it, and in card space it reads as a titled main page with `number` as its ID."""

    def __init__(self, number: str, lines: list[TextLine] = NEW_FRONT) -> None:
        super().__init__(lines)
        self.number = number

    def detection_scale(self, height, width):
        return min(1.0, 960 / max(height, width))

    def read_card(self, image, frame, expected_side=None, read_seal=True):
        lines = [
            card_line("中华人民共和国机动车驾驶证", 20, 2, 80, 9),
            card_line(self.number, 34, 10.7, 70, 14.1),
            card_line("1999-02-22", 35, 33.6, 55, 36.6),
        ]
        return CardReading(frame, "front", TITLED_CONFIDENCE, True, lines)


def read_small_card(reader: SmallCardReader):
    photo = np.random.default_rng(0).normal(128, 6, (4000, 4000, 3)).clip(0, 255).astype(np.uint8)
    return read_license(reader, photo, ReadOptions(), locate=lambda _: [])


def test_a_small_page_that_reads_well_where_its_text_frames_it_is_not_read_again_from_a_crop():
    reader = SmallCardReader(NEW_FRONT_FIELDS["number"])
    (page,) = read_small_card(reader).pages
    assert page.fields["number"].value == NEW_FRONT_FIELDS["number"]
    assert len(reader.screens) == 1  # the whole image, and no crop of it


def test_a_small_page_placed_by_few_labels_is_read_again_from_a_crop_however_well_it_reads_there():
    few_labels = [tl for tl in NEW_FRONT if tl.text not in ("性别", "国籍", "住址", "准驾车型")]  # four of eight left
    reader = SmallCardReader(NEW_FRONT_FIELDS["number"], few_labels)
    read_small_card(reader)
    assert len(reader.screens) == 2


def test_a_small_page_whose_number_fails_where_its_text_frames_it_is_read_again_from_a_crop():
    reader = SmallCardReader("15040219990222")  # glare took its last digits
    read_small_card(reader)
    assert len(reader.screens) == 2


class WalletReader:
    """An open wallet: the finder's page (right) is a titled back page with a valid number; the page left of it lost
    its title and number to glare, so it tells its side only by where its text sits, and only when that side is the
    one expected there (as card_reader.read_card does)."""

    def __init__(self, glared_front: list[TextLine]) -> None:
        self.glared_front = glared_front

    def read_text(self, image, screen=False):
        return []

    def read_card(self, image, frame, expected_side=None, read_seal=True):
        if frame.quad[0][0] > 900:
            lines = [
                card_line("驾驶证副页", 56, 3, 80, 8),
                card_line("11010519491231002X", 14, 10.2, 60, 13.6),
                card_line("薛杰珺", 11, 15.8, 30, 19.6),
            ]
            return CardReading(frame, "back", 0.95, True, lines)
        if expected_side != "front":
            return CardReading(frame, None, 0.0, False, [])
        return CardReading(frame, "front", 0.6, False, self.glared_front)


def read_wallet(glared_front: list[TextLine]):
    back = CardFrame(np.array([[1000, 100], [1880, 100], [1880, 700], [1000, 700]], dtype=np.float32))
    noise = np.random.default_rng(0).normal(215, 3, (800, 2000, 3))  # pale stock, not a screenshot's flat fill
    image = np.clip(noise, 0, 255).astype(np.uint8)
    return read_license(WalletReader(glared_front), image, ReadOptions(), locate=lambda _: [back])


def test_a_wallets_other_page_that_lost_its_title_and_number_counts_when_it_shows_its_dates():
    dates = [card_line("1999-02-22", 35, 33.6, 55, 36.6), card_line("2015-06-18", 40, 39.9, 60, 42.9)]
    front, back = read_wallet(dates).pages
    assert (front.side, back.side) == ("front", "back")
    assert (front.fields["birth"].value, front.fields["issue_date"].value) == ("1999-02-22", "2015-06-18")
    assert front.fields["number"].value == "11010519491231002X"  # from the back page
    assert front.fields["sex"].value == "女"  # and what the number tells


def test_a_wallets_other_page_without_its_own_values_is_not_taken():
    (back,) = read_wallet([card_line("1999-02-22", 35, 33.6, 55, 36.6)]).pages
    assert back.side == "back"


LABELS = ("证号", "姓名", "性别", "国籍", "住址", "出生日期", "初次领证日期", "准驾车型", "有效期限")


def test_main_page_whose_labels_were_not_read_is_told_by_its_title_and_dates():
    values_only = [tl for tl in NEW_FRONT if tl.text not in LABELS and "Driving" not in tl.text]
    (page,) = values(values_only)
    assert page["side"] == "front" and page["number"] == "150402199902223122" and page["birth"] == "1999-02-22"


def test_back_page_with_a_dated_record_is_not_taken_for_the_main_page():
    record_only = [line("中华人民共和国机动车驾驶证", 240, 55, 615), line("实习期至2016年06月17日。", 180, 262, 480)]
    with pytest.raises(NoLicenseFound):
        values(record_only)


def test_main_page_whose_labels_and_dates_blur_took_is_told_by_its_title_and_seal():
    """A blurred title that lost a character still shows a license; the seal shows the main page."""
    title = line("中华人民共和国机动车骂证", 240, 55, 615)
    unsealed = [title, *(tl for tl in NEW_FRONT if tl.text in ("1999-02-22", "C1"))]
    seal = [tl for tl in NEW_FRONT if tl.text in ("河北省秦皇", "岛市公安局")]
    (page,) = values(unsealed + seal)
    assert page["side"] == "front"
    with pytest.raises(NoLicenseFound):
        values(unsealed)


def test_back_page_whose_title_reads_on_past_its_end_is_the_back_page():
    """副页 blurred into other characters after the title's 证; no label was read."""
    blurred = [line("中华人民共和国机动车驾驶证期页", 240, 55, 680), line("450139669862", 600, 140, 260)]
    (page,) = values(blurred)
    assert page["side"] == "back"


@pytest.mark.parametrize(
    "lines",
    [
        [],
        [line("今天天气很好", 10, 10)],
        [line("居民身份证", 10, 10), line("公民身份号码", 10, 60)],
        # An ID card's back and a vehicle's registration name a 公安局 too.
        [
            line("中华人民共和国", 10, 10),
            line("居民身份证", 10, 60),
            line("签发机关", 10, 110),
            line("北京市公安局", 150, 110),
        ],
        [line("中华人民共和国机动车行驶证", 10, 10), line("北京市公安局", 10, 60), line("2019-05-01", 10, 110)],
    ],
)
def test_no_license_raises(lines):
    with pytest.raises(NoLicenseFound):
        values(lines)


TITLE_AND_NUMBER = [
    line("中华人民共和国机动车驶证", 240, 55, 615),  # 驾 and every label lost to glare
    line("证号", 333, 140, 60),
    line("150402199902223122", 452, 140, 400),
]


def test_a_title_with_nothing_else_read_is_a_main_page_when_nothing_else_shows_one():
    """3131 hard img_0235: glare left the title and a few values but no label, date or seal. With no page found any
    other way, the title alone shows a main page (the side the API reads by default), unsure of its side."""
    image = np.zeros((4000, 4000, 3), dtype=np.uint8)
    (page,) = read_license(TextOnlyReader(TITLE_AND_NUMBER), image, ReadOptions(), locate=lambda _: []).pages
    assert (page.side, page.fields["number"].value) == ("front", "150402199902223122")
    assert page.side_confidence == TITLE_ONLY_CONFIDENCE


def test_a_title_alone_with_no_value_read_is_no_page():
    with pytest.raises(NoLicenseFound):
        values(TITLE_AND_NUMBER[:2])


def test_a_title_alone_adds_no_page_beside_one_found():
    """A found page that reads badly sends the whole image to be read; a title-only group there is no second page
    (2026 hard img_0013: a back page whose 副页 glare took would come back with a main page too)."""
    image = np.zeros((4000, 4000, 3), dtype=np.uint8)
    frame = CardFrame(np.array([(0, 0), (880, 0), (880, 600), (0, 600)], dtype=np.float32))
    reader = FoundBackReader(TITLE_AND_NUMBER, frame)
    pages = read_license(reader, image, ReadOptions(), locate=lambda _: [frame]).pages
    assert [page.side for page in pages] == ["back"]


def test_one_misread_id_digit_is_fixed_by_check_digit_and_birth_date():
    misread = [tl if tl.text != "150402199902223122" else line("150402799902223122", 452, 140, 400) for tl in NEW_FRONT]
    (page,) = values(misread)
    assert page["number"] == "150402199902223122"


def test_reading_angle_follows_the_text():
    assert reading_angle(rotate(NEW_FRONT, 90)) == pytest.approx(math.pi / 2, abs=1e-6)
    placed = place_lines(rotate(NEW_FRONT, 180), reading_angle(rotate(NEW_FRONT, 180)))
    assert placed[0].text == "中华人民共和国机动车驾驶证"


def test_text_beside_the_card_at_another_angle_does_not_turn_the_reading_frame():
    # A poster's lines running across a card photographed sideways: a third of all the text's length.
    poster = [line("YXXUNHPYFLPBNBYGQDWPKY", 3000, 300 + 40 * row, 900) for row in range(4)]
    assert reading_angle(rotate(NEW_FRONT, 90) + poster) == pytest.approx(math.pi / 2, abs=1e-6)
    tilted = rotate(NEW_FRONT[:10], 84) + rotate(NEW_FRONT[10:], 96)  # a card's perspective turns its own lines
    assert reading_angle(tilted + poster) == pytest.approx(math.pi / 2, abs=math.radians(2))


def test_a_card_is_framed_along_its_own_text_where_a_poster_beside_it_holds_more():
    poster = [line("YXXUNHPYFLPBNBYGQDWPKY", 3000, 300 + 40 * row, 900) for row in range(12)]
    card = rotate(NEW_FRONT, 30)
    assert sum(math.dist(*tl.quad[:2]) for tl in poster) > sum(math.dist(*tl.quad[:2]) for tl in card)
    assert reading_angle(card + poster) == pytest.approx(0.0, abs=1e-6)
    angle, groups = license_groups(card + poster)
    assert angle == pytest.approx(math.radians(30), abs=1e-6)
    assert [kind.side for _, kind in groups] == ["front"]


def test_an_ambiguous_misread_is_left_alone():
    # Two single-digit changes both give a valid ID with this birth date and sex: the parser must not guess.
    misread = [tl if tl.text != "150402199902223122" else line("150402199902228122", 452, 140, 400) for tl in NEW_FRONT]
    (page,) = values(misread)
    assert page["number"] == "150402199902228122"


def test_rows_merged_across_labels_are_split_at_each_label():
    merged_rows = {"河北省秦皇", "出生日期", "1999-02-22", "交通警察支队", "准驾车型", "谢乐桃", "性别", "女"}
    lines = [tl for tl in NEW_FRONT if tl.text not in merged_rows]
    lines += [
        line("河北省秦皇 出生日期 1999-02-22", 98, 395, 560),
        line("交通警察支队 准驾车型", 99, 535, 340),
        line("谢乐桃性别女", 166, 200, 470),
    ]
    (page,) = values(lines)
    assert page == {"side": "front", "type": "normal", **NEW_FRONT_FIELDS}


STRAY = line("XMJPDQYBSY", 2400, 1800, 300)  # a poster's text beside the card, in the same page group


def test_a_back_page_with_no_labels_read_is_placed_by_its_whole_title():
    title = BACK[0]
    lines = place_lines([title, BACK[2], BACK[4], STRAY], 0.0)  # 证号, 姓名, 档案编号 and 记录 lost to glare
    corners = page_corners(lines, back=True, angle=0.0)
    width, height = np.ptp(corners, axis=0)
    title_width = title.quad[1][0] - title.quad[0][0]
    # The title spans 60.6 of the card's 88 mm and sits 5.3 mm below its top edge.
    assert width == pytest.approx(title_width * 88 / 60.6, rel=0.03)
    assert width / height == pytest.approx(88 / 60, rel=0.01)
    assert corners[:, 0].min() < title.quad[0][0] and corners[:, 0].max() > title.quad[1][0]
    assert corners[:, 1].min() == pytest.approx(title.quad[0][1] + LINE_HEIGHT / 2 - 5.3 * width / 88, abs=2)


@pytest.mark.parametrize(
    ("read", "printed_at"),
    [
        ("中华人民国机动车驾驶证期页", (0, 1, 2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14)),  # 共和 lost, 副 read 期
        ("资证副页", (11, 12, 13, 14)),  # glare took the title's start: 证副页 still place it
    ],
)
def test_a_back_page_whose_title_is_misread_is_placed_by_the_characters_read_as_printed(read, printed_at):
    title = BACK[0]
    left, width = title.quad[0][0], title.quad[1][0] - title.quad[0][0]
    # Where the recognizer puts each character read: at its printed place along the whole title's box.
    positions = tuple((index + 0.5) / len(title.text) for index in printed_at)
    garbled = TextLine(read, 0.9, title.quad, char_positions=positions)
    whole = page_corners(place_lines([title, BACK[2], STRAY], 0.0), back=True, angle=0.0)
    placed = page_corners(place_lines([garbled, BACK[2], STRAY], 0.0), back=True, angle=0.0)
    np.testing.assert_allclose(placed, whole, atol=0.01 * width * 88 / 60.6)
    assert left > placed[:, 0].min()


def test_a_main_page_framed_by_its_text_leaves_out_text_beside_the_card():
    labels = ("证号", "姓名", "性别", "国籍", "住址", "出生日期", "初次领证日期", "准驾车型", "有效期限")
    unlabelled = [tl for tl in NEW_FRONT if tl.text not in labels]
    corners = page_corners(place_lines([*unlabelled, STRAY], 0.0), back=False, angle=0.0)
    alone = page_corners(place_lines(unlabelled, 0.0), back=False, angle=0.0)
    np.testing.assert_allclose(corners, alone)
    assert corners[:, 0].max() < 1000


@pytest.mark.parametrize(("left", "cut_off"), [(100, False), (-100, True)])
def test_each_page_carries_its_quality_signals(left, cut_off):
    """A page read in card space reports what engine.quality measures of it; here, whether it runs off the photo."""
    frame = CardFrame(np.array([[left, 100], [left + 856, 100], [left + 856, 640], [left, 640]], dtype=np.float32))
    image = np.zeros((800, 1100, 3), dtype=np.uint8)
    (page,) = read_license(CardOnlyReader(), image, ReadOptions(), locate=lambda _: [frame]).pages
    assert (page.quality.border_incomplete > 0.8) is cut_off


def shifted(lines: list[TextLine], dx: float, dy: float) -> list[TextLine]:
    return [TextLine(tl.text, tl.score, tuple((x + dx, y + dy) for x, y in tl.quad)) for tl in lines]  # type: ignore[misc]


def coordinates_photo(height: int, width: int) -> np.ndarray:
    """A photo whose pixels tell where they are: a crop's top-left pixel gives the crop's origin."""
    ys, xs = np.indices((height, width))
    return np.dstack([xs % 256, ys % 256, xs // 256 + 16 * (ys // 256)]).astype(np.uint8)


def origin(crop: np.ndarray) -> tuple[int, int]:
    blue, green, red = (int(value) for value in crop[0, 0])
    return (red % 16) * 256 + blue, (red // 16) * 256 + green


class ShrinkingReader(TextOnlyReader):
    """Detection scales an image down to 960 px on its long side. In the whole photo it misses the page's address
    (small print); a crop around the page, seen larger, shows it. Lines are in the pixels of the image read."""

    def __init__(self, page_at: tuple[float, float]) -> None:
        super().__init__([])
        self.page_at = page_at
        self.shapes: list[tuple[int, ...]] = []

    def read_text(self, image, screen=False):
        self.shapes.append(image.shape)
        left, top = origin(image)
        whole = len(self.shapes) == 1
        page = [tl for tl in NEW_FRONT if not (whole and tl.text.startswith("内蒙古"))]
        return shifted(page, self.page_at[0] - left, self.page_at[1] - top)

    def detection_scale(self, height, width):
        return min(1.0, 960 / max(height, width))


def test_a_small_page_in_a_large_photo_is_read_again_from_a_crop_around_it():
    reader = ShrinkingReader(page_at=(1500.0, 1200.0))
    result = read_license(reader, coordinates_photo(3000, 4000), ReadOptions(), locate=lambda _: [])
    whole, crop = reader.shapes
    assert whole[:2] == (3000, 4000)
    assert crop[0] < 1500 and crop[1] < 2000  # the page and a margin, not the photo
    (page,) = result.pages
    address = page.fields["address"]
    assert address.value == NEW_FRONT_FIELDS["address"]
    assert address.quad is not None and address.quad[0][0] >= 1500 + 194 - 1  # in the photo's pixels


def test_a_page_detection_sees_nearly_at_full_size_is_not_read_again():
    reader = ShrinkingReader(page_at=(100.0, 100.0))
    result = read_license(reader, coordinates_photo(900, 1200), ReadOptions(), locate=lambda _: [])
    assert len(reader.shapes) == 1  # read at 0.8 of its size already: a crop would gain at most 1.25
    assert "address" not in result.pages[0].fields


class BlurredUpsideDownReader(TextOnlyReader):
    """A page upside down in a large photo, its lines too blurred for the line classifier: read as they lie they
    are garbage; read in the photo turned half they show the page at `page_at` (the turned photo's pixels), its
    address only where detection sees it larger, in a crop around it (as ShrinkingReader)."""

    def __init__(self, photo_shape: tuple[int, int], page_at: tuple[float, float]) -> None:
        super().__init__([])
        self.height, self.width = photo_shape
        self.page_at = page_at
        self.turned: list[bool] = []

    def read_text(self, image, screen=False):
        (x0, y0), (x1, _) = origin(image), origin(image[:, 1:])
        self.turned.append(x1 < x0)
        if x1 > x0:
            return [line("2996995E105 aw", 900, 700, 400), line("156192912", 900, 760, 250)]
        left, top = self.width - 1 - x0, self.height - 1 - y0  # the image's top-left in the turned photo
        whole = image.shape[:2] == (self.height, self.width)
        page = [tl for tl in NEW_FRONT if not (whole and tl.text.startswith("内蒙古"))]
        return shifted(page, self.page_at[0] - left, self.page_at[1] - top)

    def detection_scale(self, height, width):
        return min(1.0, 960 / max(height, width))


def test_a_page_that_reads_as_garbage_is_read_again_in_the_photo_turned_half():
    height, width = 3000, 4000
    reader = BlurredUpsideDownReader((height, width), page_at=(1500.0, 1200.0))
    result = read_license(reader, coordinates_photo(height, width), ReadOptions(), locate=lambda _: [])
    assert reader.turned == [False, True, True]  # as it is, turned half, and a crop around the page turned half
    (page,) = result.pages
    address = page.fields["address"]
    assert address.value == NEW_FRONT_FIELDS["address"]
    # In the photo's own pixels, still starting at the text's top-left as it reads: right to left in the photo.
    assert address.quad[0] == pytest.approx((width - 1 - (1500 + 194), height - 1 - (1200 + 267)), abs=40)
    assert address.quad[0][0] > address.quad[1][0]


def test_a_photo_with_no_license_text_either_way_up_reads_no_page():
    reader = TextOnlyReader([line("SALE 50%", 100, 100)])
    with pytest.raises(NoLicenseFound):
        read_license(reader, coordinates_photo(600, 800), ReadOptions(), locate=lambda _: [])
    assert reader.screens == [False, False]  # as it is, then turned half
