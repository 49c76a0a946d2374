"""Card space: the 88 x 60 mm license page in millimetres, and the homography between it and the photo.

Every stage after the card finder works in card millimetres (origin at the upright card's top-left), so layout data
is resolution-free; pixels of a rectified card are millimetres times `px_per_mm`. Boxes go back to the photo only
through `CardFrame.to_image`.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from engine.geometry import QuadArray

CARD_WIDTH_MM = 88.0
CARD_HEIGHT_MM = 60.0
CARD_CORNERS_MM: QuadArray = np.array(
    [[0.0, 0.0], [CARD_WIDTH_MM, 0.0], [CARD_WIDTH_MM, CARD_HEIGHT_MM], [0.0, CARD_HEIGHT_MM]], dtype=np.float32
)
# A card is read rectified at this resolution: 3.2 mm values come out ~38 px tall, close to the recognizer's 48.
PX_PER_MM = 12.0


@dataclass(frozen=True)
class CardFrame:
    """One license page in the photo: its corners (clockwise from the upright card's top-left) and the mapping."""

    quad: QuadArray
    """(4, 2) photo pixels: top-left, top-right, bottom-right, bottom-left of the card as it reads upright."""
    whole_border: bool = False
    """The card finder saw the card's border all round (card_locate.LocatedCard.whole_border): the frame is the
    card's own. False for a frame placed by other means (the page's text, a wallet's fold)."""

    @property
    def to_image_matrix(self) -> npt.NDArray[np.float64]:
        return np.asarray(cv2.getPerspectiveTransform(CARD_CORNERS_MM, self.quad.astype(np.float32)), dtype=np.float64)

    def turned_half(self) -> CardFrame:
        """The same card read the other way up (its corners shifted by two)."""
        return CardFrame(np.roll(self.quad, -2, axis=0), self.whole_border)

    def to_image(self, points_mm: npt.ArrayLike) -> npt.NDArray[np.float32]:
        """(N, 2) card millimetres -> (N, 2) photo pixels."""
        points = np.asarray(points_mm, dtype=np.float32).reshape(-1, 1, 2)
        return np.asarray(cv2.perspectiveTransform(points, self.to_image_matrix)[:, 0, :], dtype=np.float32)

    def rectify(self, image: npt.NDArray[np.uint8], px_per_mm: float) -> npt.NDArray[np.uint8]:
        """The card flat and upright at `px_per_mm`: pixel (x, y) is card millimetre (x, y) / px_per_mm."""
        scale = np.diag([px_per_mm, px_per_mm, 1.0])
        to_card = scale @ np.linalg.inv(self.to_image_matrix)
        size = (round(CARD_WIDTH_MM * px_per_mm), round(CARD_HEIGHT_MM * px_per_mm))
        warped = cv2.warpPerspective(image, to_card, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        return np.asarray(warped, dtype=np.uint8)

    def beside(self, gap_mm: float) -> tuple[CardFrame, CardFrame]:
        """Where a second page would lie left and right of this one, `gap_mm` apart along the card's long edge (the
        two pages of an open wallet), in the same pose."""
        step = CARD_WIDTH_MM + gap_mm
        left = self.to_image(CARD_CORNERS_MM - np.array([step, 0.0], dtype=np.float32))
        right = self.to_image(CARD_CORNERS_MM + np.array([step, 0.0], dtype=np.float32))
        return CardFrame(left), CardFrame(right)
