"""Reading one rectified card: find its text, turn it upright, tell the page, then read each value where it is printed.

A generic detector misses pale values and merges labels with values; on a rectified card neither matters, because
every value has a known row (zones.FRONT_SLOTS, zones.BACK_SLOTS). The detector only finds how far the rows sit from
their nominal place (row_offset.py), where each row's text ends, the card's orientation, and the red seal's lines;
each value is then read from a strip along its row that starts right of its label (strips.py places the strips;
page_colours.py tells a page whose title was lost). Everything here is in card millimetres.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial

import cv2
import numpy as np
import numpy.typing as npt

from engine.address_grammar import ADDRESS_ENDINGS
from engine.card import CARD_HEIGHT_MM, CARD_WIDTH_MM, PX_PER_MM, CardFrame
from engine.config import DetectionConfig, RecognitionConfig
from engine.cut_card import TITLE_BOX_MM, cut_outline, title_boxes
from engine.digit_mend import REGION_DIGITS, likeliest_listed_number, mended_validity, number_with_lost
from engine.field_decode import (
    DIGITS,
    USUAL_NATIONALITIES,
    FieldDecoding,
    address_head_reading,
    address_room_reading,
    decode_field,
    expected_reading,
    field_spec,
    history_validity,
    is_validity_row,
    issue_date_by_history,
    issue_date_by_validity,
    lost_end_validity,
    name_reading,
    probation_note_in_part,
    probation_record,
    renewal_validity,
    validity_reading,
)
from engine.geometry import QuadArray, crop_quad, lengthen, to_quad, turn_half
from engine.layout.fields import find_dated_spans, find_dates, find_id_number, is_date, is_valid_id
from engine.layout.places import is_listed_region, starts_with_place
from engine.layout.row_offset import MAX_SLOPE, NO_OFFSET, RowOffset, fit_row_offset
from engine.layout.side import TITLED_CONFIDENCE, classify_title, shows_country, shows_title_start
from engine.layout.zones import (
    BACK_SLOTS,
    BACK_ZONES,
    FRONT_SLOTS,
    FRONT_ZONES,
    TITLE_SLOT,
    TITLE_START_SLOT,
    zone_of,
)
from engine.page_colours import number_box_side, plain_main_page_areas, shows_purple_box
from engine.results import Side, TextLine
from engine.strips import (
    STRIP_END_MARGIN,
    STRIP_HEIGHT,
    box,
    fit_strip,
    missed_seal_rows,
    row_strip,
    seal_rows_at,
    whole_slot,
)
from engine.textcls import LineClassifier
from engine.textdet import TextDetector, resize_for_detection
from engine.textrec import Recognition, TextRecognizer, carried_positions

# A point (x, y) in card millimetres lies at CARD_SIZE_MM - (x, y) on the card turned half.
CARD_SIZE_MM = np.array([CARD_WIDTH_MM, CARD_HEIGHT_MM], dtype=np.float32)
# Text is found on a smaller copy: the detector's cost grows with its area, and it only has to find rows.
DETECTION = DetectionConfig(limit_side_len=640)
# Strips decoded again under their field's grammar (engine/field_decode.py).
GRAMMAR_FIELDS = ("number", "birth", "issue_date", "class", "file_number", "sex", "validity")
# A wrapped remainder read less surely than this after an address that ends complete (号, 室) is the dashed rule or
# the photo box's edge, not print (`65号` + `1号` at 0.15): it is dropped. After an open end it stays: a lone 号 or 室
# often reads that unsurely and is mended (address_grammar.address_rewrites).
WRAP_MIN_SCORE = 0.5
# The card's orientation is voted by this many of its longest lines.
ORIENTATION_VOTERS = 8
# A vote this close (weighted mean of the lines' 2p - 1, -1..1) is left to the title: on glared cards the longest
# lines can be washed out or short. Seeds 2026 and 4242: 15 of 517 cards vote closer, 3 of them wrongly; the title
# read both ways settles all 15, and no card voting further off is wrong.
ORIENTATION_TIE = 0.3
# Rows short by layout (sex ~78 px at the recognizer's height, nationality and class ~185) are padded to the config's
# tight_line_width instead of image_width: ~400 px less recognizer width per main page, 10 ms median (108 images of
# seed 2026, paired), six seeds' fields the same net (hard +1, wallet -1). Names, dates, file numbers and an address's
# second line padded as little lost scan and wallet fields.
SHORT_ROWS = frozenset({"sex", "nationality", "class"})
# Detected lines are read a little past both ends (share of their height): DB boxes clip a last character now and then.
LINE_END_MARGIN = 0.5
# Rows read again with their glare undone when their first reading fails its check (read_again_without_glare): flattened
# (flatten_glare) or with their ink evened (even_ink). And the share of the darkest and brightest flattened pixels
# clipped in the stretch that follows flattening.
REREAD_FLATTENED = ("number",)
# An ID number's 18 digits span up to this many character heights (10.5-12.4 on synthetic main and back pages). Glare
# that takes the last digits also hides them from the detector, so a strip can end short of them: a number read
# again on a shorter strip is read on one this long plus STRIP_END_MARGIN. Only failed readings are lengthened, and
# only short strips: the recognizer reads the same digits differently on strips a few millimetres longer.
ID_NUMBER_SPAN = 12.5
REREAD_EVENED = ("address", "class")
# Rows read again on their whole row when their reading fails its grammar on a strip that ended before the row's end
# (read_again_whole). The ID number has its own lengthening (ID_NUMBER_SPAN), and a class is two or three characters.
READ_WHOLE_AGAIN = ("birth", "issue_date", "validity", "file_number")
# An ID number whose check digit chose digits the recognizer did not read most surely (its likeliest reading fails the
# check) lands in a division no list holds only by a misread (5555 hard img_0038: 126193 for a misread 126103, at
# 0.96). The valid number of a listed division the line's steps rank first (digit_mend.likeliest_listed_number), or
# else where one change to the likeliest reading's region digits gives a valid number of a listed division, is taken;
# either way the number scores at most this. A number read valid outright the line gives no listed division for is
# left as read: its region may be a code retired before 2000 (places.is_listed_region lists those since).
CHECKED_NUMBER_SCORE = 0.8
# A validity row mended to the end the license's history gives (field_decode.renewal_validity) scores at most this,
# every character of it, so both its dates do: on a row whose end is blank the history alone chose it. So does a
# first-issue date mended from the validity row (field_decode.issue_date_by_history), and the end of a validity row
# mended from the part of it read (field_decode.lost_end_validity; its start, read whole, keeps its scores).
RENEWAL_SCORE = 0.5
# A record row mended to the probation note from its date and some of its words (field_decode.probation_note_in_part)
# scores at most this: glare took the rest, and the note's usual text filled it in.
NOTE_IN_PART_SCORE = 0.5
FLATTENED_PERCENTILES = (1, 99)
# even_ink: ink fainter than this (8-bit grey below its background) is noise, not faded print.
FAINTEST_INK = 8.0
# Zones read from detected lines instead of strips: the seal's three lines and later record lines sit anywhere.
DETECTED_ZONES = {"front": ("seal",), "back": ("record2",)}
# A row read there less surely than this is dropped: where glare took the seal whole, its rows read as noise.
SEAL_MIN_SCORE = 0.5
# A page told by where its purple 证号 box is (page_colours.number_box_side), its title's right end lost, has this
# confidence.
NUMBER_BOX_CONFIDENCE = 0.8
# A frame that misses the card on one side stretches the print toward that side, and the title's row runs on past
# where the detector's box around the title ends (cut_card.TITLE_BOX_MM). Photo, hard and wallet tiers of six seeds,
# 1222 pages read in the card finder's frames with a box on the title's row: of the 1186 framed within 2%, one ran
# 4.95 mm past it (5555 hard img_0085) and the rest at most 3.4 mm; 3 of the 36 framed worse ran 5.9-15.5 mm past
# (3131 photo img_0233: 15.5).
TITLE_OVERRUN_MM = 5.0


@dataclass(frozen=True)
class CardReading:
    frame: CardFrame
    """The card's frame turned upright (the card finder cannot tell 0 from 180 degrees)."""
    side: Side | None
    side_confidence: float
    titled: bool
    """The page was told by its title; otherwise only by where text sits, which a non-license can imitate."""
    lines: list[TextLine]
    """Recognized lines in card millimetres: the title, one per value strip, and detected lines of DETECTED_ZONES."""
    row_offset: RowOffset = NO_OFFSET
    """How far the value rows sit from their nominal place: the zones that sort the lines' characters move with it."""
    outline: QuadArray | None = None
    """The card's corners in the photo where they are not the frame's: a side the photo's edge stood in for, moved
    to where the title puts the hidden side (cut_card.py). Lines stay in the frame's millimetres."""
    misframed: bool = False
    """The page's own print says the frame misses the card (title_overruns, stretched_to_limit)."""


