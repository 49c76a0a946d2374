"""From a photo to license pages: find each card, read it in card space, classify, parse, cross-check.

Cards come from the card finder; when it finds none, or a found card does not read as a license (a sleeve, a
matching background, a card filling the frame), the whole image is read once and its printed labels place each page
instead. Electronic licenses (screenshots, no card) are parsed from that whole-image reading, and a screenshot goes
to it without looking for a card (engine/screenshot.py).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

import cv2
import numpy as np
import numpy.typing as npt

from engine.card import CardFrame
from engine.card_locate import fit_to_edges
from engine.card_reader import CHECKED_NUMBER_SCORE, CardReading
from engine.errors import NoLicenseFound, WrongSide
from engine.field_decode import is_file_number
from engine.geometry import to_quad
from engine.layout.anchors import anchor_count, card_corners, shows_whole_title, title_corners
from engine.layout.back import parse_back
from engine.layout.card_fields import parse_back_card, parse_front_card
from engine.layout.crosscheck import (
    correct_fields,
    correct_number,
    is_valid_number,
    probation_after_first_issue,
    same_holder,
)
from engine.layout.electronic import parse_electronic
from engine.layout.fields import is_date
from engine.layout.frame import PlacedLine, place_lines, reading_directions
from engine.layout.front import parse_front
from engine.layout.labels import split_at_labels
from engine.layout.pages import split_pages
from engine.layout.side import TITLE_ONLY_CONFIDENCE, TITLED_CONFIDENCE, PageKind, classify_page
from engine.page_colours import looks_like_card_stock, looks_like_stock_of
from engine.quality import page_quality
from engine.results import FieldValue, LicenseResult, PageResult, Quad, ReadOptions, Side, TextLine
from engine.screenshot import looks_like_screenshot

# The 88 x 60 mm card around its text: margins as shares of the text block, measured on real main pages.
CARD_MARGIN_X = 0.08
CARD_MARGIN_Y = 0.07
ADJUSTED_JPEG_QUALITY = 90
# A line belongs to the card its title places when its centre is at most this share of the card's width outside it:
# a title-only frame ignores tilt.
TITLED_CARD_SLACK = 0.1
# A page placed by its text and one found by its edges frame the same card when their corners lie this close on
# average (share of the card's width): text geometry misses by up to ~5%. Further apart, the found frame is as likely
# off as the text's, and the text's read better (seeds 2026, 4242, 9090: of six swaps at 5-10%, three made the quad
# clearly worse, one better, two moved it under 0.2 points).
SAME_CARD_SHARE = 0.05
# A text frame this many times larger or smaller in area than the found card its values lie on is no frame of that
# card: labels of the other page were matched (areas 0.32 and 9.0 on seed 9090; same-card frames 0.9-1.3). Between,
# the found frame is as likely off: an edge inside the card cut off its seal column (6262 photo img_0105: the text
# frame 1.6 times the found one, which missed the card by 16% against the text frame's 0.7%).
IMPLAUSIBLE_AREA_RATIO = 2.5
# A page placed by its text was read on a found card when this many of its located values, and this share of them,
# lie on it (a wallet's page grouped with the other page's lines holds values of both).
READ_ON_MIN_FIELDS = 2
READ_ON_SHARE = 0.5
# Of two readings of one side, the one whose valid ID number was read surely (scored above
# card_reader.CHECKED_NUMBER_SCORE, which caps mended and rebuilt numbers; a capped score is a mean of capped character
# scores, which can land a hair above it) is taken. Else the one with more fields read at CONFIDENT_FIELD_SCORE or
# more, a valid number counting VALID_NUMBER_WEIGHT fields more: a mended number does not outweigh nine fields read at
# 0.68-1.0 where the card was found (real print hard img_0044, whose text frame 8% off read it and five more), and an
# unsure valid number (0.77) outweighs two fields more on a page whose number is invalid (4242 hard img_0206). The
# record does not count: its score says how surely its characters were read, not that they are the record (a strip
# off the card reads a label or the file number's row at 0.96-0.97). On a tie the earlier reading stays: the card
# finder's frames come before the text's.
SURE_NUMBER_MIN_SCORE = CHECKED_NUMBER_SCORE + 0.01
CONFIDENT_FIELD_SCORE = 0.5
VALID_NUMBER_WEIGHT = 1.5
# The gap between the two pages of an open wallet (its fold), in card millimetres.
WALLET_GAP_MM = 12.0

# A license page that fills little of a large photo is read again from a crop around it (closer_crop) unless it
# reads well where the whole photo's text frames it (read_in_text_frames): detection scales the whole photo down to
# its side limit, where a small card's labels are too small to find, and the few labels left can place the card badly
# (seed 2026 img_0060, a card a third of the photo's width: 4 labels placed it 10% of its width off; read from the
# crop, 6 placed it 0.8% off).
CLOSER_MIN_GAIN = 1.3
# The crop is not read when each page the whole photo shows has at least this many of its labels read (a main page
# prints nine, a back page four) and reads well where they frame it. Six seeds' 73 photos of over 600 ms: with six,
# four pages read well and skipped the crop, 430-500 ms faster; pages placed by one to four labels read well there
# too seldom to be worth trying first (each took 250-300 ms longer).
TEXT_FRAME_MIN_LABELS = 6
# Kept around the pages in the crop, as a share of their extent: text places a card up to ~10% off.
CLOSER_MARGIN = 0.25
# The whole image's text directions tried for a license page (license_groups): the main one, then others, for a card
# among lines that outweigh its own (seed 5555 photo img_0203: a poster's 19 lines level, the back page's 5 at -63°).
MAX_READING_DIRECTIONS = 3

LocateCards = Callable[[npt.NDArray[np.uint8]], list[CardFrame]]


class TextReader(Protocol):
    """What the license reader needs from the OCR engine (engine.pipeline.Engine)."""

    def read_text(self, image: npt.NDArray[np.uint8], screen: bool = False) -> list[TextLine]: ...

    def detection_scale(self, height: int, width: int) -> float: ...

    def read_card(
        self,
        image: npt.NDArray[np.uint8],
        frame: CardFrame,
        expected_side: Side | None = None,
        read_seal: bool = True,
    ) -> CardReading: ...


def read_license(
    reader: TextReader, image: npt.NDArray[np.uint8], options: ReadOptions, locate: LocateCards
) -> LicenseResult:
    """Every license page in a (H, W, 3) uint8 BGR image; field quads in its pixels. Raises RecognitionFailed."""
    timings: dict[str, float] = {}
    start = time.perf_counter()
    screen = looks_like_screenshot(image)
    frames = [] if screen else locate(image)
    timings["card"] = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    read = [read_card_page(reader, image, frame, options) for frame in frames]
    pages = [page for page, _ in read if page is not None]
    misframed = [page for page, off in read if page is not None and off]
    bordered = [
        page
        for (page, off), frame in zip(read, frames, strict=True)
        if page is not None and frame.whole_border and not off
    ]
    if len(pages) == 1 and reads_well(pages[0]):
        pages += second_page(reader, image, pages[0], options)
    timings["read"] = (time.perf_counter() - start) * 1000
    # A page without a valid ID number in a frame whose whole border the finder saw, and not said off by its own text,
    # lost its number to glare or blur: framing it again by the whole image's text costs two to three times a page and
    # almost never helps (six seeds: it mended 3 fields of 15,158; skipped, photo p95 fell from 992 to 821 ms).
    doubted = [page for page in pages if not reads_well(page) and not _is_any(page, bordered)]
    if not pages or misframed or doubted:
        # A card edge can mislead (a sleeve, a matching background): the text itself then places the cards.
        start = time.perf_counter()
        try:
            whole = read_whole_image(reader, image, options, screen, title_only=not pages)
        except NoLicenseFound:
            if not pages:
                raise
            whole = []  # a page read in card space stands, even when the photo is too small to read as a whole
        # A page whose own text says its frame misses the card gives way to the same page framed by its text unless
        # it reads better (it comes last, so a tie goes to the text's frame), and lends its frame to none.
        trusted = [page for page in pages if not _is_any(page, misframed)]
        pages = with_found_edges(best_per_side(trusted + whole + misframed), trusted)
        timings["whole_image"] = (time.perf_counter() - start) * 1000
    if not pages:
        raise NoLicenseFound("the image shows no driving-license page")
    pages.sort(key=lambda page: page.side != "front")
    pages = same_holder_on_both(pages)
    if options.side in ("front", "back"):
        chosen = [page for page in pages if page.side == options.side]
        if not chosen:
            raise WrongSide(options.side, pages[0].side)
        pages = chosen[:1]
    if options.measure_quality:
        pages = [with_quality(image, page) for page in pages]
    if options.return_adjusted_image:
        pages = [with_adjusted_image(image, page) for page in pages]
    return LicenseResult(pages=tuple(pages), timings_ms=timings)


def with_quality(image: npt.NDArray[np.uint8], page: PageResult) -> PageResult:
    """A page returned with its quality signals (engine.quality), measured only on the pages kept: pages read and
    then outvoted (a wallet's wrong side, the whole-image pass's duplicates) cost nothing. Screenshots have no card."""
    if page.card_quad is None:
        return page
    return replace(page, quality=page_quality(image, CardFrame(np.array(page.card_quad, dtype=np.float32))))


def with_adjusted_image(image: npt.NDArray[np.uint8], page: PageResult) -> PageResult:
    """A page returned with its card warped flat as JPEG bytes (adjusted_image), made, as the quality signals are,
    only for the pages kept and from their final card quad. Screenshots have no card."""
    if page.card_quad is None:
        return page
    return replace(page, adjusted_jpeg=adjusted_image(image, page.card_quad))


def same_holder_on_both(pages: list[PageResult]) -> list[PageResult]:
    """A paper license's two pages, front first, with their number and name made to agree (crosscheck.same_holder).
    A main page that got its number from the back page also gets what the number tells: birth date, sex and
    nationality. The back page's record is mended to the probation note its main page's first issue date gives, when
    it reads nearly so, and is unsure when a first card's reads blank (crosscheck.probation_after_first_issue)."""
    if [(page.side, page.license_type) for page in pages] != [("front", "normal"), ("back", "normal")]:
        return pages
    front, back = same_holder(pages[0].fields, pages[1].fields)
    back = probation_after_first_issue(front, back)
    if "number" not in pages[0].fields and "number" in front:
        front = correct_number(front, fill_from_number=True)
    return [replace(pages[0], fields=front), replace(pages[1], fields=back)]


