"""Reading one rectified card: its page and orientation, its strips read and read again, their readings mended."""

from dataclasses import replace

import cv2
import numpy as np
import pytest

from engine.card import PX_PER_MM, CardFrame
from engine.card_reader import (
    CHECKED_NUMBER_SCORE,
    ID_NUMBER_SPAN,
    NOTE_IN_PART_SCORE,
    NUMBER_BOX_CONFIDENCE,
    RENEWAL_SCORE,
    even_ink,
    flatten_glare,
    read_again_whole,
    read_again_without_glare,
    read_card,
    stretch_contrast,
    title_overruns,
    with_listed_region,
    without_stray_wrap,
)
from engine.card_reader import _read_quads as read_strips
from engine.config import RecognitionConfig
from engine.field_decode import FieldCandidate, FieldDecoding, decode_field, field_spec
from engine.geometry import crop_quad
from engine.layout.fields import id_check_character, is_valid_id
from engine.layout.side import TITLED_CONFIDENCE
from engine.layout.zones import FRONT_SLOTS
from engine.results import TextLine
from engine.strips import STRIP_END_MARGIN, STRIP_HEIGHT
from engine.textdet import Detection
from engine.textrec import Recognition, build_alphabet, ctc_greedy_decode
from tests.unit.test_page_colours import PURPLE_BGR, card_with_number_box
from tests.unit.test_strips import line

SLOTS = {slot.key: slot for slot in FRONT_SLOTS}
# A blank rectified card for the re-reads, which crop from it.
BLANK_CARD = np.full((60 * 12, 88 * 12, 3), (200, 230, 210), np.uint8)


def test_flattening_glare_evens_the_contrast_of_ink_under_it():
    """Ink that takes 40% of the light, on stock lit from 140 on the left to 250 under glare on the right."""
    light = np.tile(np.linspace(140, 250, 400, dtype=np.float32), (40, 1))
    ink = np.zeros_like(light, dtype=bool)
    ink[12:28, 20:400:40] = ink[12:28, 21:400:40] = ink[12:28, 22:400:40] = True
    grey = np.where(ink, light * 0.6, light).astype(np.uint8)
    flat = cv2.cvtColor(flatten_glare(cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)), cv2.COLOR_BGR2GRAY).astype(float)
    left, right = slice(0, 100), slice(300, 400)
    assert abs(flat[:, left][ink[:, left]].mean() - flat[:, right][ink[:, right]].mean()) < 10
    assert flat[~ink].mean() - flat[ink].mean() > 150


ID_ALPHABET = build_alphabet(list("0123456789X"))


def confident_reading(text: str, alphabet: list[str] = ID_ALPHABET) -> Recognition:
    """A confident reading of `text`, a blank step after each character."""
    probabilities = np.zeros((2 * len(text), len(alphabet)), np.float32)
    probabilities[1::2, 0] = 1.0
    for step, character in enumerate(text):
        probabilities[2 * step, alphabet.index(character)] = 1.0
    return Recognition(text, 1.0, (), probabilities)


class FlattenedRecognizer:
    """Reads every crop it is given as `text`, noting the crops."""

    def __init__(self, text: str, alphabet: list[str] = ID_ALPHABET) -> None:
        self.text, self.crops, self.alphabet = text, [], alphabet

    def recognize(self, crops, base_width=None):
        self.crops += crops
        return [confident_reading(self.text, self.alphabet) for _ in crops]


@pytest.mark.parametrize(("flattened", "kept"), [("150402199902223122", True), ("150402199902223123", False)])
def test_an_id_number_that_breaks_its_check_is_read_again_without_glare(flattened, kept):
    strips = [("number", line(33.0, 78.0, 12.0)), ("file_number", line(53.0, 85.0, 17.0))]
    crops = [np.full((40, 300, 3), (200, 230, 210), np.uint8) for _ in strips]
    first = [confident_reading("150402199902223129"), confident_reading("12345")]  # both fail their grammar
    decoded = [
        decode_field(reading.probabilities, ID_ALPHABET, field_spec(key))
        for (key, _), reading in zip(strips, first, strict=True)
    ]
    recognizer = FlattenedRecognizer(flattened)
    readings, decodings = read_again_without_glare(
        recognizer, BLANK_CARD, strips, crops, first, decoded, [320] * len(strips)
    )
    assert len(recognizer.crops) == 1  # the ID number's row only
    assert readings[0].text == (flattened if kept else first[0].text) and readings[1] is first[1]
    assert decodings[0].valid is kept and decodings[0].text == readings[0].text and decodings[1] is decoded[1]


