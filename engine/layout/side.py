"""Which page a group of lines is: main page, back page (副页) or an electronic license, with a confidence."""

from __future__ import annotations

from dataclasses import dataclass

from engine.layout.frame import PlacedLine
from engine.results import LicenseType, Side

TITLE = "机动车驾驶证"
ELECTRONIC_EVIDENCE = ("电子驾驶证", "12123", "累积记分", "累计记分", "当前时间", "生成时间")
BACK_EVIDENCE = ("副页", "档案编号", "记录")
FRONT_EVIDENCE = ("出生日期", "初次领证", "准驾车型", "有效期限", "有效起始", "国籍", "住址", "性别")


@dataclass(frozen=True)
class PageKind:
    side: Side
    license_type: LicenseType
    confidence: float


def classify_page(lines: list[PlacedLine]) -> PageKind | None:
    """Decide from titles and labels; None when the lines show no license at all."""
    text = "".join(line.text for line in lines)
    electronic = sum(word in text for word in ELECTRONIC_EVIDENCE)
    back = sum(word in text for word in BACK_EVIDENCE)
    front = sum(word in text for word in FRONT_EVIDENCE)
    has_title = TITLE in text or "驾驶证" in text
    if electronic >= 2 or (electronic and front >= 3):
        return PageKind("front", "electronic", min(1.0, 0.5 + 0.15 * electronic))
    if "副页" in text or (back >= 2 and front <= 1):
        return PageKind("back", "normal", min(1.0, 0.5 + 0.2 * back))
    if front >= 3 or (has_title and front >= 1):
        return PageKind("front", "normal", min(1.0, 0.4 + 0.1 * front + 0.2 * has_title))
    return None
