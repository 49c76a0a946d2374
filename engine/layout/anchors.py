"""The card's frame from the text read on it: pre-printed labels and the title sit at fixed card positions, so the
lines of a page that the whole-image reading found give its corners when no card edge was found (the card fills
the frame, a corner is cut off, the background matches the card)."""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import Levenshtein

from engine.card import CARD_CORNERS_MM
from engine.layout.frame import PlacedLine
from engine.layout.labels import printed_width

Point = tuple[float, float]

# Centres of pre-printed texts in card millimetres (label left edge + half its 2.5 mm-per-character width).
FRONT_ANCHORS: dict[str, tuple[float, float]] = {
    "机动车驾驶证": (59.1, 5.3),  # the title's right part: it spans 15.6..72.2
    "姓名": (6.8, 17.1),
    "性别": (43.8, 17.1),
    "国籍": (58.8, 17.1),
    "住址": (6.8, 22.9),
    "出生日期": (28.7, 34.7),
    "初次领证日期": (31.2, 40.9),
    "准驾车型": (28.7, 47.1),
    "有效起始日期": (12.1, 53.8),
}
BACK_ANCHORS: dict[str, tuple[float, float]] = {
    "机动车驾驶证副页": (58.0, 5.3),  # the title spans 13.6..74.2
    "姓名": (7.0, 17.4),
    "档案编号": (48.0, 17.4),
    "记录": (7.0, 23.4),
}
# The whole title, when too few labels were read to place the card: its first and last characters' centres give
# scale and offset. Text, where it starts and ends along the card (mm), and its row.
FRONT_TITLE = ("中华人民共和国机动车驾驶证", 15.6, 72.2)
BACK_TITLE = ("中华人民共和国机动车驾驶证副页", 13.6, 74.2)
TITLE_Y_MM = 5.3
# A line places the card by the title when at least this many of its characters read as printed, in order: glare or
# blur that garbles a back page's title (`资证副页`, `中华人民国机动车驾驶证期页`) leaves its text block, the title and
# an ID number, too short to frame the card.
TITLE_MIN_MATCHED = 3
# A homography needs this many anchors spread over the card; fewer fit scale and offset only (an affine fit on
# three or four anchors measured worse: it follows each anchor's error).
HOMOGRAPHY_ANCHORS = 5
RANSAC_REPROJECTION_MM = 1.5


def anchor_points(lines: list[PlacedLine], anchors: dict[str, tuple[float, float]]) -> list[tuple[Point, Point]]:
    """(card mm, upright-frame px) pairs for every anchor text found inside a line, the first occurrence each."""
    pairs = []
    for text, card_point in anchors.items():
        for line in lines:
            start = line.text.find(text)
            if start < 0:
                continue
            centre = _centre_along(line, start, len(text))
            pairs.append((card_point, (line.left + centre * (line.right - line.left), line.center_y)))
            break
    return pairs


def anchor_count(lines: list[PlacedLine], back: bool) -> int:
    """How many of its page's pre-printed texts (FRONT_ANCHORS, BACK_ANCHORS) the lines show."""
    return len(anchor_points(lines, BACK_ANCHORS if back else FRONT_ANCHORS))


def shows_whole_title(lines: list[PlacedLine], back: bool) -> bool:
    """A line holds the page's whole title (中华人民共和国机动车驾驶证, and 副页 on the back page)."""
    title = (BACK_TITLE if back else FRONT_TITLE)[0]
    return any(title in line.text for line in lines)


def title_corners(lines: list[PlacedLine], back: bool) -> npt.NDArray[np.float32] | None:
    """The card's corners (as card_corners) placed by the line holding most of the title's characters read as
    printed (TITLE_MIN_MATCHED or more, in order: `资证副页` places 证副页), by the first and last of them; None when
    no line does."""
    title, start_mm, end_mm = BACK_TITLE if back else FRONT_TITLE
    pitch_mm = (end_mm - start_mm) / len(title)
    matches = [(line, _title_characters(line.text, title)) for line in lines]
    line, matched = max(matches, key=lambda match: len(match[1]), default=(None, []))
    if line is None or len(matched) < TITLE_MIN_MATCHED:
        return None
    ends = (matched[0], matched[-1])
    card = np.array([(start_mm + (printed + 0.5) * pitch_mm, TITLE_Y_MM) for _, printed in ends], dtype=np.float32)
    along = [line.left + _centre_along(line, read, 1) * (line.right - line.left) for read, _ in ends]
    photo = np.array([(x, line.center_y) for x in along], dtype=np.float32)
    return _scaled_corners(card, photo)


def _title_characters(text: str, title: str) -> list[tuple[int, int]]:
    """(index in `text`, index in `title`) of each title character read as printed, aligning the two by edit
    distance (characters misread or lost between them are skipped)."""
    return [
        (read, printed)
        for block in Levenshtein.opcodes(text, title)
        if block.tag == "equal"
        for read, printed in zip(
            range(block.src_start, block.src_end), range(block.dest_start, block.dest_end), strict=True
        )
    ]


def _centre_along(line: PlacedLine, start: int, length: int) -> float:
    """Where characters start..start+length sit along the line (0..1): the recognizer's own character positions,
    else an estimate from printed widths."""
    positions = line.line.char_positions
    if len(positions) == len(line.text):
        return float(np.mean(positions[start : start + length]))
    before = printed_width(line.text[:start]) if start else 0.0
    return (before + printed_width(line.text[start : start + length]) / 2) / printed_width(line.text)


def card_corners(lines: list[PlacedLine], back: bool) -> npt.NDArray[np.float32] | None:
    """The card's four corners in the upright frame's pixels, clockwise from top-left; None with under 2 anchors."""
    pairs = anchor_points(lines, BACK_ANCHORS if back else FRONT_ANCHORS)
    if len(pairs) < 2:
        return None
    card = np.array([pair[0] for pair in pairs], dtype=np.float32)
    photo = np.array([pair[1] for pair in pairs], dtype=np.float32)
    if len(pairs) >= HOMOGRAPHY_ANCHORS:
        homography, _ = cv2.findHomography(card, photo, cv2.RANSAC, RANSAC_REPROJECTION_MM * _scale(card, photo))
        if homography is not None:
            return np.asarray(cv2.perspectiveTransform(CARD_CORNERS_MM[None], homography)[0], dtype=np.float32)
    return _scaled_corners(card, photo)


def _scaled_corners(card: npt.NDArray[np.float32], photo: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """The card's corners from anchor pairs by one scale and an offset."""
    scale = _scale(card, photo)
    offset = (photo - scale * card).mean(axis=0)
    return np.asarray(CARD_CORNERS_MM * scale + offset, dtype=np.float32)


def _scale(card: npt.NDArray[np.float32], photo: npt.NDArray[np.float32]) -> float:
    """Pixels per millimetre from the anchors' spread (one scale: the card is not stretched)."""
    card_spread = np.linalg.norm(card - card.mean(axis=0), axis=1).sum()
    photo_spread = np.linalg.norm(photo - photo.mean(axis=0), axis=1).sum()
    return float(photo_spread / card_spread) if card_spread > 0 else 1.0