@pytest.mark.parametrize(("right", "lengthened"), [(60.0, True), (78.0, False)])
def test_an_id_number_strip_too_short_for_its_digits_is_read_again_lengthened(right, lengthened):
    """Glare hid the number's last digits from the detector, so its strip ended at 60 mm."""
    size = 3.5
    strips = [("number", line(33.0, right, 12.0, STRIP_HEIGHT * size))]
    crops = [crop_quad(BLANK_CARD, quad * PX_PER_MM)[0] for _, quad in strips]  # as _read_quads cuts them
    first = confident_reading("1504021999022231")  # two digits short
    decoded = [decode_field(first.probabilities, ID_ALPHABET, field_spec("number"))]
    recognizer = FlattenedRecognizer("150402199902223122")
    read_again_without_glare(recognizer, BLANK_CARD, strips, crops, [first], decoded, [320])
    expected_right = 33.0 + (ID_NUMBER_SPAN + STRIP_END_MARGIN) * size if lengthened else right
    assert recognizer.crops[0].shape[1] == pytest.approx((expected_right - 33.0) * PX_PER_MM, abs=2)


VALIDITY_ALPHABET = build_alphabet(list("0123456789-至长期"))


@pytest.mark.parametrize(("first", "reread"), [("2013-0", True), ("2013-07-02至长期", False)])
def test_a_grammar_row_that_fails_on_a_short_strip_is_read_again_on_its_whole_row(first, reread):
    """Glare washed out the row's end, so the detector, and the strip, stopped at `2013-0`."""
    strips = [("validity", line(25.0, 38.0, 52.0)), ("issue_date", line(46.0, 70.0, 47.0))]
    rows = {"validity": line(25.0, 85.0, 52.0), "issue_date": line(46.0, 85.0, 47.0)}
    readings = [confident_reading(first, VALIDITY_ALPHABET), confident_reading("2013-07-02", VALIDITY_ALPHABET)]
    decoded = [
        decode_field(reading.probabilities, VALIDITY_ALPHABET, field_spec(key))
        for (key, _), reading in zip(strips, readings, strict=True)
    ]
    recognizer = FlattenedRecognizer("2013-07-02至长期", VALIDITY_ALPHABET)
    kept, decodings = read_again_whole(recognizer, BLANK_CARD, strips, rows, readings, decoded, [320] * len(strips))
    assert len(recognizer.crops) == (1 if reread else 0)  # the issue date reads right: it is not read again
    if reread:
        assert recognizer.crops[0].shape[1] == pytest.approx((85.0 - 25.0) * PX_PER_MM, abs=2)
    assert kept[0].text == "2013-07-02至长期" and decodings[0].valid and kept[1] is readings[1]


def reading_line(text: str, score: float) -> TextLine:
    return TextLine(text, score, [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)])


@pytest.mark.parametrize(
    ("address", "wrapped", "score", "kept"),
    [
        ("长江路65号", "1号", 0.15, False),  # the dashed rule read after a complete address
        ("长江路65号", "3室", 0.9, True),  # read surely: kept
        ("长江路6", "5号", 0.3, True),  # an open end: the remainder is print, however unsure
    ],
)
def test_an_unsure_wrapped_row_after_a_complete_address_is_dropped(address, wrapped, score, kept):
    lines = [("address", reading_line(address, 1.0)), ("address2", reading_line(wrapped, score))]
    expected = [address, wrapped] if kept else [address]
    assert [line.text for line in without_stray_wrap(lines)] == expected


def test_evening_ink_makes_ink_that_glare_faded_as_dark_as_the_rest():
    """Ink 90 grey levels below its stock on the left; on the right, glare fading toward white leaves it 12 below."""
    stock = np.full((40, 400), 200.0, dtype=np.float32)
    stock[:, 300:] = 245.0
    ink = np.zeros_like(stock, dtype=bool)
    ink[12:28, 20:400:40] = ink[12:28, 21:400:40] = ink[12:28, 22:400:40] = True
    depth = np.where(np.arange(400) < 300, 90.0, 12.0)
    grey = np.where(ink, stock - depth, stock).astype(np.uint8)
    evened = cv2.cvtColor(even_ink(cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)), cv2.COLOR_BGR2GRAY).astype(float)
    left, right = slice(0, 200), slice(320, 400)
    assert abs(evened[:, left][ink[:, left]].mean() - evened[:, right][ink[:, right]].mean()) < 40
    assert evened[~ink].mean() - evened[ink].mean() > 150