def second_page(
    reader: TextReader, image: npt.NDArray[np.uint8], first: PageResult, options: ReadOptions
) -> list[PageResult]:
    """The other page of an open wallet when the card finder found only one: tried left and right of it at the
    wallet's fold where card stock lies (pale, or the found page's own in shadow), kept only when it is the other
    side and reads well, or, when glare took its title and ID number, shows that side's own values
    (other_side_values)."""
    if first.card_quad is None:
        return []
    other: Side = "back" if first.side == "front" else "front"
    found = CardFrame(np.array(first.card_quad, dtype=np.float32))
    for frame in found.beside(WALLET_GAP_MM):
        if not (looks_like_card_stock(image, frame) or looks_like_stock_of(image, frame, found)):
            continue
        page, _ = read_card_page(reader, image, frame, options, expected_side=other)
        if page is not None and page.side == other and (reads_well(page) or other_side_values(page)):
            return [page]
    return []


def other_side_values(page: PageResult) -> bool:
    """Values only a license page of its side prints, read: two real dates on a main page (birth, first issue,
    validity start), a 12-digit file number on a back page."""
    if page.side == "front":
        dates = [page.fields.get(key) for key in ("birth", "issue_date", "valid_from")]
        return sum(1 for date in dates if date is not None and is_date(str(date.value))) >= 2
    file_number = page.fields.get("file_number")
    return file_number is not None and is_file_number(str(file_number.value))


