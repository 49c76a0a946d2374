"""Which page a group of lines is: main page, back page (副页) or an electronic license, with a confidence."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import LCSseq

from engine.layout.fields import is_chinese
from engine.layout.frame import PlacedLine
from engine.results import LicenseType, Side

TITLE_END = "证"  # the main page's title ends here; the back page's goes on with 副页
ELECTRONIC_EVIDENCE = ("电子驾驶证", "12123", "累积记分", "累计记分", "当前时间", "生成时间")
BACK_EVIDENCE = ("副页", "档案编号", "记录")
FRONT_EVIDENCE = ("出生日期", "初次领证", "准驾车型", "有效期限", "有效起始", "国籍", "住址", "性别")
# The issuing authority's seal (…公安局交通警察支队), which only the main page prints: with a title, a main page whose
# labels and dates blur lost. Not alone: an ID card's back names its 公安局 too.
SEAL_EVIDENCE = ("公安局", "交通警察")
# A vehicle's registration (机动车行驶证) shares the title's start and its seal.
VEHICLE_LICENSE = "行驶"
# The main page prints its dates as 1990-01-31 (birth, first issue, validity); the back page's record says 年月日.
PRINTED_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
FRONT_MIN_PRINTED_DATES = 2


@dataclass(frozen=True)
class PageKind:
    side: Side
    license_type: LicenseType
    confidence: float


def classify_page(lines: list[PlacedLine], title_only: bool = False) -> PageKind | None:
    """Decide from titles and labels; None when the lines show no license at all. `title_only`: a title with
    nothing else read is a main page at TITLE_ONLY_CONFIDENCE (a last resort, when nothing else shows a page)."""
    text = "".join(line.text for line in lines)
    electronic = sum(word in text for word in ELECTRONIC_EVIDENCE)
    back = sum(word in text for word in BACK_EVIDENCE)
    front = sum(word in text for word in FRONT_EVIDENCE)
    # A blurred title can lose a character or two (机动车设证); its start still shows a license.
    titles = [line.text for line in lines if shows_title_start(line.text) and VEHICLE_LICENSE not in line.text]
    has_title = "驾驶证" in text or bool(titles)
    # Small, blurred labels are often lost where the larger values still read: the dates then tell the main page.
    front_values = len(PRINTED_DATE.findall(text)) >= FRONT_MIN_PRINTED_DATES
    sealed = any(word in text for word in SEAL_EVIDENCE)
    if electronic >= 2 or (electronic and front >= 3):
        return PageKind("front", "electronic", min(1.0, 0.5 + 0.15 * electronic))
    if "副页" in text or (back >= 2 and front <= 1) or any(map(_title_goes_on, titles)):
        return PageKind("back", "normal", min(1.0, 0.5 + 0.2 * back))
    if front >= 3 or (has_title and (front >= 1 or front_values or sealed)):
        return PageKind("front", "normal", min(1.0, 0.4 + 0.1 * front + 0.2 * has_title))
    if title_only and has_title:
        return PageKind("front", "normal", TITLE_ONLY_CONFIDENCE)
    return None


TITLED_CONFIDENCE = 0.95
# A title read with no label, date or seal beside it shows a license page but not which: glare took the rest, and a
# back page's 副页 too, maybe. The main page, which the API reads by default, is the likelier guess.
TITLE_ONLY_CONFIDENCE = 0.3
# The title's start, printed left of TITLE_SLOT. When glare or blur takes the right end (驾驶证, 驾驶证副页), this many
# of its characters read in order, two of 机动车's among them (an ID card's or a passport's 中华人民共和国 has
# none), still show a license page; which page is then told by where its text sits.
TITLE_START = "中华人民共和国机动车"
TITLE_START_MIN_CHARS = 6
TITLE_START_VEHICLE = "机动车"
# The title's first words alone, as an ID card or a passport prints them too: with the page's purple 证号 box beside
# them (page_colours.shows_purple_box) they still show a license where blur left this many of them, in order.
COUNTRY = "中华人民共和国"
COUNTRY_MIN_CHARS = 4
# Where the main page prints text that the back page leaves blank (card millimetres): the seal and the date rows.
FRONT_ONLY_AREA = (2.0, 32.0, 64.5, 50.8)


def classify_title(title: str, found: list[npt.NDArray[np.float32]]) -> PageKind | None:
    """The page from its title's right end (`驾驶证` or `驾驶证副页`), else from where text was detected: the main
    page has the seal and the date rows where the back page has blank ruled lines. None: no license text at all.

    The main page prints nothing after 证, so a Chinese character read after it is the back page's 副页 misread (`证证`,
    `制页`, `研证` on blurred back pages; a speck read as `.` or `1` is no print); without this rule their 证 alone made
    them main pages."""
    if _title_goes_on(title):
        return PageKind("back", "normal", TITLED_CONFIDENCE)
    if any(word in title for word in ("驾", "驶", "证")):
        return PageKind("front", "normal", TITLED_CONFIDENCE)
    if not found:
        return None
    return PageKind("front", "normal", 0.6) if front_only_lines(found) >= 3 else PageKind("back", "normal", 0.5)


def _title_goes_on(title: str) -> bool:
    """The title reads on past its 证: the back page's 副页, read as such or as other Chinese characters."""
    return "副" in title or "页" in title or any(map(is_chinese, title.partition(TITLE_END)[2]))


def front_only_lines(found: list[npt.NDArray[np.float32]]) -> int:
    """How many detected lines (card millimetres) sit where only the main page prints text (FRONT_ONLY_AREA)."""
    x0, y0, x1, y1 = FRONT_ONLY_AREA
    centres = [quad.mean(axis=0) for quad in found]
    return sum(1 for x, y in centres if x0 <= x <= x1 and y0 <= y <= y1)


def shows_title_start(text: str) -> bool:
    """The title's start (TITLE_START) read, allowing a character or two lost or misread: enough of its characters
    in order (the longest common subsequence)."""
    return (
        LCSseq.similarity(text, TITLE_START) >= TITLE_START_MIN_CHARS
        and LCSseq.similarity(text, TITLE_START_VEHICLE) >= 2
    )


def shows_country(text: str) -> bool:
    """At least COUNTRY_MIN_CHARS of the title's first words (COUNTRY) read in order."""
    return LCSseq.similarity(text, COUNTRY) >= COUNTRY_MIN_CHARS
