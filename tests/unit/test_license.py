"""Choosing among the pages read from one photo (engine/license.py), on hand-built page results (no images)."""

import cv2
import numpy as np

from engine.card import CardFrame
from engine.card_reader import CardReading
from engine.geometry import to_quad
from engine.license import best_per_side, read_card_page, read_license, same_holder_on_both, with_found_edges
from engine.results import FieldValue, PageResult, Quad, ReadOptions, Side


def page(side: Side, quad: Quad, number: str = "", fields: dict[str, FieldValue] | None = None) -> PageResult:
    fields = dict(fields or {})
    if number:
        fields["number"] = FieldValue(number, 0.9)
    return PageResult(side, "normal", fields, 0.9, card_quad=quad)


def at(x: float, y: float) -> FieldValue:
    """A value read in a small box centred on (x, y), photo pixels."""
    return FieldValue("v", 0.9, quad=((x - 5, y - 5), (x + 5, y - 5), (x + 5, y + 5), (x - 5, y + 5)))


EDGES: Quad = ((100.0, 100.0), (980.0, 100.0), (980.0, 700.0), (100.0, 700.0))
TEXT: Quad = ((120.0, 90.0), (1000.0, 110.0), (990.0, 720.0), (90.0, 690.0))  # the same card, ~2% off


VALID_NUMBER = "11010519491231002X"


def fields_read(count: int, score: float = 0.95) -> dict[str, FieldValue]:
    return {f"field{index}": FieldValue("v", score) for index in range(count)}


def test_of_two_readings_of_a_side_a_surely_read_number_outranks_more_fields():
    with_number = page("front", TEXT, number=VALID_NUMBER, fields=fields_read(5))
    without = page("front", EDGES, fields=fields_read(10))
    assert best_per_side([without, with_number]) == [with_number]


def test_a_mended_number_does_not_outweigh_fields_read_surely_where_the_card_was_found():
    """Real print hard img_0044: nine fields read at 0.68-1.0 where the card was found, against a mended number (its
    score capped at 0.8, a hair above by float sums) and five fields where the text placed the card."""
    weak = {"name": FieldValue("射乐桃", 0.4), "class": FieldValue("F", 0.4), "address": FieldValue("内蒙古", 0.3)}
    mended = page(
        "front", TEXT, fields={**fields_read(5, 0.9), **weak, "number": FieldValue(VALID_NUMBER, 0.8000000000000002)}
    )
    found = page("front", EDGES, fields={**fields_read(9, 0.9), "address": FieldValue("内蒙古", 0.3)})
    assert best_per_side([mended, found]) == [found]
    assert best_per_side([mended, page("front", EDGES, fields=fields_read(7, 0.9))]) == [mended]


def test_a_record_read_surely_off_the_card_does_not_make_a_page_the_better():
    """5555 photo img_0203: a strip off the card read a scramble of the record's row at 0.97."""
    found = page("back", EDGES, fields={"record": FieldValue("然档案编号520345735905录", 0.3)})
    off = page("back", TEXT, fields={"record": FieldValue("8月0夏佑然3年002期至2实习记录", 0.97)})
    assert best_per_side([found, off]) == [found]


def test_an_unsure_valid_number_outweighs_an_invalid_one_with_a_few_weak_fields_more():
    """4242 hard img_0206: the valid number at 0.77 and a name at 0.43, against an invalid number, a name and a
    file number at 0.3-0.7."""
    valid = page("back", TEXT, fields={"number": FieldValue(VALID_NUMBER, 0.77), "name": FieldValue("曹热线", 0.43)})
    invalid = page(
        "back",
        EDGES,
        fields={
            "number": FieldValue("230184199689248354", 0.3),
            "name": FieldValue("曹丝", 0.6),
            "file_number": FieldValue("230192685718", 0.72),
        },
    )
    assert best_per_side([invalid, valid]) == [valid]


def test_a_page_placed_by_its_text_takes_the_quad_the_finder_found_for_the_same_card():
    by_text = page("front", TEXT, number="110101199003070014")
    [framed] = with_found_edges([by_text], [page("front", EDGES)])
    assert framed.card_quad == EDGES
    assert framed.fields == by_text.fields  # values read in the text's frame stay


def test_another_card_or_another_side_leaves_the_quad_alone():
    beside: Quad = ((1100.0, 100.0), (1980.0, 100.0), (1980.0, 700.0), (1100.0, 700.0))  # the next card
    by_text = page("front", TEXT)
    assert with_found_edges([by_text], [page("front", beside)])[0].card_quad == TEXT
    assert with_found_edges([by_text], [page("back", EDGES)])[0].card_quad == TEXT


HUGE: Quad = ((-500.0, -300.0), (2500.0, -300.0), (2500.0, 1800.0), (-500.0, 1800.0))  # labels of the other page


def test_a_page_framed_far_off_by_its_text_takes_the_found_card_its_values_were_read_on():
    """An open wallet's back page whose title was lost is grouped with the main page's lines: its labels then frame
    a card several times its size, though its own values lie on the card the finder found."""
    values = {"file_number": at(600.0, 300.0), "record": at(500.0, 450.0), "name": at(1500.0, 400.0)}
    by_text = page("back", HUGE, fields=values)
    assert with_found_edges([by_text], [page("back", EDGES)])[0].card_quad == EDGES