def reads_well(page: PageResult) -> bool:
    """A page read from the right card: its ID number is valid (GB 11643 check digit and a real birth date)."""
    return has_valid_number(page.fields)


def has_valid_number(fields: dict[str, FieldValue]) -> bool:
    return is_valid_number(fields.get("number"))


def best_per_side(pages: list[PageResult]) -> list[PageResult]:
    """One page per side: the one whose valid ID number was read surely (SURE_NUMBER_MIN_SCORE), else the one with
    more confident fields (CONFIDENT_FIELD_SCORE, the record aside), a valid number counting VALID_NUMBER_WEIGHT."""
    best: dict[str, PageResult] = {}
    for page in pages:
        current = best.get(page.side)
        if current is None or _page_rank(page) > _page_rank(current):
            best[page.side] = page
    return list(best.values())


def _page_rank(page: PageResult) -> tuple[bool, float]:
    valid = reads_well(page)
    surely = valid and page.fields["number"].score > SURE_NUMBER_MIN_SCORE
    confident = sum(1 for key, value in page.fields.items() if key != "record" and value.score >= CONFIDENT_FIELD_SCORE)
    return surely, confident + (VALID_NUMBER_WEIGHT if valid else 0.0)


def with_found_edges(chosen: list[PageResult], found: list[PageResult]) -> list[PageResult]:
    """The chosen pages, each framed by the card finder's quad where the finder framed the same card as the text
    geometry of a whole-image page that read better: the strips of one frame may read a glared ID number that the
    other's miss, but card edges place the card more exactly than its text does (seed 4242 photo img_0238: 0.1%
    against 3.7% corner error). The same card: corners within SAME_CARD_SHARE of its width, or a text frame of
    implausible size around values read on the found card (_misframed_on: an open wallet's page whose title was lost
    is grouped with the other page's lines, whose labels then frame it nine times its size; seed 9090 wallet
    img_0084). Fields keep the quads they were read at."""
    framed = []
    for page in chosen:
        same = next(
            (
                other
                for other in found
                if other.side == page.side and (_same_card(page, other) or _misframed_on(page, other))
            ),
            None,
        )
        framed.append(page if same is None else replace(page, card_quad=same.card_quad))
    return framed


