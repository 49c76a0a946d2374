"""Where everything sits on each page, in card millimetres (origin top-left, 88 x 60 mm): layout as data.

Measured on the specimen `front-new-layout.jpg` (card 990 px wide there, 11.25 px/mm); the old print and the back page
keep the same grid. Text positions are the left edge and the vertical centre of the line.
"""

from __future__ import annotations

from dataclasses import dataclass

CARD_WIDTH_MM = 88.0
CARD_HEIGHT_MM = 60.0
CORNER_RADIUS_MM = 3.0

LABEL_SIZE_MM = 2.5
ENGLISH_SIZE_MM = 1.75
ENGLISH_DROP_MM = 2.2  # the English label's centre sits this far below its Chinese label's


@dataclass(frozen=True)
class Rect:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(frozen=True)
class Label:
    """A printed Chinese label with its English line below (None where the print has none)."""

    chinese: str
    english: str | None
    x: float
    y: float


@dataclass(frozen=True)
class Slot:
    """Where the printer puts one value: left edge, centre line, character height and the width it must fit in."""

    key: str
    x: float
    y: float
    size: float
    max_width: float
    centered: bool = False


@dataclass(frozen=True)
class Rule:
    """A dashed (or, for the back page's record lines, solid) line under a value."""

    x0: float
    x1: float
    y: float
    dashed: bool = True


@dataclass(frozen=True)
class PageLayout:
    title: str
    subtitle: str | None
    title_size: float
    labels: tuple[Label, ...]
    slots: tuple[Slot, ...]
    rules: tuple[Rule, ...]
    number_box: Rect
    """The purple box that holds `证号` in white."""
    boxes: tuple[Rect, ...] = ()
    seal: Rect | None = None
    photo: Rect | None = None
    barcode: Rect | None = None


TITLE_Y = 5.3
SUBTITLE_Y = 8.7
FRONT_TITLE = "中华人民共和国机动车驾驶证"
FRONT_SUBTITLE = "Driving License of the People's Republic of China"
BACK_TITLE = "中华人民共和国机动车驾驶证副页"

ROW_NAME_Y = 17.1
ROW_ADDRESS_Y = 22.9
ADDRESS_SECOND_LINE_Y = 29.6
ROW_BIRTH_Y = 34.7
ROW_ISSUE_Y = 40.9
ROW_CLASS_Y = 47.1
ROW_VALID_Y = 53.8
VALUE_DROP_MM = 0.8  # values are printed a little lower than the labels' centre line
RIGHT_MARGIN_X = 82.5
PHOTO = Rect(65.3, 28.0, 86.3, 57.3)
SEAL = Rect(3.3, 32.0, 22.6, 51.6)
CLASS_BOX = Rect(35.3, 44.6, 61.8, 50.5)
FRONT_NUMBER_BOX = Rect(24.7, 10.5, 32.6, 14.4)