def detection_shape() -> tuple[int, int]:
    """The (height, width) every card page's text detection runs at: a card is always rectified to one size."""
    height, width = round(CARD_HEIGHT_MM * PX_PER_MM), round(CARD_WIDTH_MM * PX_PER_MM)
    resized, _ = resize_for_detection(np.zeros((height, width, 3), dtype=np.uint8), DETECTION)
    return resized.shape[0], resized.shape[1]


def read_card(
    detector: TextDetector,
    classifier: LineClassifier | None,
    recognizer: TextRecognizer,
    image: npt.NDArray[np.uint8],
    frame: CardFrame,
    expected_side: Side | None = None,
    read_seal: bool = True,
) -> CardReading:
    """`expected_side`: the page this frame must be when it is a page at all (an open wallet's other page); a page
    of that side told only by where its text sits is then read whole, ID number or not. `read_seal`: read the main
    page's seal (its rows cost about two value strips of recognizer work) for the issuing authority; off, it is read
    only where the address row reads as no listed place, since the authority's city helps mend its head."""
    card = frame.rectify(image, PX_PER_MM)
    found = [detection.quad / PX_PER_MM for detection in detector.detect(stretch_contrast(card), DETECTION)]
    if classifier is not None and found and _upside_down(classifier, recognizer, card, found):
        frame = frame.turned_half()
        card = np.ascontiguousarray(card[::-1, ::-1])
        found = [turn_half(CARD_SIZE_MM - quad) for quad in found]

    title = _read_quads(recognizer, card, [whole_slot(TITLE_SLOT)], recognizer.config.tight_line_width)
    kind = classify_title(title[0].text, found)
    if kind is None:
        return CardReading(frame, None, 0.0, False, title)
    if kind.side == "front" and plain_main_page_areas(card, found):
        # The title's 副页 was lost (glare, blur) on a page without the main page's photo, seal and dates.
        kind = replace(kind, side="back")
    titled = kind.confidence >= TITLED_CONFIDENCE
    boxed = None if titled else number_box_side(card)
    if boxed is not None:
        kind = replace(kind, side=boxed, confidence=NUMBER_BOX_CONFIDENCE)
    if not titled:
        # Glare or blur took the title's right end: its start still shows a license (the page stays told by its
        # number box or its layout), and so do its first words beside the purple 证号 box, however blurred 机动车 is.
        title += _read_quads(recognizer, card, [whole_slot(TITLE_START_SLOT)])
        start = title[-1].text
        titled = shows_title_start(start) or (
            boxed is not None and shows_country(start) and shows_purple_box(card, boxed)
        )
    slots = FRONT_SLOTS if kind.side == "front" else BACK_SLOTS
    offset = fit_row_offset(found, slots)
    strips = [(slot.key, quad) for slot in slots if (quad := fit_strip(slot, offset, found, slots)) is not None]
    rows = {slot.key: row_strip(slot, offset, slot.x1) for slot in slots}
    read_first = title
    if not titled and kind.side != expected_side:
        # A page told only by where its text sits counts only with an ID number (license.read_card_page): read that
        # row first, and stop there when it holds none (an app screenshot's card, a photo box, a sleeve).
        number = _read_quads(recognizer, card, [strip for strip in strips if strip[0] == "number"])
        if not any(find_id_number(line.text) for line in number):
            return CardReading(frame, None, 0.0, False, title + number)
        read_first = title + number
        strips = [strip for strip in strips if strip[0] != "number"]
    values = _read_keyed(recognizer, card, strips, rows=rows)
    # The authority's city vouches for mending an address whose head is no listed place (crosscheck.correct_places).
    read_seal = read_seal or address_needs_mending(values)
    zoned = [(zone_of_quad(quad, kind.side), quad) for quad in found]
    if not read_seal:
        zoned = [(zone, quad) for zone, quad in zoned if zone != "seal"]
    detected = [quad for zone, quad in zoned if zone is not None]
    seal_rows: list[QuadArray] = []
    if kind.side == "front" and read_seal:
        seal = [quad for zone, quad in zoned if zone == "seal"]
        detected += missed_seal_rows(seal)
        if not seal:
            seal_rows = seal_rows_at(offset)
    lines = (
        read_first
        + without_stray_wrap(values)
        + _read_detected(recognizer, card, detected)
        + _read_seal_rows(recognizer, card, seal_rows)
    )
    title_y = TITLE_SLOT.y + offset.at(TITLE_SLOT.y)
    outline = cut_outline(frame, image.shape, found, title_y, kind.side)
    misframed = title_overruns(found, title_y, kind.side) or stretched_to_limit(offset)
    return CardReading(frame, kind.side, kind.confidence, titled, lines, offset, outline, misframed)