def _same_card(first: PageResult, second: PageResult) -> bool:
    if first.card_quad is None or second.card_quad is None:
        return False
    a, b = np.array(first.card_quad, dtype=np.float64), np.array(second.card_quad, dtype=np.float64)
    width = float(np.linalg.norm(a[1] - a[0]))
    return float(np.linalg.norm(a - b, axis=1).mean()) < SAME_CARD_SHARE * width


def _misframed_on(page: PageResult, card: PageResult) -> bool:
    """The page's frame differs from `card`'s in area by more than IMPLAUSIBLE_AREA_RATIO either way, and at least
    READ_ON_MIN_FIELDS of its located values, and READ_ON_SHARE of them, are centred on `card`."""
    if page.card_quad is None or card.card_quad is None:
        return False
    outline = np.array(card.card_quad, dtype=np.float32)
    ratio = abs(cv2.contourArea(np.array(page.card_quad, dtype=np.float32))) / max(abs(cv2.contourArea(outline)), 1.0)
    if 1 / IMPLAUSIBLE_AREA_RATIO <= ratio <= IMPLAUSIBLE_AREA_RATIO:
        return False
    centres = [np.array(value.quad, dtype=np.float32).mean(axis=0) for value in page.fields.values() if value.quad]
    inside = sum(cv2.pointPolygonTest(outline, (float(x), float(y)), False) >= 0 for x, y in centres)
    return inside >= READ_ON_MIN_FIELDS and inside >= READ_ON_SHARE * len(centres)


def read_card_page(
    reader: TextReader,
    image: npt.NDArray[np.uint8],
    frame: CardFrame,
    options: ReadOptions,
    expected_side: Side | None = None,
) -> tuple[PageResult | None, bool]:
    """One card read in card space: its lines placed in card millimetres, classified and parsed by zones (None when
    it is no license page), and whether its own text says the frame misses the card (CardReading.misframed).
    `expected_side`: see card_reader.read_card; such a page is returned without a title or an ID number."""
    reading = reader.read_card(image, frame, expected_side=expected_side, read_seal=options.read_authority)
    if reading.side is None:
        return None, False
    frame, lines, side = reading.frame, reading.lines, reading.side
    parse = parse_back_card if side == "back" else parse_front_card
    fields = parse(lines, reading.row_offset)
    fields = asked_fields(correct_fields(fields, front=side == "front"), options)  # a seal read to mend the address
    fields = {key: _in_photo(value, frame) for key, value in fields.items()}
    if not reading.titled and not has_valid_number(fields) and side != expected_side:
        return None, False  # neither the title nor a valid ID number: not a license page (a photo box, a sleeve)
    card = to_quad(frame.quad if reading.outline is None else reading.outline)
    page = PageResult(
        side=side,
        license_type="normal",
        fields=fields,
        side_confidence=reading.side_confidence,
        card_quad=card,
    )
    return page, reading.misframed