def front_layout(old: bool, sex_english: str = "Sex") -> PageLayout:
    """The main page. `old`: the print with `有效起始日期` + `有效期限 N年`; else `有效期限 A 至 B` (new print)."""
    labels = [
        Label("姓名", "Name", 4.3, ROW_NAME_Y),
        Label("性别", sex_english, 41.3, ROW_NAME_Y),
        Label("国籍", "Nationality", 56.3, ROW_NAME_Y),
        Label("住址", "Address", 4.3, ROW_ADDRESS_Y),
        Label("出生日期", "Birthday" if old else "Date of Birth", 23.7, ROW_BIRTH_Y),
        Label("初次领证日期", "Issue Date" if old else "Date of First Issue", 23.7, ROW_ISSUE_Y),
        Label("准驾车型", "Class", 23.7, ROW_CLASS_Y),
    ]
    slots = [
        Slot("number", 35.6, 12.4, 3.5, 36.0),
        Slot("name", 10.8, ROW_NAME_Y + VALUE_DROP_MM, 3.9, 28.0),
        Slot("sex", 48.2, ROW_NAME_Y + VALUE_DROP_MM, 3.4, 6.0),
        Slot("nationality", 66.4, ROW_NAME_Y + VALUE_DROP_MM, 3.4, 15.0),
        Slot("address", 13.2, ROW_ADDRESS_Y + VALUE_DROP_MM, 3.2, RIGHT_MARGIN_X - 13.2),
        Slot("address2", 4.3, ADDRESS_SECOND_LINE_Y, 3.2, PHOTO.x0 - 5.5),
        Slot("birth", 35.8, ROW_BIRTH_Y + 0.4, 3.2, 26.0),
        Slot("issue_date", 40.7, ROW_ISSUE_Y + 0.5, 3.2, 21.0),
        Slot("class", CLASS_BOX.x0, (CLASS_BOX.y0 + CLASS_BOX.y1) / 2, 3.7, CLASS_BOX.width, centered=True),
    ]
    rules = [
        Rule(9.6, 40.6, 20.3),
        Rule(46.3, 55.9, 20.3),
        Rule(66.0, RIGHT_MARGIN_X, 20.3),
        Rule(11.4, RIGHT_MARGIN_X, 25.9),
        Rule(4.0, PHOTO.x0 - 2.0, 31.6),
        Rule(33.8, PHOTO.x0 - 2.0, 37.4),
        Rule(38.5, PHOTO.x0 - 2.0, 43.5),
    ]
    if old:
        labels += [
            Label("有效起始日期", "Valid From", 4.6, ROW_VALID_Y),
            Label("有效期限", "Valid For", 42.0, ROW_VALID_Y),
        ]
        slots += [
            Slot("valid_from", 21.0, ROW_VALID_Y, 3.2, 20.0),
            Slot("valid_for", 53.5, ROW_VALID_Y, 3.2, 10.0),
        ]
        rules += [Rule(18.5, 41.0, 56.4), Rule(52.0, PHOTO.x0 - 2.0, 56.4)]
    else:
        labels.append(Label("有效期限", "Valid Period", 4.6, ROW_VALID_Y))
        slots.append(Slot("valid_period", 18.2, ROW_VALID_Y, 3.2, PHOTO.x0 - 19.5))
        rules.append(Rule(15.8, PHOTO.x0 - 2.0, 56.4))
    return PageLayout(
        title=FRONT_TITLE,
        subtitle=FRONT_SUBTITLE,
        title_size=4.3,
        labels=tuple(labels),
        slots=tuple(slots),
        rules=tuple(rules),
        number_box=FRONT_NUMBER_BOX,
        boxes=(CLASS_BOX,),
        seal=SEAL,
        photo=PHOTO,
    )


BACK_RECORD_LINES_Y = (25.6, 31.6, 37.6, 43.6, 49.6)


def back_layout(barcode: bool) -> PageLayout:
    """The back page (副页): number, name and file number, then the ruled `记录` area; some prints add a barcode."""
    return PageLayout(
        title=BACK_TITLE,
        subtitle=None,
        title_size=4.0,
        labels=(
            Label("姓名", None, 4.5, 17.4),
            Label("档案编号", None, 43.0, 17.4),
            Label("记录", None, 4.5, 23.4),
        ),
        slots=(
            Slot("number", 16.0, 11.9, 3.5, 40.0),
            Slot("name", 11.5, 17.6, 3.8, 28.0),
            Slot("file_number", 55.0, 17.6, 3.3, 29.0),
            Slot("record", 12.5, 23.6, 3.1, 70.0),
        ),
        rules=(
            Rule(10.5, 41.5, 19.8),
            Rule(54.0, 84.0, 19.8),
            *(Rule(4.0 if y > 26 else 11.0, 84.0, y, dashed=False) for y in BACK_RECORD_LINES_Y),
        ),
        number_box=Rect(4.5, 10.0, 12.4, 13.9),
        barcode=Rect(22.0, 52.0, 66.0, 57.5) if barcode else None,
    )
