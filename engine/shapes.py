"""Input shapes for the GPU: pad tensors to a few fixed shapes so cuDNN plans each shape once.

On CUDA a new input shape costs 0.3-2 s of cuDNN planning, against 4 ms to run a planned one, and nearly every
page and line batch brings a new shape. Padding to a handful of buckets lets the plans be made once, at start-up.
On the CPU every shape is free and padding would only add work: `AS_GIVEN` changes nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

DETECTION_SIDE_STEP = 320
"""A detection input is padded to a square whose side is the next multiple of this."""
LINE_WIDTHS = (160, 320, 480, 640, 800, 960, 1280, 1600, 2048)
"""A recognizer batch is padded to the next of these widths (the recognizer's max_width is 2048)."""


@dataclass(frozen=True)
class ShapePolicy:
    fixed: bool = False
    """True pads every tensor to a bucketed shape; False leaves shapes as they come."""
    exact_detections: frozenset[tuple[int, int]] = frozenset()
    """Detection inputs of these (height, width) are never padded: a card page is always rectified to one size,
    so its shape is fixed already, and padding below a card moves the lines found near its edge (14 more wrong
    fields of 2450 on `make bench`)."""

    @classmethod
    def for_providers(cls, providers: list[str], exact_detections: frozenset[tuple[int, int]]) -> ShapePolicy:
        """Fixed shapes where the models run on CUDA (the name onnxruntime gives it), shapes as given elsewhere."""
        return cls("CUDAExecutionProvider" in providers, exact_detections)

    def detection_side(self, height: int, width: int) -> tuple[int, int]:
        """The (height, width) a (height, width) detection input is padded to."""
        if not self.fixed or (height, width) in self.exact_detections:
            return height, width
        side = math.ceil(max(height, width) / DETECTION_SIDE_STEP) * DETECTION_SIDE_STEP
        return side, side

    def line_width(self, width: int) -> int:
        """The width a recognizer batch whose widest line is `width` pixels is padded to."""
        if not self.fixed:
            return width
        return next((bucket for bucket in LINE_WIDTHS if bucket >= width), width)

    def batch_rows(self, rows: int, batch_size: int) -> int:
        """How many rows a batch of `rows` is padded to: always the full batch size when fixed."""
        return max(rows, batch_size) if self.fixed else rows


def pad_to(tensor: npt.NDArray[np.float32], shape: tuple[int, ...]) -> npt.NDArray[np.float32]:
    """`tensor` zero-padded at the end of each axis to `shape` (each side at least the tensor's own)."""
    if tensor.shape == shape:
        return tensor
    padded = np.zeros(shape, dtype=tensor.dtype)
    padded[tuple(slice(0, size) for size in tensor.shape)] = tensor
    return padded


AS_GIVEN = ShapePolicy()
"""Shapes left as they come: the CPU's policy."""
