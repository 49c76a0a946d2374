"""Finds driving-license pages in a photo with plain OpenCV (no network): their quadrilaterals in image pixels.

A page is pale cyan-green card stock. Rough quads come from pairs of straight edges and from the outlines of
card-coloured blobs on a downscaled copy; each is re-fitted to the strongest colour edge near each side in the
original pixels (corners cut off by the frame are extrapolated) and the refined quads are ranked by how much of
their border is seen, their aspect, and whether card stock lies just inside each side and not just outside it.

The stages, each a module: rough.py (rough quads on a small copy), refit.py (sides refitted in full pixels),
inner.py (a sleeved card's own border), colours.py and quads.py (what they share), finder.py (the stages put
together). Names with a leading underscore belong to the package: its modules share them, and only its tests reach
in from outside.
"""

from engine.card_locate.finder import LOCATE_MAX_SIDE, LocatedCard, fit_to_edges, locate_cards

__all__ = ["LOCATE_MAX_SIDE", "LocatedCard", "fit_to_edges", "locate_cards"]
