"""Plain frozen result types that every stage returns. No images and no renderers live in them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Point = tuple[float, float]
Quad = tuple[Point, Point, Point, Point]
"""Four corners, clockwise from top-left, in the pixel space named where the quad is used."""

Side = Literal["front", "back"]
RequestedSide = Literal["front", "back", "double_side"]
LicenseType = Literal["normal", "electronic"]


@dataclass(frozen=True)
class ReadOptions:
    """Per-request choices, passed as an argument so one engine serves many threads."""

    side: RequestedSide | None = None
    """None: detect which page(s) the image shows. `front`/`back`: that page must be there (else WrongSide)."""
    return_adjusted_image: bool = False
    """Attach each page's rectified card as JPEG bytes (PageResult.adjusted_jpeg)."""
    measure_quality: bool = True
    """Measure each page's quality signals (PageResult.quality, ~10 ms a page); off, they stay at their defaults."""
    read_authority: bool = True
    """Read the issuing authority from the main page's seal; off, no page has an issuing_authority, and the seal (a
    tenth of a main page's recognizer work) is read only to help mend an address whose head is no listed place."""


@dataclass(frozen=True)
class TextLine:
    """One recognized line of text. `quad` is in the pixel space of the image that was read."""

    text: str
    score: float
    quad: Quad
    char_scores: tuple[float, ...] = ()
    char_positions: tuple[float, ...] = ()
    """Each character's centre along the line from corner 0 to corner 1, as a share of its length."""
    lost: tuple[tuple[float, float], ...] = ()
    """Where the recognizer likely skipped a character (textrec.lost_steps): along the line as char_positions, and
    the probability that nothing is there."""


@dataclass(frozen=True)
class FieldValue:
    """One API field: its value as the service returns it, a confidence in [0, 1], and where it was read.

    `quad` is in original-image pixels (None when the value was derived, e.g. valid_to from a period in years).
    """

    value: str | tuple[str, ...]
    score: float
    quad: Quad | None = None


@dataclass(frozen=True)
class Quality:
    """Image-quality signals from the card stage, each in [0, 1] where 1 means the problem is certainly present."""

    blur: float = 0.0
    glare: float = 0.0
    border_incomplete: float = 0.0
    too_small: float = 0.0


@dataclass(frozen=True)
class PageResult:
    """One license page: which page it is, the fields read from it, and how sure the engine is."""

    side: Side
    license_type: LicenseType
    fields: dict[str, FieldValue]
    side_confidence: float
    quality: Quality = field(default_factory=Quality)
    card_quad: Quad | None = None
    """The page's corners in original-image pixels; None for screenshots (electronic licenses have no card)."""
    adjusted_jpeg: bytes | None = None
    """The rectified, upright card as JPEG bytes, only when ReadOptions.return_adjusted_image asked for it."""


@dataclass(frozen=True)
class LicenseResult:
    """What the engine read from one image: one page, or the main page and the back page of a double_side photo."""

    pages: tuple[PageResult, ...]
    timings_ms: dict[str, float] = field(default_factory=dict)

    def page(self, side: Side) -> PageResult | None:
        return next((page for page in self.pages if page.side == side), None)
