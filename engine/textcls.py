"""The 0/180 text-line classifier: finds crops that are upside down so they are turned before recognition.

Numerics follow PaddleOCR's ClsResizeImg: 48 x 192, aspect kept, zero-padded, (x / 255 - 0.5) / 0.5.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from engine.config import ClassifierConfig
from engine.shapes import AS_GIVEN, ShapePolicy, pad_to
from engine.textrec import resize_line, width_batches

UPSIDE_DOWN = 1
"""Output index of the "180" class; index 0 is "0"."""


class LineClassifier:
    def __init__(
        self,
        run: Callable[[npt.NDArray[np.float32]], npt.NDArray[np.float32]],
        config: ClassifierConfig,
        shapes: ShapePolicy = AS_GIVEN,
    ):
        self._run = run
        self.config = config
        self._shapes = shapes

    def upside_down(self, crops: Sequence[npt.NDArray[np.uint8]]) -> list[float]:
        """For each (h, w, 3) crop, the probability that it is upside down."""
        scores = [0.0] * len(crops)
        for batch in width_batches(crops, self.config.batch_size):
            tensor = np.stack([resize_line(crops[i], self.config.image_height, self.config.image_width) for i in batch])
            rows = self._shapes.batch_rows(len(batch), self.config.batch_size)
            probabilities = self._run(pad_to(tensor, (rows, *tensor.shape[1:])))
            for row, index in enumerate(batch):
                scores[index] = float(probabilities[row, UPSIDE_DOWN])
        return scores
