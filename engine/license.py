"""From a photo to license pages: read every text line, orient and split pages, classify, parse, cross-check."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import cv2
import numpy as np
import numpy.typing as npt

from engine.errors import NoLicenseFound, WrongSide
from engine.layout.back import parse_back
from engine.layout.crosscheck import correct_number
from engine.layout.electronic import parse_electronic
from engine.layout.frame import PlacedLine, place_lines, reading_angle
from engine.layout.front import parse_front
from engine.layout.labels import split_at_labels
from engine.layout.pages import split_pages
from engine.layout.side import classify_page
from engine.results import LicenseResult, PageResult, Quad, ReadOptions, TextLine

# The 88 x 60 mm card around its text: margins as shares of the text block, measured on real main pages.
CARD_MARGIN_X = 0.08
CARD_MARGIN_Y = 0.07
ADJUSTED_JPEG_QUALITY = 90

ReadText = Callable[[npt.NDArray[np.uint8]], list[TextLine]]


def read_license(read_text: ReadText, image: npt.NDArray[np.uint8], options: ReadOptions) -> LicenseResult:
    """Every license page in a (H, W, 3) uint8 BGR image; field quads in its pixels. Raises RecognitionFailed."""
    timings: dict[str, float] = {}
    start = time.perf_counter()
    lines = read_text(image)
    timings["ocr"] = (time.perf_counter() - start) * 1000
    if not lines:
        raise NoLicenseFound("no text was found in the image")

    start = time.perf_counter()
    angle = reading_angle(lines)
    pages = []
    for group in split_pages(split_at_labels(place_lines(lines, angle))):
        kind = classify_page(group)
        if kind is None:
            continue
        if kind.license_type == "electronic":
            fields = parse_electronic(group)
        elif kind.side == "back":
            fields = parse_back(group)
        else:
            fields = parse_front(group)
        fields = correct_number(fields, fill_from_number=kind.side == "front")
        card = None if kind.license_type == "electronic" else card_from_text(group, angle)
        pages.append(
            PageResult(
                side=kind.side,
                license_type=kind.license_type,
                fields=fields,
                side_confidence=kind.confidence,
                card_quad=card,
                adjusted_jpeg=adjusted_image(image, card) if options.return_adjusted_image and card else None,
            )
        )
    timings["layout"] = (time.perf_counter() - start) * 1000
    if not pages:
        raise NoLicenseFound("the image shows no driving-license page")
    pages.sort(key=lambda page: page.side != "front")
    if options.side in ("front", "back"):
        chosen = [page for page in pages if page.side == options.side]
        if not chosen:
            raise WrongSide(options.side, pages[0].side)
        pages = chosen[:1]
    return LicenseResult(pages=tuple(pages), timings_ms=timings)


def card_from_text(lines: list[PlacedLine], angle: float) -> Quad:
    """The card's corners estimated from its text block (used until edge-based card detection lands)."""
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
    cos, sin = math.cos(angle), math.sin(angle)
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = ((x * cos - y * sin, x * sin + y * cos) for x, y in corners)
    return ((x0, y0), (x1, y1), (x2, y2), (x3, y3))


def adjusted_image(image: npt.NDArray[np.uint8], card: Quad) -> bytes:
    """The card warped flat and upright at its own resolution, as JPEG bytes."""
    quad = np.array(card, dtype=np.float32)
    width = int(max(np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[2] - quad[3])))
    height = int(max(np.linalg.norm(quad[3] - quad[0]), np.linalg.norm(quad[2] - quad[1])))
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    warped = cv2.warpPerspective(image, cv2.getPerspectiveTransform(quad, target), (max(width, 1), max(height, 1)))
    ok, encoded = cv2.imencode(".jpg", warped, [cv2.IMWRITE_JPEG_QUALITY, ADJUSTED_JPEG_QUALITY])
    return encoded.tobytes() if ok else b""
