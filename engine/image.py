"""Bytes to pixels: format sniffing, size limits checked on the header before decoding, EXIF orientation."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageOps

from engine.errors import ImageSizeOutOfRange, UnsupportedFormat

MIN_SIDE = 100
MAX_SIDE = 8192
ACCEPTED_FORMATS = ("JPEG", "PNG", "BMP", "TIFF")

BGRImage = npt.NDArray[np.uint8]
"""Shape (H, W, 3), uint8, BGR channel order, original pixels."""


def decode_image(data: bytes) -> BGRImage:
    """Decode JPEG/PNG/BMP/TIFF bytes to BGR, upright by EXIF. Raises UnsupportedFormat or ImageSizeOutOfRange."""
    if not data:
        raise UnsupportedFormat("the image is empty")
    width, height = _header_size(data)
    if min(width, height) < MIN_SIDE or max(width, height) > MAX_SIDE:
        raise ImageSizeOutOfRange(
            f"image is {width}x{height} pixels; each side must be within {MIN_SIDE}..{MAX_SIDE} pixels"
        )
    # cv2.imdecode applies the EXIF orientation of JPEGs unless told not to, which is what users expect.
    pixels = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if pixels is None:
        pixels = _decode_with_pillow(data)
    if pixels.ndim != 3 or pixels.shape[2] != 3:
        raise UnsupportedFormat(f"decoded image has an unexpected shape {pixels.shape}")
    return np.ascontiguousarray(pixels, dtype=np.uint8)


def read_image_file(path: Path) -> BGRImage:
    """Read and decode an image file; a missing file is OSError, bad contents are InvalidInput."""
    return decode_image(path.read_bytes())


def _header_size(data: bytes) -> tuple[int, int]:
    """(width, height) from the header alone, so a header claiming 100000 x 100000 pixels is never decoded."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as header:
                if header.format not in ACCEPTED_FORMATS:
                    raise UnsupportedFormat(f"image format {header.format} is not one of {', '.join(ACCEPTED_FORMATS)}")
                width, height = header.size
    except UnsupportedFormat:
        raise
    except Image.DecompressionBombError as error:
        raise ImageSizeOutOfRange(f"image is too large to decode: {error}") from error
    except Exception as error:  # Pillow raises many types for garbage bytes; all mean "not an image we read"
        raise UnsupportedFormat("the data is not a JPEG, PNG, BMP or TIFF image") from error
    return int(width), int(height)


def _decode_with_pillow(data: bytes) -> BGRImage:
    """Fallback for files OpenCV refuses (some TIFF compressions, truncated JPEGs Pillow can still read)."""
    try:
        with Image.open(io.BytesIO(data)) as picture:
            rgb = np.asarray(ImageOps.exif_transpose(picture).convert("RGB"))
    except Exception as error:
        raise UnsupportedFormat("the image data is corrupt or truncated") from error
    return np.ascontiguousarray(rgb[:, :, ::-1])
