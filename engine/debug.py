"""What the engine saw, for a person to look at: the pages' quads drawn on the photo, and each rectified card."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from engine.results import LicenseResult

QUAD_COLOUR = (0, 200, 255)
FIELD_COLOUR = (255, 120, 0)


def draw_pages(image: npt.NDArray[np.uint8], result: LicenseResult) -> npt.NDArray[np.uint8]:
    """A copy of the photo with each page's quad (its top-left corner marked) and each field's box drawn."""
    canvas = image.copy()
    thickness = max(2, round(max(image.shape[:2]) / 400))
    for page in result.pages:
        for field in page.fields.values():
            if field.quad is not None:
                cv2.polylines(
                    canvas, [np.array(field.quad, dtype=np.int32)], True, FIELD_COLOUR, max(1, thickness // 2)
                )
        if page.card_quad is None:
            continue
        quad = np.array(page.card_quad, dtype=np.int32)
        cv2.polylines(canvas, [quad], True, QUAD_COLOUR, thickness)
        cv2.circle(canvas, tuple(int(v) for v in quad[0]), 4 * thickness, QUAD_COLOUR, -1)
        label = f"{page.side} {page.side_confidence:.2f}"
        cv2.putText(
            canvas, label, tuple(int(v) for v in quad[0]), cv2.FONT_HERSHEY_SIMPLEX, thickness / 2, QUAD_COLOUR, 2
        )
    return canvas


def write_debug(directory: Path, name: str, image: npt.NDArray[np.uint8], result: LicenseResult) -> list[Path]:
    """DIR/NAME.pages.jpg (quads on the photo) and DIR/NAME.SIDE.jpg (each rectified card); returns the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written = [directory / f"{name}.pages.jpg"]
    cv2.imwrite(str(written[0]), draw_pages(image, result))
    for page in result.pages:
        if page.adjusted_jpeg:
            path = directory / f"{name}.{page.side}.jpg"
            path.write_bytes(page.adjusted_jpeg)
            written.append(path)
    return written
