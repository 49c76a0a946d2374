"""The page's upright frame: text lines rotated so the page reads left to right, top to bottom, whatever the
photo's rotation. Rows and neighbours are found here; quads stay in original-image pixels on each line."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine.results import TextLine

# Two lines share a row when their vertical overlap is at least this share of the shorter one's height.
SAME_ROW_OVERLAP = 0.4
# Lines that run within this angle of each other read in one direction: a tilted card's perspective turns its own
# lines up to ~11 degrees apart (a photo of the specimen: 82 to 93), and text beside it runs another way.
SAME_DIRECTION_DEG = 20.0


@dataclass(frozen=True)
class PlacedLine:
    """A text line and its axis-aligned box in the upright frame (pixels, rotated about the image origin)."""

    line: TextLine
    left: float
    top: float
    right: float
    bottom: float

    @property
    def text(self) -> str:
        return self.line.text

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def center_y(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def center_x(self) -> float:
        return (self.left + self.right) / 2

    def shares_row(self, other: PlacedLine) -> bool:
        overlap = min(self.bottom, other.bottom) - max(self.top, other.top)
        return overlap >= SAME_ROW_OVERLAP * min(self.height, other.height)


def reading_angle(lines: list[TextLine]) -> float:
    """The text's main direction in radians (0: left to right in the image): the first of reading_directions."""
    return reading_directions(lines)[0][0]


def reading_directions(lines: list[TextLine]) -> list[tuple[float, list[TextLine]]]:
    """The directions the lines run in, in radians (0: left to right in the image), each with its lines, the most
    text first (by length): each the length-weighted circular mean of the lines within SAME_DIRECTION_DEG of the
    direction most of the remaining text runs in. Text around a card at another angle (a poster's, a form's) gets a
    direction of its own instead of turning the card's frame. [(0.0, [])] when there are no lines."""
    vectors = np.array([np.subtract(line.quad[1], line.quad[0]) for line in lines], dtype=np.float64).reshape(-1, 2)
    angles = np.arctan2(vectors[:, 1], vectors[:, 0])
    lengths = np.hypot(vectors[:, 0], vectors[:, 1])
    turn = np.abs(np.angle(np.exp(1j * (angles[:, None] - angles[None, :]))))  # between each pair, in [0, pi]
    near = turn <= math.radians(SAME_DIRECTION_DEG)
    remaining = np.ones(len(lines), dtype=bool)
    directions = []
    while remaining.any():
        support = np.where(remaining, (near & remaining) @ lengths, -1.0)
        along = near[int(support.argmax())] & remaining
        angle = math.atan2(vectors[along, 1].sum(), vectors[along, 0].sum())
        directions.append((angle, [line for line, kept in zip(lines, along, strict=True) if kept]))
        remaining &= ~along
    return directions or [(0.0, [])]


def place_lines(lines: list[TextLine], angle: float) -> list[PlacedLine]:
    """Rotate every line by -angle so the text runs left to right; sorted top to bottom, then left to right."""
    cos, sin = math.cos(-angle), math.sin(-angle)
    placed = []
    for line in lines:
        points = np.array(line.quad, dtype=np.float64)
        xs = points[:, 0] * cos - points[:, 1] * sin
        ys = points[:, 0] * sin + points[:, 1] * cos
        placed.append(PlacedLine(line, float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())))
    return sorted(placed, key=lambda p: (p.center_y, p.left))


def rows(placed: list[PlacedLine]) -> list[list[PlacedLine]]:
    """Group lines into rows (each sorted left to right), rows from top to bottom."""
    grouped: list[list[PlacedLine]] = []
    for line in sorted(placed, key=lambda p: p.center_y):
        if grouped and any(line.shares_row(other) for other in grouped[-1]):
            grouped[-1].append(line)
        else:
            grouped.append([line])
    return [sorted(row, key=lambda p: p.left) for row in grouped]