ADDRESS_ALPHABET = build_alphabet(list("重庆市渝北区俞解放路113号"))


@pytest.mark.parametrize(
    ("first", "again", "kept"),
    [
        ("渝北区解放路113号", "重庆市渝北区解放路113号", True),  # glare took the municipality
        ("渝北区解放路113号", "俞北区解放路113号", False),  # the head still missing
        ("重庆市渝北区解放路113号", None, False),  # a listed head: not read again
    ],
)
def test_an_address_that_starts_with_no_listed_place_is_read_again_with_its_ink_evened(first, again, kept):
    strips = [("address", line(11.0, 80.0, 22.9))]
    crops = [np.full((40, 600, 3), (200, 230, 210), np.uint8)]
    recognizer = FlattenedRecognizer(again or first, ADDRESS_ALPHABET)
    first_reading = confident_reading(first, ADDRESS_ALPHABET)
    readings, _ = read_again_without_glare(recognizer, BLANK_CARD, strips, crops, [first_reading], [None], [320])
    assert len(recognizer.crops) == (0 if again is None else 1)
    assert readings[0].text == (again if kept else first)


CLASS_ALPHABET = build_alphabet(list("BC12N"))


@pytest.mark.parametrize(("again", "kept"), [("B1", True), ("12", False)])
def test_a_class_its_vocabulary_turns_down_is_read_again_with_its_ink_evened(again, kept):
    strips = [("class", line(36.0, 60.0, 47.0))]
    crops = [np.full((40, 300, 3), (200, 230, 210), np.uint8)]
    first = confident_reading("1", CLASS_ALPHABET)  # the letter lost to glare
    decoded = [decode_field(first.probabilities, CLASS_ALPHABET, field_spec("class"))]
    recognizer = FlattenedRecognizer(again, CLASS_ALPHABET)
    readings, decodings = read_again_without_glare(recognizer, BLANK_CARD, strips, crops, [first], decoded, [320])
    assert len(recognizer.crops) == 1
    assert readings[0].text == (again if kept else "1") and (decodings[0] is not None and decodings[0].valid) is kept


def test_stretch_contrast_maps_the_1st_and_99th_percentiles_to_black_and_white():
    # Pale ink (120) on tinted stock (200), with a few specks darker and brighter than both.
    grey = np.full((100, 100), 200, dtype=np.uint8)
    grey[40:60, :] = 120
    grey[0, :5], grey[1, :5] = 0, 255
    stretched = stretch_contrast(np.dstack([grey] * 3))
    assert stretched.shape == (100, 100, 3)
    assert stretched[50, 50, 0] == 0 and stretched[10, 10, 0] == 255


class WidthRecordingRecognizer:
    """Reads the crops of its first calls as `texts` (the title's right end, then its start when that is read) and
    every later crop as blank, noting the number of crops and the base width of each call."""

    config = RecognitionConfig()
    alphabet = ("", "a", " ")

    def __init__(self, *texts: str) -> None:
        self.texts = texts or ("机动车驾驶证",)
        self.calls: list[tuple[int, int | None]] = []

    def recognize(self, crops, base_width=None):
        self.calls.append((len(crops), base_width))
        text = self.texts[len(self.calls) - 1] if len(self.calls) <= len(self.texts) else ""
        return [Recognition(text, 0.99, (), np.full((8, 3), 1 / 3, np.float32)) for _ in crops]


class SealDetector:
    """Finds one line, in the main page's seal."""

    def detect(self, image, config=None):
        return [Detection(line(2.0, 22.0, 40.0) * PX_PER_MM, 0.9)]


def test_the_title_detected_lines_and_short_rows_are_padded_less_than_other_value_strips():
    image = np.full((600, 880, 3), 200, np.uint8)
    frame = CardFrame(np.array([[0, 0], [880, 0], [880, 600], [0, 600]], np.float32))
    recognizer = WidthRecordingRecognizer()
    reading = read_card(SealDetector(), None, recognizer, image, frame)
    assert reading.side == "front"
    tight, base = recognizer.config.tight_line_width, recognizer.config.image_width
    # The blank ID number, address and class rows are read again between the strips and the detected lines.
    (title, title_width), (strips, strip_widths), (again, again_widths), (detected, detected_width) = recognizer.calls
    assert title == 1 and strips > 5 and detected == 3  # the seal's line found, and its two rows missed
    assert title_width == [tight] and detected_width == tight
    assert sorted(strip_widths) == [tight] * 3 + [base] * (strips - 3)  # sex, nationality and class are short rows
    assert again == 3 and sorted(again_widths) == [tight, base, base]  # the class row is read again as short


