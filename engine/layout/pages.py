"""Splitting one photo's lines into license pages: an open wallet shows the main page and the back page together."""

from __future__ import annotations

import numpy as np

from engine.layout.frame import PlacedLine

TITLE_WORD = "驾驶证"
# A title must be at least this many times a typical line's height wide: short "驾驶证" fragments are not titles.
TITLE_MIN_WIDTH_IN_HEIGHTS = 4.0


def split_pages(lines: list[PlacedLine]) -> list[list[PlacedLine]]:
    """One group per title found (lines go to the nearest title along the line joining the titles), else one group."""
    titles = [
        line
        for line in lines
        if TITLE_WORD in line.text and (line.right - line.left) >= TITLE_MIN_WIDTH_IN_HEIGHTS * line.height
    ]
    titles = _distinct(titles)
    if len(titles) < 2:
        return [lines]
    first, second = titles[0], titles[1]
    start = np.array([first.center_x, first.center_y])
    axis = np.array([second.center_x, second.center_y]) - start
    length = float(np.dot(axis, axis))
    groups: list[list[PlacedLine]] = [[], []]
    for line in lines:
        position = float(np.dot(np.array([line.center_x, line.center_y]) - start, axis)) / length
        groups[0 if position < 0.5 else 1].append(line)
    return groups


def _distinct(titles: list[PlacedLine]) -> list[PlacedLine]:
    """Titles far enough apart to be different cards (not a title split into two detections)."""
    kept: list[PlacedLine] = []
    for title in titles:
        if all(
            abs(title.center_x - other.center_x) + abs(title.center_y - other.center_y) > 4 * title.height
            for other in kept
        ):
            kept.append(title)
    return kept