def _is_any(page: PageResult, pages: list[PageResult]) -> bool:
    """`page` is one of `pages` itself (pages compare by value, and two reads can agree)."""
    return any(page is other for other in pages)


def _in_photo(value: FieldValue, frame: CardFrame) -> FieldValue:
    """A card-space field with its quad mapped to photo pixels."""
    if value.quad is None:
        return value
    return replace(value, quad=to_quad(frame.to_image(np.array(value.quad, dtype=np.float32))))


def read_whole_image(
    reader: TextReader,
    image: npt.NDArray[np.uint8],
    options: ReadOptions,
    screen: bool = False,
    title_only: bool = False,
) -> list[PageResult]:
    """No card found: read the whole image, split it into pages, and read each card page again in card space from
    its text geometry (electronic screenshots are parsed from the whole-image lines). `screen`: the image is an
    app's screenshot (Engine.read_text). `title_only`: no page was found otherwise, so a group that shows only the
    license's title is a page too (layout.side.classify_page), kept when a value was read on it."""
    lines = reader.read_text(image, screen)
    if not lines:
        raise NoLicenseFound("no text was found in the image")
    angle, groups = license_groups(lines, title_only)
    turned = False
    if not groups and title_only and not screen:
        # Nothing else found a page, and these lines show none: blur can leave the line classifier guessing that
        # an upside-down card's lines are upright, and they read as garbage. In the photo turned half its guess is
        # right (seed 9090 hard img_0035; three real-print hard photos of a card turned 90 degrees).
        turned = True
        angle, groups = license_groups(read_text_turned(reader, image, turned), title_only)
    crop = None if screen else closer_crop(reader, image, angle, groups)
    if crop is not None:
        if framed := read_in_text_frames(reader, image, options, angle, groups):
            return framed
        if closer := read_crop(reader, image, crop, turned):
            angle, groups = license_groups(closer, title_only)
    pages = []
    for group, kind in groups:
        if kind.license_type == "electronic":
            fields = asked_fields(correct_fields(parse_electronic(group), front=True), options)
            pages.append(PageResult("front", "electronic", fields, kind.confidence))
            continue
        frame = text_frame(group, kind, angle)
        page, _ = read_group_page(reader, image, options, frame, group, kind)
        if page is not None and page.side != kind.side and page.side_confidence < TITLED_CONFIDENCE:
            page = None  # its side told only by where text sits in a frame guessed from text: the words say more
        if page is None:
            fields = parse_back(group) if kind.side == "back" else parse_front(group)
            fields = asked_fields(correct_fields(fields, front=kind.side == "front"), options)
            page = PageResult(kind.side, "normal", fields, kind.confidence, card_quad=to_quad(frame.quad))
        if not page.fields and kind.confidence <= TITLE_ONLY_CONFIDENCE:
            continue  # a title alone, and nothing read: no page to answer with
        pages.append(on_card_edges(image, page))
    return pages


def license_groups(
    lines: list[TextLine], title_only: bool = False
) -> tuple[float, list[tuple[list[PlacedLine], PageKind]]]:
    """The lines' reading angle, and their groups that show a license page (layout.pages), each with its kind;
    `title_only`: see classify_page. The angle is that of the first direction the lines run in (the most text first,
    up to MAX_READING_DIRECTIONS) whose own lines show a page: a poster beside the card may hold more text."""
    directions = reading_directions(lines)
    angle = next(
        (
            angle
            for angle, along in directions[:MAX_READING_DIRECTIONS]
            if classify_page(place_lines(along, angle), title_only) is not None
        ),
        directions[0][0],
    )
    groups = [
        (group, kind)
        for group in split_pages(split_at_labels(place_lines(lines, angle)))
        if (kind := classify_page(group, title_only)) is not None
    ]
    return angle, groups