@pytest.mark.parametrize(
    ("address", "seal_read"), [("", False), ("北京市东城区东四路1号", False), ("置云道区新兴镇", True)]
)
# Every strip reads the address, in characters the fake's alphabet lacks: a row's expected texts score -inf alike.
@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_a_seal_not_asked_for_is_read_only_to_help_mend_the_address(address: str, seal_read: bool):
    image = np.full((600, 880, 3), 200, np.uint8)
    frame = CardFrame(np.array([[0, 0], [880, 0], [880, 600], [0, 600]], np.float32))
    recognizer = WidthRecordingRecognizer("机动车驾驶证", address)  # every value strip reads as `address`
    reading = read_card(SealDetector(), None, recognizer, image, frame, read_seal=False)
    assert reading.side == "front"
    # The title and the seal's lines are cut tight; the seal's line found and its two rows missed make three.
    tight = recognizer.config.tight_line_width
    seal_crops = sum(count for count, width in recognizer.calls[1:] if width == tight)
    assert seal_crops == (3 if seal_read else 0)


class SealReadingRecognizer(WidthRecordingRecognizer):
    """Reads the title, then blank value strips, then every crop of its last call as `seal` with `score`."""

    def __init__(self, seal: str, score: float) -> None:
        super().__init__("机动车驾驶证", "", "")
        self.seal, self.score = seal, score

    def recognize(self, crops, base_width=None):
        if len(self.calls) < len(self.texts):
            return super().recognize(crops, base_width)
        self.calls.append((len(crops), base_width))
        return [Recognition(self.seal, self.score, (), np.zeros((8, 3), np.float32)) for _ in crops]


@pytest.mark.parametrize(("score", "read"), [(0.95, True), (0.3, False)])
def test_a_seal_the_detector_missed_whole_is_read_on_its_rows(score, read):
    """Pale red ink: the detector found the dates beside the seal but none of its rows."""
    image = np.full((600, 880, 3), 200, np.uint8)
    frame = CardFrame(np.array([[0, 0], [880, 0], [880, 600], [0, 600]], np.float32))
    recognizer = SealReadingRecognizer("市公安局", score)
    reading = read_card(DateRowsDetector(), None, recognizer, image, frame)
    assert reading.side == "front"
    assert recognizer.calls[-1][0] == 3
    seal = [line for line in reading.lines if line.text == "市公安局"]
    assert len(seal) == (3 if read else 0)  # rows read unsurely are noise, not the seal


class DateRowsDetector:
    """Finds text only where the main page prints its seal and dates, as on a page whose title was glared."""

    def detect(self, image, config=None):
        return [Detection(line(36.0, 56.0, y) * PX_PER_MM, 0.9) for y in (35.1, 41.4, 47.5)]


@pytest.mark.parametrize(("expected_side", "rows_read"), [(None, 1), ("front", 9)])
def test_an_untitled_page_is_read_whole_only_where_its_side_is_expected(expected_side, rows_read):
    """Untitled, a page stops at its ID number row when that holds none, unless it is the page expected there."""
    image = np.full((600, 880, 3), 200, np.uint8)
    frame = CardFrame(np.array([[0, 0], [880, 0], [880, 600], [0, 600]], np.float32))
    recognizer = WidthRecordingRecognizer("", "")
    reading = read_card(DateRowsDetector(), None, recognizer, image, frame, expected_side)
    assert reading.side == expected_side and not reading.titled
    title_start, rows = recognizer.calls[1:3]
    assert title_start[0] == 1 and rows[0] == rows_read


class NumberRowDetector:
    """Finds only the ID number's row, as on a back page whose title's end and ruled rows were glared."""

    def detect(self, image, config=None):
        return [Detection(line(13.0, 60.0, 11.9) * PX_PER_MM, 0.9)]