def test_values_mostly_elsewhere_leave_a_far_off_frame_alone():
    values = {"file_number": at(600.0, 300.0), "record": at(1500.0, 450.0), "name": at(1500.0, 400.0)}
    by_text = page("back", HUGE, fields=values)
    assert with_found_edges([by_text], [page("back", EDGES)])[0].card_quad == HUGE
    one = {"file_number": at(600.0, 300.0)}  # a single value is too little to tie a page to a card
    assert with_found_edges([page("back", HUGE, fields=one)], [page("back", EDGES)])[0].card_quad == HUGE


def test_a_found_card_cut_short_does_not_replace_the_text_frame_its_values_lie_on():
    """6262 photo img_0105: an edge inside the card cut off its seal column; the text frame, 1.6 times the found
    one's area, framed the card to 0.7%."""
    cut: Quad = ((400.0, 100.0), (980.0, 100.0), (980.0, 700.0), (400.0, 700.0))
    values = {"number": at(600.0, 200.0), "address": at(500.0, 300.0), "birth": at(700.0, 400.0)}
    by_text = page("front", EDGES, fields=values)
    assert with_found_edges([by_text], [page("front", cut)])[0].card_quad == EDGES


def test_a_found_card_of_the_same_size_further_than_text_misses_does_not_replace_the_text_frame():
    """7% apart, either frame may be the one that is off; the page placed by its text read better."""
    shifted: Quad = ((160.0, 140.0), (1040.0, 140.0), (1040.0, 740.0), (160.0, 740.0))
    values = {"file_number": at(600.0, 300.0), "record": at(500.0, 450.0)}
    by_text = page("back", shifted, fields=values)
    assert with_found_edges([by_text], [page("back", EDGES)])[0].card_quad == shifted


class OutlinedReader:
    """Reads a titled main page whose frame's left side was the photo's edge: the card goes on 40 px past it."""

    outline = np.array([[60.0, 100.0], [980.0, 100.0], [980.0, 700.0], [60.0, 700.0]], np.float32)

    def read_card(self, image, frame, expected_side=None, read_seal=True):
        return CardReading(frame, "front", 0.95, True, [], outline=self.outline)

    def read_text(self, image, screen=False):
        return []  # the whole image shows no text: the page read in card space stands


def test_a_page_reports_the_cards_outline_where_a_side_was_cut_off():
    frame = CardFrame(np.array(EDGES, np.float32))
    image = np.zeros((800, 1100, 3), np.uint8)
    read, _ = read_card_page(OutlinedReader(), image, frame, ReadOptions())  # type: ignore[arg-type]
    assert read is not None
    assert read.card_quad == to_quad(OutlinedReader.outline)
    assert read.card_quad != EDGES


def test_an_open_wallets_back_page_record_takes_the_probation_note_its_main_page_dates():
    front = page("front", EDGES, fields={"issue_date": FieldValue("2020-11-14", 0.99)})
    back = page("back", TEXT, fields={"record": FieldValue("四至2021年11月114日", 0.96)})
    _, mended = same_holder_on_both([front, back])
    assert mended.fields["record"].value == "实习期至2021年11月14日。"
    alone = same_holder_on_both([back])  # a back page alone has no first issue date to go by
    assert alone[0].fields["record"].value == "四至2021年11月114日"


class SealReader:
    """Reads a titled main page whose seal was read (the authority asked for, or its city needed for the address)."""

    def read_card(self, image, frame, expected_side=None, read_seal=True):
        from tests.unit.test_card_fields import NEW_FRONT

        return CardReading(frame, "front", 0.95, True, NEW_FRONT)


def test_a_page_has_an_authority_only_when_it_was_asked_for():
    frame = CardFrame(np.array(EDGES, np.float32))
    image = np.zeros((800, 1100, 3), np.uint8)
    asked, _ = read_card_page(SealReader(), image, frame, ReadOptions())  # type: ignore[arg-type]
    unasked, _ = read_card_page(SealReader(), image, frame, ReadOptions(read_authority=False))  # type: ignore[arg-type]
    assert asked is not None and unasked is not None
    assert asked.fields["issuing_authority"].value == "河北省秦皇岛市公安局交通警察支队"
    assert unasked.fields == {key: value for key, value in asked.fields.items() if key != "issuing_authority"}


def test_an_adjusted_image_is_made_only_when_asked_and_from_the_pages_final_outline():
    frame = CardFrame(np.array(EDGES, np.float32))
    image = np.zeros((800, 1100, 3), np.uint8)
    asked = read_license(OutlinedReader(), image, ReadOptions(return_adjusted_image=True), locate=lambda _: [frame])  # type: ignore[arg-type]
    unasked = read_license(OutlinedReader(), image, ReadOptions(), locate=lambda _: [frame])  # type: ignore[arg-type]
    assert unasked.pages[0].adjusted_jpeg is None
    jpeg = asked.pages[0].adjusted_jpeg
    assert jpeg is not None
    warped = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert warped.shape[:2] == (600, 920)  # the outline's 920 px, not the frame's 880: the cut-off side moved out


