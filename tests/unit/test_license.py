"""Choosing among the pages read from one photo (engine/license.py), on hand-built page results (no images)."""

from engine.license import with_found_edges
from engine.results import FieldValue, PageResult, Quad, Side


def page(side: Side, quad: Quad, number: str = "") -> PageResult:
    fields = {"number": FieldValue(number, 0.9)} if number else {}
    return PageResult(side, "normal", fields, 0.9, card_quad=quad)


EDGES: Quad = ((100.0, 100.0), (980.0, 100.0), (980.0, 700.0), (100.0, 700.0))
TEXT: Quad = ((120.0, 90.0), (1000.0, 110.0), (990.0, 720.0), (90.0, 690.0))  # the same card, ~2% off


def test_a_page_placed_by_its_text_takes_the_quad_the_finder_found_for_the_same_card():
    by_text = page("front", TEXT, number="110101199003070014")
    [framed] = with_found_edges([by_text], [page("front", EDGES)])
    assert framed.card_quad == EDGES
    assert framed.fields == by_text.fields  # values read in the text's frame stay


def test_another_card_or_another_side_leaves_the_quad_alone():
    beside: Quad = ((1100.0, 100.0), (1980.0, 100.0), (1980.0, 700.0), (1100.0, 700.0))  # the next card
    by_text = page("front", TEXT)
    assert with_found_edges([by_text], [page("front", beside)])[0].card_quad == TEXT
    assert with_found_edges([by_text], [page("back", EDGES)])[0].card_quad == TEXT