@pytest.mark.parametrize(
    ("title_start", "titled"),
    [("中华人民共和国机动车驾", True), ("中华人民共和困机动", True), ("中华人民共和国居民身份证", False), ("", False)],
)
def test_a_page_whose_title_end_was_lost_is_a_license_by_the_title_start(title_start, titled):
    """The start 中华人民共和国机动车 shows a license; the side then comes from where text sits (here the back's)."""
    image = np.full((600, 880, 3), 215, np.uint8)
    frame = CardFrame(np.array([[0, 0], [880, 0], [880, 600], [0, 600]], np.float32))
    recognizer = WidthRecordingRecognizer("品", title_start)
    reading = read_card(NumberRowDetector(), None, recognizer, image, frame)
    assert reading.titled == titled
    assert reading.side == ("back" if titled else None)
    # A license page is read whole (its blank record row skipped); an untitled one stops at its blank number row.
    rows = recognizer.calls[2][0]
    assert rows == (3 if titled else 1)


def test_a_page_whose_title_end_was_lost_takes_the_side_its_number_box_shows():
    """Where text sits says back (only the number row was found), the 证号 box says the main page: the box wins, at
    a confidence below a title's."""
    frame = CardFrame(np.array([[0, 0], [88 * 12, 0], [88 * 12, 60 * 12], [0, 60 * 12]], np.float32))
    recognizer = WidthRecordingRecognizer("品", "中华人民共和国机动车驾")
    reading = read_card(NumberRowDetector(), None, recognizer, card_with_number_box("front"), frame)
    assert (reading.side, reading.titled) == ("front", True)
    assert reading.side_confidence == NUMBER_BOX_CONFIDENCE < TITLED_CONFIDENCE


RED_BGR = (60, 50, 200)  # an ID card's emblem, a seal: as red as purple but yellower


@pytest.mark.parametrize(
    ("title_start", "box", "titled"),
    [
        ("中华人民共和国概志", PURPLE_BGR, True),  # 机动车 blurred past reading (a hard-tier back page)
        ("中央人民共知公礼", PURPLE_BGR, True),  # four of the country's characters in order
        ("华人民共", PURPLE_BGR, True),
        ("中央人民", PURPLE_BGR, False),  # three are too few
        ("中华人民共和国概志", RED_BGR, False),  # an ID card's emblem side
        ("中华人民共和国概志", None, False),
    ],
)
def test_the_title_s_first_words_beside_the_purple_number_box_show_a_license(title_start, box, titled):
    card = card_with_number_box(None) if box is None else card_with_number_box("back", box)
    frame = CardFrame(np.array([[0, 0], [88 * 12, 0], [88 * 12, 60 * 12], [0, 60 * 12]], np.float32))
    reading = read_card(NumberRowDetector(), None, WidthRecordingRecognizer("44", title_start), card, frame)
    assert reading.titled == titled
    assert reading.side == ("back" if titled else None)


class UnsureClassifier:
    """Gives every line the same upside-down score: 0.5 leaves the card's vote tied, 0.0 makes it sure."""

    def __init__(self, score: float) -> None:
        self.score = score

    def upside_down(self, crops):
        return [self.score] * len(crops)


class DarkTitleRecognizer(WidthRecordingRecognizer):
    """Reads a dark crop as the title's right end and anything else as blank."""

    def recognize(self, crops, base_width=None):
        self.calls.append((len(crops), base_width))
        return [
            Recognition("机动车驾驶证" if crop.mean() < 128 else "", 0.99, (), np.zeros((8, 3), np.float32))
            for crop in crops
        ]


@pytest.mark.parametrize(("score", "turned"), [(0.5, True), (0.0, False)])
def test_a_tied_orientation_vote_is_settled_by_where_the_title_reads(score, turned):
    """The title's place, turned half, is the only dark print: with the classifier unsure the card is turned to read
    it; with the classifier sure the card is left as it is."""
    image = np.full((600, 880, 3), 215, np.uint8)
    image[-int(9.5 * PX_PER_MM) :, : int(40 * PX_PER_MM)] = 40  # the title's right end, turned half
    corners = np.array([[0, 0], [880, 0], [880, 600], [0, 600]], np.float32)
    recognizer = DarkTitleRecognizer()
    reading = read_card(NumberRowDetector(), UnsureClassifier(score), recognizer, image, CardFrame(corners))
    assert np.array_equal(reading.frame.quad, np.roll(corners, 2, axis=0) if turned else corners)
    assert reading.titled == turned


class ScriptedRecognizer:
    """Returns the given readings, one per crop, in order."""

    config = RecognitionConfig()

    def __init__(self, readings: list[Recognition], alphabet: list[str]) -> None:
        self.readings, self.alphabet = list(readings), alphabet

    def recognize(self, crops, base_width=None):
        taken, self.readings = self.readings[: len(crops)], self.readings[len(crops) :]
        return taken