def title_overruns(found: list[QuadArray], title_y: float, side: Side) -> bool:
    """A box detected on the title's row (`title_y`, card mm; cut_card.title_boxes) ends more than TITLE_OVERRUN_MM
    past where the detector's box around the printed title ends (cut_card.TITLE_BOX_MM): the frame misses the card."""
    title_end = TITLE_BOX_MM[side][1]
    return any(float(box[:, 0].max()) > title_end + TITLE_OVERRUN_MM for box in title_boxes(found, title_y))


def stretched_to_limit(offset: RowOffset) -> bool:
    """The rows' offset grows from the title down as fast as row_offset lets it (MAX_SLOPE): the frame is too tall
    or too short by 5% of the card's height or more. Photo, hard and wallet tiers of six seeds, 1353 pages read:
    none of the 1213 framed within 2% reached the limit (0.045 at most), 28 of the 140 framed worse did."""
    return abs(offset.slope) >= MAX_SLOPE


def stretch_contrast(card: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """The card in grey with its 1st..99th brightness percentiles stretched to full range: values printed in pale
    ink on the tinted stock stand out for the detector, whatever the tint and the light."""
    grey = cv2.cvtColor(card, cv2.COLOR_BGR2GRAY)
    # Percentiles from the 256-bin histogram: np.percentile sorts the whole card (~10 ms).
    counts = np.cumsum(cv2.calcHist([grey], [0], None, [256], [0, 256]).ravel())
    low, high = np.searchsorted(counts, (0.01 * counts[-1], 0.99 * counts[-1]))
    scale = 255.0 / max(float(high - low), 1.0)
    table = np.clip((np.arange(256) - low) * scale, 0, 255).astype(np.uint8)
    return np.asarray(cv2.cvtColor(cv2.LUT(grey, table), cv2.COLOR_GRAY2BGR), dtype=np.uint8)


def flatten_glare(crop: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """A strip in grey divided by its own background (_grey_and_background), then stretched: glare is smooth light
    added over the card, so the ink left under it keeps its contrast to what surrounds it."""
    grey, background = _grey_and_background(crop)
    ratio = grey / np.maximum(background, 1.0)
    low, high = np.percentile(ratio, FLATTENED_PERCENTILES)
    stretched = np.clip((ratio - low) * (255.0 / max(float(high - low), 1e-3)), 0, 255).astype(np.uint8)
    return np.asarray(cv2.cvtColor(stretched, cv2.COLOR_GRAY2BGR), dtype=np.uint8)


def even_ink(crop: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """A strip with each stretch of ink as dark as the darkest ink about one character around it: glare that fades
    toward white leaves an address's first characters a tenth as dark as the rest, and the recognizer then takes
    them for stock. The ink is how far each pixel lies below its background (_grey_and_background)."""
    grey, background = _grey_and_background(crop)
    ink = np.maximum(background - grey, 0.0)
    height = crop.shape[0]
    width = height | 1
    darkest = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (width, 2 * height + 1)))
    darkest = cv2.GaussianBlur(darkest, (0, 0), width / 2)
    evened = np.clip(255.0 * (1.0 - ink / np.maximum(darkest, FAINTEST_INK)), 0, 255).astype(np.uint8)
    return np.asarray(cv2.cvtColor(evened, cv2.COLOR_GRAY2BGR), dtype=np.uint8)


def _grey_and_background(crop: npt.NDArray[np.uint8]) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """A strip in grey, and its stock without the ink: the strip with its ink closed over (a square a strip's height
    wide spans any stroke) and smoothed."""
    grey = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY).astype(np.float32)
    size = max(3, crop.shape[0] // 2 * 2 + 1)
    background = cv2.morphologyEx(grey, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
    return grey, np.asarray(cv2.GaussianBlur(background, (0, 0), size / 3), dtype=np.float32)


def zone_of_quad(quad: QuadArray, side: Side) -> str | None:
    """The zone of a detected line that is read as detected (DETECTED_ZONES), else None."""
    zones = FRONT_ZONES if side == "front" else BACK_ZONES
    centre_x, centre_y = quad.mean(axis=0)
    key = zone_of(zones, float(centre_x), float(centre_y))
    return key if key in DETECTED_ZONES[side] else None


def _upside_down(
    classifier: LineClassifier, recognizer: TextRecognizer, card: npt.NDArray[np.uint8], found: list[QuadArray]
) -> bool:
    """The whole card's vote: every line reads the same way, and long lines the classifier is sure of count most.
    The longest lines are enough to settle it; when they barely do, the title decides (_title_turned)."""
    longest = sorted(found, key=lambda quad: -float(np.linalg.norm(quad[1] - quad[0])))[:ORIENTATION_VOTERS]
    crops = [crop_quad(card, quad * PX_PER_MM)[0] for quad in longest]
    scores = np.asarray(classifier.upside_down(crops), dtype=np.float64)
    widths = np.array([crop.shape[1] for crop in crops], dtype=np.float64)
    vote = float((widths * (2 * scores - 1)).sum() / widths.sum())
    turned = _title_turned(recognizer, card) if abs(vote) < ORIENTATION_TIE else None
    return vote > 0 if turned is None else turned


def _title_turned(recognizer: TextRecognizer, card: npt.NDArray[np.uint8]) -> bool | None:
    """Whether the title shows only on the card turned half (True) or only as it is (False); None when it shows both
    ways or neither. The title's right end is read first, its start only when that settles nothing."""
    for slot, shows, base_width in (
        (TITLE_SLOT, _shows_title_end, recognizer.config.tight_line_width),
        (TITLE_START_SLOT, shows_title_start, None),
    ):
        key, quad = whole_slot(slot)
        both_ways = [(key, quad), (key, CARD_SIZE_MM - quad)]  # the same corners on the card turned half
        as_is, turned = (shows(line.text) for line in _read_quads(recognizer, card, both_ways, base_width))
        if as_is != turned:
            return turned
    return None


def _shows_title_end(text: str) -> bool:
    kind = classify_title(text, [])
    return kind is not None and kind.confidence >= TITLED_CONFIDENCE


def address_needs_mending(values: list[tuple[str, TextLine]]) -> bool:
    """The address row of these (key, line) pairs holds text that does not start with a listed place."""
    return any(key == "address" and line.text.strip() and not starts_with_place(line.text) for key, line in values)


def _read_quads(
    recognizer: TextRecognizer,
    card: npt.NDArray[np.uint8],
    strips: list[tuple[str, QuadArray]],
    base_width: int | None = None,
) -> list[TextLine]:
    """The strips read (_read_keyed)."""
    return without_stray_wrap(_read_keyed(recognizer, card, strips, base_width))


def strip_base_width(config: RecognitionConfig, key: str) -> int:
    """The width a value strip is padded to at least: a short row's is tight_line_width, every other row's the
    models' image_width."""
    return config.tight_line_width if key in SHORT_ROWS else config.image_width


def _read_keyed(
    recognizer: TextRecognizer,
    card: npt.NDArray[np.uint8],
    strips: list[tuple[str, QuadArray]],
    base_width: int | None = None,
    rows: dict[str, QuadArray] | None = None,
) -> list[tuple[str, TextLine]]:
    """Each strip read, as (key, line); a field with a grammar is decoded again with only its characters allowed,
    and the most probable candidate its grammar accepts replaces the greedy reading (ID check digit, real dates,
    classes). `rows`: each strip's whole row, for the rows READ_WHOLE_AGAIN (read_again_whole). `base_width`: the
    width every strip is padded to at least; None pads each as its row does (strip_base_width)."""
    crops = [crop_quad(card, quad * PX_PER_MM)[0] for _, quad in strips]
    bases = [base_width or strip_base_width(recognizer.config, key) for key, _ in strips]
    recognitions = recognizer.recognize(crops, bases)
    decodings = [
        _grammar_decoding(key, rec, recognizer.alphabet) for (key, _), rec in zip(strips, recognitions, strict=True)
    ]
    recognitions, decodings = read_again_without_glare(recognizer, card, strips, crops, recognitions, decodings, bases)
    if rows:
        recognitions, decodings = read_again_whole(recognizer, card, strips, rows, recognitions, decodings, bases)
    wrapped = any(key == "address2" for key, _ in strips)
    continued = next(
        (_leading_digits(rec.text) for (key, _), rec in zip(strips, recognitions, strict=True) if key == "address2"),
        None,
    )
    lines: list[tuple[str, TextLine]] = []
    for (key, quad), rec, decoded in zip(strips, recognitions, decodings, strict=True):
        line = TextLine(rec.text, rec.score, to_quad(quad), rec.char_scores, rec.char_positions, rec.lost)
        ends_address = key == ("address2" if wrapped else "address")
        if decoded is not None and decoded.valid:
            line = replace(line, lost=())  # its grammar vouches for every character, none skipped
            if decoded.text != rec.text:
                # A mended character keeps the greedy reading's score when the lengths match; else the line's applies.
                # An ID number's characters score no higher than its decoding, which CHECKED_NUMBER_SCORE caps.
                same_length = len(decoded.text) == len(rec.text)
                ceiling = decoded.score if key == "number" else 1.0
                char_scores = tuple(min(score, ceiling) for score in rec.char_scores) if same_length else ()
                line = TextLine(
                    decoded.text, decoded.score, line.quad, char_scores, carried_positions(rec, decoded.text)
                )
        elif (usual := _usual_reading(key, rec, recognizer.alphabet, ends_address, continued)) is not None:
            # Characters it adds may be the skipped ones: their marks then go.
            lost = rec.lost if len(usual) <= len(rec.text) else ()
            line = TextLine(usual, rec.score, line.quad, (), carried_positions(rec, usual), lost)
        lines.append((key, line))
    lines = _dates_by_history(lines, recognitions, recognizer.alphabet)
    lines = _with_row_mended(
        lines, recognitions, "validity", partial(_validity_end_in_part, alphabet=recognizer.alphabet)
    )
    return _with_row_mended(lines, recognitions, "record", _note_in_part)


def _dates_by_history(
    lines: list[tuple[str, TextLine]], recognitions: list[Recognition], alphabet: Sequence[str]
) -> list[tuple[str, TextLine]]:
    """The (key, line) pairs, one per strip as read (`recognitions`), with the first-issue date and validity rows
    mended by the license's history (layout.fields.RENEWAL_PERIODS) where one is read and the other is not, each at a
    score of at most RENEWAL_SCORE: the history chose its digits. First a first-issue date row that holds no date,
    even read leniently as the layout reads it (`2009:04-20` is one), from the validity row
    (field_decode.issue_date_by_history), or one read on another month and day than the validity's two dates
    (field_decode.issue_date_by_validity); then a validity row its grammar rejects, from the first-issue date
    (field_decode.renewal_validity, history_validity)."""
    rows = {key: index for index, (key, _) in enumerate(lines)}
    if "issue_date" not in rows or "validity" not in rows:
        return lines
    at_issue, at_validity = rows["issue_date"], rows["validity"]
    mended = list(lines)
    issue, validity = lines[at_issue][1], lines[at_validity][1]
    rec = recognitions[at_issue]
    if not find_dates(issue.text):
        if issued := issue_date_by_history(rec.probabilities, alphabet, rec.text, validity.text):
            mended[at_issue] = ("issue_date", _by_history(issue, rec, issued))
    elif issued := issue_date_by_validity(rec.probabilities, alphabet, issue.text, validity.text):
        mended[at_issue] = ("issue_date", _by_history(issue, rec, issued))
    issued = mended[at_issue][1].text
    if is_date(issued) and not is_validity_row(validity.text):
        rec = recognitions[at_validity]
        renewed = renewal_validity(rec.probabilities, alphabet, rec.text, issued) or history_validity(
            rec.probabilities, alphabet, rec.text, issued
        )
        if renewed:
            mended[at_validity] = ("validity", _by_history(validity, rec, renewed))
    return mended


def _with_row_mended(
    lines: list[tuple[str, TextLine]],
    recognitions: list[Recognition],
    key: str,
    mend: Callable[[TextLine, Recognition], TextLine | None],
) -> list[tuple[str, TextLine]]:
    """The (key, line) pairs, one per strip as read (`recognitions`), with the row `key` replaced by what `mend` makes
    of it and its reading, where it makes anything."""
    for index, (row, line) in enumerate(lines):
        if row == key and (mended := mend(line, recognitions[index])) is not None:
            return [*lines[:index], (key, mended), *lines[index + 1 :]]
    return lines


def _validity_end_in_part(line: TextLine, rec: Recognition, alphabet: Sequence[str]) -> TextLine | None:
    """A validity row still rejected by its grammar, its start read whole and its end in part, mended to the end its
    ink ranks first (field_decode.lost_end_validity). The row and its end's characters score at most RENEWAL_SCORE,
    as after a mend by the history (the rule chose most of the end's characters); the start's keep their scores."""
    if is_validity_row(line.text):
        return None
    mended = lost_end_validity(rec.probabilities, alphabet, rec.text)
    if mended is None:
        return None
    by_history = _by_history(line, rec, mended)
    # card_fields scores each date by its own characters.
    start_stop = find_dated_spans(mended)[0][1].stop
    if not rec.text.startswith(mended[:start_stop]) or len(rec.char_scores) < start_stop:
        return by_history
    ended = rec.char_scores[:start_stop] + (by_history.score,) * (len(mended) - start_stop)
    return replace(by_history, char_scores=ended)


def _note_in_part(line: TextLine, rec: Recognition) -> TextLine | None:
    """A record row that reads as part of a probation note (its date whole, nothing the note does not hold) mended to
    the note (field_decode.probation_note_in_part) at a score of at most NOTE_IN_PART_SCORE."""
    note = probation_note_in_part(line.text)
    if note is None:
        return None
    return TextLine(note, min(line.score, NOTE_IN_PART_SCORE), line.quad, (), carried_positions(rec, note))


def _by_history(line: TextLine, rec: Recognition, text: str) -> TextLine:
    return TextLine(text, min(rec.score, RENEWAL_SCORE), line.quad, (), carried_positions(rec, text))


def without_stray_wrap(lines: list[tuple[str, TextLine]]) -> list[TextLine]:
    """The lines of (key, line) pairs, less a wrapped address row read unsurely after an address row that ends
    complete (WRAP_MIN_SCORE)."""
    address = next((line.text for key, line in lines if key == "address"), "")
    complete = address.endswith(ADDRESS_ENDINGS)
    return [line for key, line in lines if not (key == "address2" and complete and line.score < WRAP_MIN_SCORE)]


def _grammar_decoding(key: str, rec: Recognition, alphabet: Sequence[str]) -> FieldDecoding | None:
    """The reading decoded under its row's grammar (GRAMMAR_FIELDS); None for a row without one, or read blank."""
    if key not in GRAMMAR_FIELDS or not rec.text.strip():
        return None
    decoded = decode_field(rec.probabilities, alphabet, field_spec(key))
    return with_listed_region(decoded, rec, alphabet) if key == "number" else decoded


def with_listed_region(decoded: FieldDecoding, rec: Recognition, alphabet: Sequence[str]) -> FieldDecoding:
    """An ID number in an unlisted region, or none valid: the valid number of a listed region the line's steps rank
    first (digit_mend.likeliest_listed_number; with a character or two lost, digit_mend.number_with_lost), scored at
    most CHECKED_NUMBER_SCORE. Else one the check digit chose (its likeliest candidate fails the check) in an unlisted
    region: the one valid number of a listed region a single region digit away from that candidate, if exactly one,
    else as chosen; scored at most CHECKED_NUMBER_SCORE (see there)."""
    if decoded.valid and is_listed_region(decoded.text[:REGION_DIGITS]):
        return decoded
    listed = likeliest_listed_number(rec.probabilities, alphabet, rec.text) or number_with_lost(
        rec.probabilities, alphabet, rec.text
    )
    if listed:
        return replace(decoded, text=listed, score=min(rec.score, CHECKED_NUMBER_SCORE), valid=True)
    likeliest = decoded.candidates[0].value if decoded.candidates else decoded.text
    if not decoded.valid or decoded.text == likeliest or is_listed_region(decoded.text[:REGION_DIGITS]):
        return decoded
    mends = {
        mended
        for index in range(REGION_DIGITS)
        for digit in DIGITS
        if is_listed_region((mended := likeliest[:index] + digit + likeliest[index + 1 :])[:REGION_DIGITS])
        and is_valid_id(mended)
    }
    text = mends.pop() if len(mends) == 1 else decoded.text
    return replace(decoded, text=text, score=min(decoded.score, CHECKED_NUMBER_SCORE))


def read_again_without_glare(
    recognizer: TextRecognizer,
    card: npt.NDArray[np.uint8],
    strips: list[tuple[str, QuadArray]],
    crops: list[npt.NDArray[np.uint8]],
    recognitions: list[Recognition],
    decodings: list[FieldDecoding | None],
    bases: list[int],
) -> tuple[list[Recognition], list[FieldDecoding | None]]:
    """Rows whose first reading fails its check (_reads_right; `decodings`: each reading's _grammar_decoding) read
    again with the glare undone; the new reading and its decoding are kept when they pass it. An ID number row is
    flattened (flatten_glare); address and class rows have their ink evened (even_ink): glare fading toward white
    takes an address's first characters and the class's pale print first (the ID number measured worse evened).
    An ID number strip too short to hold one is lengthened (ID_NUMBER_SPAN). Dates are not read again: their grammar
    takes almost any digits, and on seeds 2026 and 4242 it gained none."""
    failed = [
        index
        for index, ((key, _), rec, decoded) in enumerate(zip(strips, recognitions, decodings, strict=True))
        if key in REREAD_FLATTENED + REREAD_EVENED and not _reads_right(key, rec, decoded, recognizer.alphabet)
    ]
    undone = [
        even_ink(crops[index])
        if strips[index][0] in REREAD_EVENED
        else flatten_glare(_number_crop(card, strips[index][1], crops[index]))
        for index in failed
    ]
    return _kept_where_right(recognizer, strips, failed, undone, recognitions, decodings, bases)


def read_again_whole(
    recognizer: TextRecognizer,
    card: npt.NDArray[np.uint8],
    strips: list[tuple[str, QuadArray]],
    rows: dict[str, QuadArray],
    recognitions: list[Recognition],
    decodings: list[FieldDecoding | None],
    bases: list[int],
) -> tuple[list[Recognition], list[FieldDecoding | None]]:
    """Rows of READ_WHOLE_AGAIN whose reading fails its grammar (_reads_right) on a strip that ended short of the
    row's end, read again on the whole row (`rows`, by key); the new reading is kept when its grammar accepts it.
    Glare that washes out a row's end also hides it from the detector, so the strip stopped where the detected text
    did (`2013-0` of `2013-07-02至长期`)."""
    short = [
        index
        for index, ((key, quad), rec, decoded) in enumerate(zip(strips, recognitions, decodings, strict=True))
        if key in READ_WHOLE_AGAIN
        and not _reads_right(key, rec, decoded, recognizer.alphabet)
        and key in rows
        and float(rows[key][:, 0].max()) > float(quad[:, 0].max())
    ]
    crops = [crop_quad(card, rows[strips[index][0]] * PX_PER_MM)[0] for index in short]
    return _kept_where_right(recognizer, strips, short, crops, recognitions, decodings, bases)


def _kept_where_right(
    recognizer: TextRecognizer,
    strips: list[tuple[str, QuadArray]],
    indices: list[int],
    crops: list[npt.NDArray[np.uint8]],
    recognitions: list[Recognition],
    decodings: list[FieldDecoding | None],
    bases: list[int],
) -> tuple[list[Recognition], list[FieldDecoding | None]]:
    """The strips at `indices` read again from `crops` (one each), each padded as first (`bases`, one per strip): a
    new reading and its decoding replace the first where they pass the row's check (_reads_right)."""
    if not indices:
        return recognitions, decodings
    again = recognizer.recognize(crops, [bases[index] for index in indices])
    kept, kept_decodings = list(recognitions), list(decodings)
    for index, rec in zip(indices, again, strict=True):
        key = strips[index][0]
        decoded = _grammar_decoding(key, rec, recognizer.alphabet)
        if _reads_right(key, rec, decoded, recognizer.alphabet):
            kept[index], kept_decodings[index] = rec, decoded
    return kept, kept_decodings


def _number_crop(card: npt.NDArray[np.uint8], quad: QuadArray, crop: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """A number strip's `crop` as first read; when the strip is too short to hold the whole number (ID_NUMBER_SPAN
    character heights; the strip is STRIP_HEIGHT of them tall), the strip lengthened past where the number would
    end, within the card, cut from `card` again."""
    left, top = float(quad[:, 0].min()), float(quad[:, 1].min())
    right, bottom = float(quad[:, 0].max()), float(quad[:, 1].max())
    size = (bottom - top) / STRIP_HEIGHT
    if right - left >= ID_NUMBER_SPAN * size:
        return crop
    lengthened = box(left, top, min(left + (ID_NUMBER_SPAN + STRIP_END_MARGIN) * size, CARD_WIDTH_MM), bottom)
    return crop_quad(card, lengthened * PX_PER_MM)[0]


def _reads_right(key: str, rec: Recognition, decoded: FieldDecoding | None, alphabet: Sequence[str]) -> bool:
    """An ID number or a class: valid under its grammar. An address: it starts with a listed place, as read or once
    its head is mended (field_decode.address_head_reading)."""
    if key == "address":
        if starts_with_place(rec.text):
            return True
        mended = address_head_reading(rec.probabilities, alphabet, rec.text)
        return mended is not None and starts_with_place(mended)
    return decoded is not None and decoded.valid


def _usual_reading(
    key: str, rec: Recognition, alphabet: Sequence[str], ends_address: bool, continued_digits: int | None = None
) -> str | None:
    """The text a row usually holds, when the strip's reading misses part of it or breaks its grammar
    (field_decode.expected_reading); for a name, its near-ties broken toward name characters
    (field_decode.name_reading). `continued_digits`: how many digits the address's wrap row starts with, when it
    wraps."""
    if key == "record":
        return probation_record(rec.probabilities, alphabet, rec.text)
    if key == "address":
        head = address_head_reading(rec.probabilities, alphabet, rec.text)
        room = address_room_reading(rec.probabilities, alphabet, head or rec.text, ends_address, continued_digits)
        return room or head
    if key == "address2":
        return address_room_reading(rec.probabilities, alphabet, rec.text, ends_address)
    if key == "name":
        return name_reading(rec.probabilities, alphabet, rec.text)
    if key == "nationality" and rec.text.strip():
        return expected_reading(rec.probabilities, alphabet, rec.text, USUAL_NATIONALITIES)
    if key == "validity":
        return validity_reading(rec.probabilities, alphabet, rec.text) or mended_validity(
            rec.probabilities, alphabet, rec.text
        )
    return None


def _leading_digits(text: str) -> int:
    """How many digits `text` starts with."""
    return len(text) - len(text.lstrip(DIGITS))


def _read_detected(recognizer: TextRecognizer, card: npt.NDArray[np.uint8], found: list[QuadArray]) -> list[TextLine]:
    cropped = [crop_quad(card, lengthen(quad, LINE_END_MARGIN) * PX_PER_MM) for quad in found]
    return _recognized(recognizer, [crop for crop, _ in cropped], [quad / PX_PER_MM for _, quad in cropped])


def _read_seal_rows(recognizer: TextRecognizer, card: npt.NDArray[np.uint8], rows: list[QuadArray]) -> list[TextLine]:
    """The seal's rows read where they are printed, not lengthened: its box spans the whole seal, and past it lie the
    date labels. Rows read unsurely are dropped (SEAL_MIN_SCORE): a seal the glare took whole reads as noise."""
    if not rows:
        return []
    crops = [crop_quad(card, quad * PX_PER_MM)[0] for quad in rows]
    return [line for line in _recognized(recognizer, crops, rows) if line.score >= SEAL_MIN_SCORE]


def _recognized(
    recognizer: TextRecognizer, crops: list[npt.NDArray[np.uint8]], quads: list[QuadArray]
) -> list[TextLine]:
    recognitions = recognizer.recognize(crops, recognizer.config.tight_line_width)
    return [
        TextLine(rec.text, rec.score, to_quad(quad), rec.char_scores, rec.char_positions)
        for quad, rec in zip(quads, recognitions, strict=True)
        if rec.text.strip()
    ]
