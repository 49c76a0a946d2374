"""Page-level orientation: the lines of one page read the same way, so a line that reads against the page's
majority was turned wrongly by the per-line classifier (short lines like 中国 or 男 fool it) and is turned back."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from engine.geometry import QuadArray


def reading_directions(quads: Sequence[QuadArray]) -> np.ndarray:
    """(N, 2) unit vectors from each quad's corner 0 to corner 1: where its text reads."""
    vectors = np.array([quad[1] - quad[0] for quad in quads], dtype=np.float64).reshape(-1, 2)
    lengths = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(lengths, 1e-9)


def against_majority(quads: Sequence[QuadArray], weights: Sequence[float]) -> list[bool]:
    """Which lines read opposite to the weighted majority direction (more than 90 degrees away from it)."""
    if not quads:
        return []
    directions = reading_directions(quads)
    majority = (directions * np.asarray(weights, dtype=np.float64)[:, None]).sum(axis=0)
    if np.linalg.norm(majority) < 1e-9:
        return [False] * len(quads)
    return [bool(np.dot(direction, majority) < 0) for direction in directions]
