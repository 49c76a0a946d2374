"""The Debian fonts the generator draws with, grouped by what they print, loaded once per process and size."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont

NOTO = Path("/usr/share/fonts/opentype/noto")
TRUETYPE = Path("/usr/share/fonts/truetype")
# Index 2 of the Noto CJK collections is the Simplified Chinese face (0 JP, 1 KR, 2 SC, 3 TC, 4 HK; 7 mono SC).
NOTO_SC = 2
NOTO_MONO_SC = 7


@dataclass(frozen=True)
class Face:
    """One face of a font file; `glyph_height` is a capital/CJK glyph's height as a share of the em, for sizing."""

    path: Path
    index: int = 0
    glyph_height: float = 0.88


NOTO_SANS = Face(NOTO / "NotoSansCJK-Regular.ttc", NOTO_SC)
NOTO_SANS_BOLD = Face(NOTO / "NotoSansCJK-Bold.ttc", NOTO_SC)
NOTO_SERIF = Face(NOTO / "NotoSerifCJK-Regular.ttc", NOTO_SC)
NOTO_SERIF_BOLD = Face(NOTO / "NotoSerifCJK-Bold.ttc", NOTO_SC)
WQY_ZENHEI = Face(TRUETYPE / "wqy/wqy-zenhei.ttc", 0)
UKAI = Face(TRUETYPE / "arphic/ukai.ttc", 0)
UMING = Face(TRUETYPE / "arphic/uming.ttc", 0)

# Digits and Latin: the printer's narrow monospace, and the serif of the pre-printed English labels.
DEJAVU_MONO = Face(TRUETYPE / "dejavu/DejaVuSansMono.ttf", glyph_height=0.73)
DEJAVU_SANS_CONDENSED = Face(TRUETYPE / "dejavu/DejaVuSansCondensed.ttf", glyph_height=0.73)
NOTO_MONO = Face(NOTO / "NotoSansCJK-Regular.ttc", NOTO_MONO_SC, glyph_height=0.73)
DEJAVU_SERIF = Face(TRUETYPE / "dejavu/DejaVuSerif.ttf", glyph_height=0.73)
DEJAVU_SERIF_CONDENSED = Face(TRUETYPE / "dejavu/DejaVuSerifCondensed.ttf", glyph_height=0.73)
DEJAVU_SERIF_BOLD = Face(TRUETYPE / "dejavu/DejaVuSerif-Bold.ttf", glyph_height=0.73)
DEJAVU_SANS = Face(TRUETYPE / "dejavu/DejaVuSans.ttf", glyph_height=0.73)

TITLE_FACES = (NOTO_SANS_BOLD, NOTO_SERIF_BOLD, WQY_ZENHEI)
LABEL_FACES = (NOTO_SERIF_BOLD, NOTO_SERIF, NOTO_SANS, UMING)
VALUE_FACES = (NOTO_SANS, NOTO_SERIF, WQY_ZENHEI, UKAI, UMING)
DIGIT_FACES = (DEJAVU_MONO, DEJAVU_SANS_CONDENSED, NOTO_MONO)
ENGLISH_FACES = (DEJAVU_SERIF, DEJAVU_SERIF_CONDENSED)
CLASS_FACES = (DEJAVU_SERIF_BOLD, DEJAVU_SERIF, NOTO_SERIF_BOLD)
SEAL_FACES = (NOTO_SANS_BOLD, NOTO_SERIF_BOLD, WQY_ZENHEI)
SCREEN_FACES = (NOTO_SANS, WQY_ZENHEI)
ALL_FACES = tuple(
    dict.fromkeys(TITLE_FACES + LABEL_FACES + VALUE_FACES + DIGIT_FACES + ENGLISH_FACES + CLASS_FACES + SEAL_FACES)
)


@functools.lru_cache(maxsize=512)
def load_font(face: Face, em_px: int) -> ImageFont.FreeTypeFont:
    """The face at `em_px` pixels per em, cached per process (loading a CJK collection takes milliseconds)."""
    return ImageFont.truetype(str(face.path), max(em_px, 4), index=face.index)


def font_for_height(face: Face, height_px: float) -> ImageFont.FreeTypeFont:
    """The face sized so its glyphs stand `height_px` tall."""
    return load_font(face, round(height_px / face.glyph_height))
