import numpy as np

from engine.orientation import against_majority


def quad(direction: tuple[float, float]) -> np.ndarray:
    dx, dy = direction
    return np.array([[0, 0], [dx, dy], [dx, dy + 10], [0, 10]], dtype=np.float32)


def test_lines_against_the_weighted_majority_are_flagged():
    quads = [quad((100, 0)), quad((300, 5)), quad((-20, 0)), quad((0, 50))]
    assert against_majority(quads, [1.0, 1.0, 1.0, 1.0]) == [False, False, True, False]


def test_a_confident_long_line_outvotes_short_ones():
    quads = [quad((-400, 0)), quad((30, 0)), quad((30, 0))]
    assert against_majority(quads, [10.0, 1.0, 1.0]) == [False, True, True]


def test_empty():
    assert against_majority([], []) == []