# Below what the grammar decoding branches on (field_decode.MIN_STEP_PROBABILITY): ink glare all but took.
GLARED = 5e-4


def scripted_reading(characters: list[tuple[str, float]], alphabet: list[str]) -> Recognition:
    """A reading with each character at its step's given probability, a blank step after each; its text is what
    greedy decoding keeps."""
    probabilities = np.zeros((2 * len(characters), len(alphabet)), np.float32)
    probabilities[:, 0] = 1.0
    for step, (character, chance) in enumerate(characters):
        probabilities[2 * step, alphabet.index(character)], probabilities[2 * step, 0] = chance, 1.0 - chance
    return Recognition(ctc_greedy_decode(probabilities, alphabet)[0], 1.0, (), probabilities)


def sure(text: str) -> list[tuple[str, float]]:
    return [(character, 1.0) for character in text]


def glared(text: str, chance: float = GLARED) -> list[tuple[str, float]]:
    return [(character, chance) for character in text]


DATE_ROWS = {"validity": line(25.0, 60.0, 52.0), "issue_date": line(46.0, 70.0, 47.0)}


def read_date_rows(readings: dict[str, Recognition], alphabet: list[str]) -> dict[str, TextLine]:
    """The first-issue date and validity rows read through _read_quads as `readings` (by key, in their order)."""
    strips = [(key, DATE_ROWS[key]) for key in readings]
    lines = read_strips(ScriptedRecognizer(list(readings.values()), alphabet), BLANK_CARD, strips)
    return dict(zip(readings, lines, strict=True))


@pytest.mark.parametrize(("issued", "validity"), [("2000-03-02", "2016-03-02至长期"), ("2010-03-02", "2016-03-02")])
def test_a_validity_row_whose_end_glare_took_gets_its_historys_end_at_a_low_score(issued, validity):
    """The row shows 至长期 faintly past a start 16 years after the first issue; 6 years after, 10 more would be due,
    and the row does not show that: it stays as read."""
    faint_end = scripted_reading([*sure("2016-03-02"), *glared("至长期")], VALIDITY_ALPHABET)
    readings = {"validity": faint_end, "issue_date": confident_reading(issued, VALIDITY_ALPHABET)}
    row = read_date_rows(readings, VALIDITY_ALPHABET)["validity"]
    assert row.text == validity
    assert row.score == (RENEWAL_SCORE if validity != faint_end.text else 1.0)


@pytest.mark.parametrize(
    ("end", "validity"), [(sure("2028-"), "2022-07-11至2028-07-11"), (glared("2028-"), "2022-07-11")]
)
def test_a_validity_row_whose_end_glare_took_in_part_gets_the_end_read_at_a_low_score(end, validity):
    """No first-issue date to go by: the year read after the start is 6 years on, and the row's end is that
    anniversary. With nothing read past the start, the row stays as read."""
    faint_end = scripted_reading([*sure("2022-07-11"), *glared("至"), *end, *glared("07-11")], VALIDITY_ALPHABET)
    faint_end = replace(faint_end, char_scores=(0.97,) * len(faint_end.text))
    readings = {"validity": faint_end, "issue_date": confident_reading("20", VALIDITY_ALPHABET)}
    row = read_date_rows(readings, VALIDITY_ALPHABET)["validity"]
    assert (row.text, row.score) == (validity, RENEWAL_SCORE if validity != faint_end.text else 1.0)
    if validity != faint_end.text:  # the start, read whole, keeps its characters' scores; the mended end is capped
        assert row.char_scores == (0.97,) * 10 + (RENEWAL_SCORE,) * 11


RECORD_ALPHABET = build_alphabet(list("0123456789实习期至年月日。有效"))


@pytest.mark.parametrize(
    ("read", "record"), [("至2023年05月16日。", "实习期至2023年05月16日。"), ("有效期至2023年05月16日", None)]
)
def test_a_record_row_read_as_part_of_a_probation_note_gets_the_note_at_a_low_score(read, record):
    """Glare took the note's head: the rest is the note of the date read. A record with other words stays as read."""
    strips = [("record", line(10.0, 63.0, 24.0))]
    lines = read_strips(
        ScriptedRecognizer([confident_reading(read, RECORD_ALPHABET)], RECORD_ALPHABET), BLANK_CARD, strips
    )
    assert (lines[0].text, lines[0].score) == ((record, NOTE_IN_PART_SCORE) if record else (read, 1.0))