def read_text_turned(reader: TextReader, image: npt.NDArray[np.uint8], turned: bool) -> list[TextLine]:
    """The image's lines, read from the image turned half when `turned`; their quads are in the image's own pixels
    either way, each starting at its text's top-left as it reads."""
    if not turned:
        return reader.read_text(image)
    height, width = image.shape[:2]
    lines = reader.read_text(np.ascontiguousarray(image[::-1, ::-1]))
    corner = np.array((width - 1, height - 1), dtype=np.float32)
    return [replace(line, quad=to_quad(corner - np.array(line.quad, dtype=np.float32))) for line in lines]


def read_group_page(
    reader: TextReader,
    image: npt.NDArray[np.uint8],
    options: ReadOptions,
    frame: CardFrame,
    group: list[PlacedLine],
    kind: PageKind,
) -> tuple[PageResult | None, bool]:
    """A paper license page the whole image's lines show, read in card space in the frame its text places
    (text_frame): read_card_page's page and whether its own text says that frame misses the card."""
    # The whole title read here shows a license page even where the card-space reading loses it to blur.
    titled_side = kind.side if shows_whole_title(group, kind.side == "back") else None
    return read_card_page(reader, image, frame, options, expected_side=titled_side)


def read_in_text_frames(
    reader: TextReader,
    image: npt.NDArray[np.uint8],
    options: ReadOptions,
    angle: float,
    groups: list[tuple[list[PlacedLine], PageKind]],
) -> list[PageResult]:
    """The paper license pages the whole image's `groups` show, each read where its text frames it, when each shows
    at least TEXT_FRAME_MIN_LABELS of its labels, reads well there and its own text says the frame holds the card;
    else []: reading a crop around them (detection and recognition of every line in it, about two card pages' work)
    could then only frame them again."""
    if not groups or any(anchor_count(group, kind.side == "back") < TEXT_FRAME_MIN_LABELS for group, kind in groups):
        return []
    pages = []
    for group, kind in groups:
        page, misframed = read_group_page(reader, image, options, text_frame(group, kind, angle), group, kind)
        if page is None or page.side != kind.side or not reads_well(page) or misframed:
            return []
        pages.append(on_card_edges(image, page))
    return pages


def text_frame(group: list[PlacedLine], kind: PageKind, angle: float) -> CardFrame:
    """The frame a paper license page's lines place (page_corners)."""
    return CardFrame(page_corners(group, kind.side == "back", angle))


def closer_crop(
    reader: TextReader,
    image: npt.NDArray[np.uint8],
    angle: float,
    groups: list[tuple[list[PlacedLine], PageKind]],
) -> tuple[int, int, int, int] | None:
    """(left, top, right, bottom) image pixels of a crop around the license pages the whole image's `groups` show,
    when it lets detection see the pages' text at least CLOSER_MIN_GAIN times larger (TextReader.detection_scale);
    None when it does not."""
    if not groups or any(kind.license_type == "electronic" for _, kind in groups):
        return None  # an electronic license is a phone's screen, read whole
    points = np.concatenate([page_corners(group, kind.side == "back", angle) for group, kind in groups])
    low, high = points.min(axis=0), points.max(axis=0)
    height, width = image.shape[:2]
    left, top = (int(value) for value in np.maximum(low - CLOSER_MARGIN * (high - low), 0))
    right, bottom = (int(value) for value in np.minimum(high + CLOSER_MARGIN * (high - low), (width, height)))
    if right <= left or bottom <= top:
        return None
    gain = reader.detection_scale(bottom - top, right - left) / reader.detection_scale(height, width)
    return (left, top, right, bottom) if gain >= CLOSER_MIN_GAIN else None


def read_crop(
    reader: TextReader, image: npt.NDArray[np.uint8], crop: tuple[int, int, int, int], turned: bool = False
) -> list[TextLine]:
    """The lines of a crop (closer_crop) in the image's pixels. `turned`: the whole image was read turned half, and
    so is the crop (read_text_turned)."""
    left, top, right, bottom = crop
    lines = read_text_turned(reader, np.ascontiguousarray(image[top:bottom, left:right]), turned)
    shift = np.array((left, top), dtype=np.float32)
    return [replace(line, quad=to_quad(np.array(line.quad, dtype=np.float32) + shift)) for line in lines]