class MisframedReader:
    """Reads the main page in any frame; its title overruns the frame the finder found (EDGES) when `misframed`. The
    whole image shows the page's text, which frames the card elsewhere."""

    def __init__(self, misframed: bool, text_frame_reads: int | None = None) -> None:
        self.misframed = misframed
        self.text_frame_reads = text_frame_reads  # how many of the page's lines read in the text's frame (None: all)
        self.read_whole = False

    def read_card(self, image, frame, expected_side=None, read_seal=True):
        from tests.unit.test_card_fields import NEW_FRONT

        found = np.allclose(frame.quad, np.array(EDGES, np.float32))
        lines = NEW_FRONT if found else NEW_FRONT[: self.text_frame_reads]
        return CardReading(frame, "front", 0.95, True, lines, misframed=self.misframed and found)

    def read_text(self, image, screen=False):
        from tests.unit.test_layout import NEW_FRONT

        self.read_whole = True
        return NEW_FRONT

    def detection_scale(self, height, width):
        return 1.0


def test_a_page_whose_own_title_says_the_found_frame_is_off_is_framed_by_its_text():
    image = np.zeros((900, 1200, 3), np.uint8)
    found = CardFrame(np.array(EDGES, np.float32))
    trusted = MisframedReader(misframed=False)
    (kept,) = read_license(trusted, image, ReadOptions(), locate=lambda _: [found]).pages  # type: ignore[arg-type]
    assert kept.card_quad == EDGES
    assert not trusted.read_whole  # a page that reads well in a frame its text agrees with stands
    doubted = MisframedReader(misframed=True)
    (framed,) = read_license(doubted, image, ReadOptions(), locate=lambda _: [found]).pages  # type: ignore[arg-type]
    assert doubted.read_whole
    assert framed.side == "front"
    assert framed.card_quad is not None and not np.allclose(framed.card_quad, EDGES, atol=20)
    assert framed.fields["number"].value == "150402199902223122"


def test_a_page_in_a_doubted_frame_stays_where_it_reads_better_than_in_the_texts_frame():
    """3131 hard img_0167: its rows stretched to the fit's limit, but the text's frame of the blurred card missed by 11%
    and lost seven of its values."""
    image = np.zeros((900, 1200, 3), np.uint8)
    found = CardFrame(np.array(EDGES, np.float32))
    doubted = MisframedReader(misframed=True, text_frame_reads=3)  # the title, the number and the name
    (kept,) = read_license(doubted, image, ReadOptions(), locate=lambda _: [found]).pages  # type: ignore[arg-type]
    assert doubted.read_whole
    assert kept.card_quad == EDGES
    assert kept.fields["address"].value == "内蒙古自治区赤峰市33号"


class GlaredNumberReader(MisframedReader):
    """Reads the main page in its found frame (EDGES) with glare over most of the ID number (5 of its 18 digits),
    and whole in the frame the whole image's text gives it."""

    def __init__(self) -> None:
        super().__init__(misframed=False)

    def read_card(self, image, frame, expected_side=None, read_seal=True):
        from tests.unit.test_card_fields import NEW_FRONT, line

        if not np.allclose(frame.quad, np.array(EDGES, np.float32)):
            return CardReading(frame, "front", 0.95, True, NEW_FRONT)
        glared = [line("15040", 35.0, 45.0, 12.4) if tl.text == "150402199902223122" else tl for tl in NEW_FRONT]
        return CardReading(frame, "front", 0.95, True, glared)


def test_a_page_that_reads_badly_where_the_whole_border_was_seen_is_not_read_again_from_the_whole_image():
    image = np.zeros((900, 1200, 3), np.uint8)
    bordered = GlaredNumberReader()
    found = CardFrame(np.array(EDGES, np.float32), whole_border=True)
    (kept,) = read_license(bordered, image, ReadOptions(), locate=lambda _: [found]).pages  # type: ignore[arg-type]
    assert not bordered.read_whole
    assert kept.card_quad == EDGES
    assert "number" not in kept.fields
    assert kept.fields["name"].value == "谢乐桃"


def test_a_page_that_reads_badly_in_a_frame_partly_seen_is_read_again_from_the_whole_image():
    image = np.zeros((900, 1200, 3), np.uint8)
    partly = GlaredNumberReader()
    found = CardFrame(np.array(EDGES, np.float32))
    (page_read,) = read_license(partly, image, ReadOptions(), locate=lambda _: [found]).pages  # type: ignore[arg-type]
    assert partly.read_whole
    assert page_read.fields["number"].value == "150402199902223122"


def test_a_frame_turned_half_keeps_whether_its_whole_border_was_seen():
    found = CardFrame(np.array(EDGES, np.float32), whole_border=True)
    assert found.turned_half().whole_border
    assert not CardFrame(np.array(EDGES, np.float32)).turned_half().whole_border