OLD_PRINT_ALPHABET = build_alphabet(list("0123456789-至长期有效限年"))


def test_a_validity_row_that_lost_its_start_gets_the_history_row_holding_its_digits_at_a_low_score():
    """Glare all but took the start's year and the label of an old print's `1999-07-17 有效期限 6年`: the row ranks a
    first license's row first, and it holds the digits read, 0 7 1 7 6."""
    faint_start = scripted_reading(
        [*glared("1999", 0.01), *sure("-07-17"), *glared("有效期限", 0.01), *sure("6年")], OLD_PRINT_ALPHABET
    )
    assert faint_start.text == "-07-176年"
    readings = {"validity": faint_start, "issue_date": confident_reading("1999-07-17", OLD_PRINT_ALPHABET)}
    row = read_date_rows(readings, OLD_PRINT_ALPHABET)["validity"]
    assert (row.text, row.score) == ("1999-07-17至2005-07-17", RENEWAL_SCORE)


@pytest.mark.parametrize(
    ("validity", "issued"), [("2024-09-28至2034-09-28", "2018-09-28"), ("2024-09-28至2030-09-28", "2018-09")]
)
def test_an_issue_date_whose_day_glare_took_gets_the_date_its_validity_gives_at_a_low_score(validity, issued):
    """The issue row shows -28 faintly after 2018-09. A 10-year validity started 6 years after the first issue, on
    its anniversary; a 6-year one started on it, in 2024, which the row denies: it stays as read."""
    faint_day = scripted_reading([*sure("2018-09"), *glared("-28")], VALIDITY_ALPHABET)
    readings = {"issue_date": faint_day, "validity": confident_reading(validity, VALIDITY_ALPHABET)}
    row = read_date_rows(readings, VALIDITY_ALPHABET)["issue_date"]
    assert row.text == issued
    assert row.score == (RENEWAL_SCORE if issued != faint_day.text else 1.0)


ROOM_ALPHABET = build_alphabet(list("0123456789号楼门室"))


def test_an_address_row_that_wraps_gets_its_misread_door_back_by_the_next_rows_digits():
    """`18号楼2门25` + `04号`, its 门 read as 11: only 门 for both 1s leaves a room of four digits with the next row's
    04."""
    steps = np.zeros((16, len(ROOM_ALPHABET)), np.float32)
    steps[:, 0] = 1.0
    for step, (character, chance) in enumerate(
        [("1", 1.0), ("8", 1.0), ("号", 1.0), ("楼", 1.0), ("2", 1.0), ("1", 0.5), ("1", 0.6), ("2", 1.0)]
    ):
        steps[2 * step, ROOM_ALPHABET.index(character)], steps[2 * step, 0] = chance, 1.0 - chance
    steps[10, ROOM_ALPHABET.index("门")], steps[10, 0] = 0.3, 0.2  # the first 1's step also sees 门
    row = np.concatenate([steps, confident_reading("5", ROOM_ALPHABET).probabilities])
    first = Recognition("18号楼21125", 0.9, (), row)
    strips = [("address", line(12.0, 60.0, 30.0)), ("address2", line(12.0, 30.0, 35.0))]
    wrap = confident_reading("04号", ROOM_ALPHABET)
    recognizer = ScriptedRecognizer([first, wrap, first], ROOM_ALPHABET)  # the address is read again, evened
    address, rest = read_strips(recognizer, BLANK_CARD, strips)
    assert (address.text, rest.text) == ("18号楼2门25", "04号")


def _number_decoding(chosen: str, likeliest: str, score: float = 0.95) -> FieldDecoding:
    candidates = (FieldCandidate(likeliest, 0.4, is_valid_id(likeliest)), FieldCandidate(chosen, 0.1, True))
    return FieldDecoding(chosen, score, True, candidates if chosen != likeliest else candidates[:1])


def _read_surely(text: str) -> tuple[Recognition, list[str]]:
    """A line that read `text` with no doubt at any step: it speaks for no other region (listed_region_number)."""
    return confident_reading(text), ID_ALPHABET


def _with_check(first17: str) -> str:
    return first17 + id_check_character(first17)