def asked_fields(fields: dict[str, FieldValue], options: ReadOptions) -> dict[str, FieldValue]:
    """Corrected fields without the issuing authority unless it was asked for (ReadOptions.read_authority): the
    whole image's lines and a seal read only to mend the address give one, and pages must compare alike
    (best_per_side)."""
    if options.read_authority:
        return fields
    return {key: value for key, value in fields.items() if key != "issuing_authority"}


def on_card_edges(image: npt.NDArray[np.uint8], page: PageResult) -> PageResult:
    """A page framed by its text, its card quad moved to the card's edges near it where they frame the card clearly
    better (card_locate.fit_to_edges): text geometry misses the card by ~5-10% of its width, and a card the finder
    passed over (glare, a busy surface) still shows most of its border there. Fields keep the quads they were read
    at: reading again in the refitted frame reads glared values no better, only differently."""
    if page.card_quad is None:
        return page
    fitted = fit_to_edges(image, np.array(page.card_quad, dtype=np.float32))
    return page if fitted is None else replace(page, card_quad=to_quad(fitted))


def page_corners(lines: list[PlacedLine], back: bool, angle: float) -> npt.NDArray[np.float32]:
    """A page's corners in image pixels from its text: by its printed labels, else (a back page, whose text fills
    only its top half, so its extent frames no card) by its title (layout.anchors.title_corners), else by the extent
    of its text on the card the title places."""
    corners = card_corners(lines, back)
    if corners is not None:
        return unrotate(corners, angle)
    titled = title_corners(lines, back)
    if titled is not None and back:
        return unrotate(titled, angle)
    return np.array(card_from_text(on_card(lines, titled), angle), dtype=np.float32)


def on_card(lines: list[PlacedLine], corners: npt.NDArray[np.float32] | None) -> list[PlacedLine]:
    """The lines that lie on the card with these upright-frame corners (layout.anchors.title_corners), give or take
    TITLED_CARD_SLACK; all of them when there are no corners. Text around the card (a poster, a book's page) would
    otherwise stretch the text block that card_from_text measures."""
    if corners is None:
        return lines
    (left, top), (right, bottom) = corners.min(axis=0), corners.max(axis=0)
    slack = TITLED_CARD_SLACK * (right - left)
    on_card = [
        line
        for line in lines
        if left - slack <= line.center_x <= right + slack and top - slack <= line.center_y <= bottom + slack
    ]
    return on_card or lines


def card_from_text(lines: list[PlacedLine], angle: float) -> Quad:
    """The card's corners estimated from its text block's extent, when too few printed labels were read to place
    it by them (layout.anchors)."""
    left = min(line.left for line in lines)
    right = max(line.right for line in lines)
    top = min(line.top for line in lines)
    bottom = max(line.bottom for line in lines)
    margin_x, margin_y = CARD_MARGIN_X * (right - left), CARD_MARGIN_Y * (bottom - top)
    corners = [
        (left - margin_x, top - margin_y),
        (right + margin_x, top - margin_y),
        (right + margin_x, bottom + margin_y),
        (left - margin_x, bottom + margin_y),
    ]
    return to_quad(unrotate(np.array(corners, dtype=np.float32), angle))


def unrotate(points: npt.NDArray[np.float32], angle: float) -> npt.NDArray[np.float32]:
    """Upright-frame points (place_lines turned the image by -angle) back to image pixels."""
    cos, sin = math.cos(angle), math.sin(angle)
    rotation = np.array([[cos, -sin], [sin, cos]], dtype=np.float32)
    return np.asarray(points @ rotation.T, dtype=np.float32)


def adjusted_image(image: npt.NDArray[np.uint8], card: Quad) -> bytes:
    """The card warped flat and upright at its own resolution, as JPEG bytes."""
    quad = np.array(card, dtype=np.float32)
    width = int(max(np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[2] - quad[3])))
    height = int(max(np.linalg.norm(quad[3] - quad[0]), np.linalg.norm(quad[2] - quad[1])))
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    warped = cv2.warpPerspective(image, cv2.getPerspectiveTransform(quad, target), (max(width, 1), max(height, 1)))
    ok, encoded = cv2.imencode(".jpg", warped, [cv2.IMWRITE_JPEG_QUALITY, ADJUSTED_JPEG_QUALITY])
    return encoded.tobytes() if ok else b""
