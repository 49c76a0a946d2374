"""Decoding: accepted formats, sizes checked on the header before decoding, garbage rejected with a typed error."""

import io
import struct
import zlib

import cv2
import numpy as np
import pytest
from PIL import Image

from engine.errors import ImageSizeOutOfRange, UnsupportedFormat
from engine.image import decode_image


def encoded(fmt: str, size: tuple[int, int] = (320, 200)) -> bytes:
    picture = Image.new("RGB", size, (10, 200, 30))  # RGB green: BGR (30, 200, 10)
    buffer = io.BytesIO()
    picture.save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "BMP", "TIFF"])
def test_accepted_formats_decode_to_bgr(fmt):
    image = decode_image(encoded(fmt))
    assert image.shape == (200, 320, 3) and image.dtype == np.uint8
    assert image[100, 160] == pytest.approx([30, 200, 10], abs=3)


@pytest.mark.parametrize("fmt", ["GIF", "WEBP"])
def test_other_formats_are_unsupported(fmt):
    with pytest.raises(UnsupportedFormat, match=fmt):
        decode_image(encoded(fmt))


@pytest.mark.parametrize("data", [b"", b"hello world", b"\xff\xd8\xff" + b"\x00" * 10, bytes(range(256)) * 4])
def test_garbage_is_unsupported(data):
    with pytest.raises(UnsupportedFormat):
        decode_image(data)


@pytest.mark.parametrize("size", [(99, 500), (500, 99), (8193, 200)])
def test_sides_outside_limits_are_rejected(size):
    with pytest.raises(ImageSizeOutOfRange, match=r"100\.\.8192"):
        decode_image(encoded("PNG", size))


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def test_a_png_header_claiming_a_huge_image_is_rejected_without_decoding():
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0))
    png = b"\x89PNG\r\n\x1a\n" + header + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + png_chunk(b"IEND", b"")
    with pytest.raises(ImageSizeOutOfRange):
        decode_image(png)


def test_a_truncated_jpeg_still_decodes_or_fails_cleanly():
    data = encoded("JPEG", (640, 480))
    try:
        image = decode_image(data[: len(data) // 2])
    except UnsupportedFormat:
        return
    assert image.shape == (480, 640, 3)


def test_exif_orientation_is_applied():
    picture = Image.new("RGB", (300, 150), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display"
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", exif=exif.tobytes())
    assert decode_image(buffer.getvalue()).shape[:2] == (300, 150)


def test_grayscale_input_becomes_three_channels():
    ok, data = cv2.imencode(".png", np.full((120, 140), 128, dtype=np.uint8))
    assert ok
    assert decode_image(data.tobytes()).shape == (120, 140, 3)