def test_a_number_its_check_digit_moved_into_an_unlisted_region_takes_the_one_listed_region_a_digit_away():
    # Read 126103... (6 for 0); the check digit's likeliest fix changed a second digit, to 126193: no such division.
    likeliest = "126103197207134641"
    decoded = with_listed_region(_number_decoding("126193197207134641", likeliest), *_read_surely(likeliest))
    assert decoded.text == "120103197207134641"
    assert decoded.score == CHECKED_NUMBER_SCORE


def test_a_number_read_valid_in_an_unlisted_region_takes_the_listed_one_its_steps_rank_first_but_unsure():
    """159482 for 150402: two slashed zeros misread, the check sum unchanged; the line leans to 0 at both."""
    read = "159482199902223122"
    recognition = confident_reading(read)
    for position, (digit, chance) in {2: ("0", 0.2), 4: ("0", 0.3)}.items():
        recognition.probabilities[2 * position, ID_ALPHABET.index(read[position])] = 1.0 - chance
        recognition.probabilities[2 * position, ID_ALPHABET.index(digit)] = chance
    decoded = with_listed_region(_number_decoding(read, read), recognition, ID_ALPHABET)
    assert (decoded.text, decoded.score) == ("150402199902223122", CHECKED_NUMBER_SCORE)


def test_a_number_read_a_digit_short_takes_the_valid_number_with_it_put_back_but_unsure():
    """1987's 8 faint under blank: 17 digits read, no valid number decoded from them."""
    printed = "220102198709246573"
    recognition = confident_reading(printed)
    lost_step = 2 * 8
    recognition.probabilities[lost_step, ID_ALPHABET.index("8")] = 0.1
    recognition.probabilities[lost_step, 0] = 0.9
    read = printed[:8] + printed[9:]
    recognition = replace(recognition, text=read)
    decoded = with_listed_region(
        FieldDecoding(read, 0.9, False, (FieldCandidate(read, 0.9, False),)), recognition, ID_ALPHABET
    )
    assert (decoded.text, decoded.score, decoded.valid) == (printed, CHECKED_NUMBER_SCORE, True)


def test_a_number_checked_into_an_unlisted_region_with_no_listed_one_near_stays_as_chosen_but_unsure():
    chosen = _with_check("99999919900101123")
    likeliest = chosen[:-2] + str((int(chosen[-2]) + 1) % 10) + chosen[-1]
    decoded = with_listed_region(_number_decoding(chosen, likeliest), *_read_surely(likeliest))
    assert (decoded.text, decoded.score) == (chosen, CHECKED_NUMBER_SCORE)


@pytest.mark.parametrize(
    ("chosen", "likeliest"),
    [
        # Read valid outright: its region may be a code retired before 2000, which the list does not hold.
        ("436192195607035842", "436192195607035842"),
        # Checked into a listed division.
        (_with_check("12010319720713464"), "120103197207134640"),
    ],
)
def test_a_number_read_valid_or_checked_into_a_listed_region_is_left_alone(chosen, likeliest):
    decoded = _number_decoding(chosen, likeliest)
    assert with_listed_region(decoded, *_read_surely(likeliest)) == decoded


def test_a_title_row_running_past_the_printed_title_says_the_frame_misses_the_card():
    """3131 photo img_0233: a frame whose right side was a shape's edge inside the card stretched the title to
    19.2..87.8 mm (printed 15.6..72.2); its English line below ran as far."""
    stretched = [line(19.2, 87.8, 6.5, 5.5), line(19.7, 87.9, 10.4, 3.1)]
    assert title_overruns(stretched, 5.3, "front")
    assert not title_overruns([line(15.8, 72.0, 5.4, 4.4), line(17.0, 76.0, 9.6, 2.6)], 5.3, "front")
    assert not title_overruns(stretched[1:], 5.3, "front")  # only the title's own row tells
    back_title = [line(13.6, 78.0, 5.3, 4.4)]  # 4.0 mm past the back page's title box, 5.7 past the main page's
    assert title_overruns(back_title, 5.3, "front")
    assert not title_overruns(back_title, 5.3, "back")
    assert not title_overruns(back_title, 1.0, "back")  # a line far from the row where the title was found


def test_the_title_overrun_sees_the_title_row_the_cut_outline_sees():
    """Both take the title's row from cut_card.title_boxes: a box centred 2.3 mm below it is on it; one as tall as the
    title and the English line below it together is not."""
    assert title_overruns([line(15.8, 80.0, 7.6, 4.4)], 5.3, "front")
    assert not title_overruns([line(15.8, 80.0, 7.6, 9.0)], 5.3, "front")
