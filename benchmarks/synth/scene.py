"""Photographs drawn cards: backgrounds, sleeves and wallets, pose and perspective, light, glare, blur and noise.

Each tier is a recipe of ranges. The result is the photo (RGB uint8) and, for every card in it, its corners in photo
pixels, clockwise from the card's own top-left as it reads upright, plus the in-plane rotation that was applied.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np
import numpy.typing as npt

from benchmarks.synth.render import PX_PER_MM, CardImage, FloatImage, Mask, RGBImage, Side

Tier = Literal["scan", "photo", "hard", "wallet"]
TIERS: tuple[Tier, ...] = ("scan", "photo", "hard", "wallet")
Point = tuple[float, float]
Quad = tuple[Point, Point, Point, Point]

MAX_TILT_DEG = 30.0  # perspective: the card plane turned up to this far from facing the camera
LONG_SIDE_PX = (1000, 1600)
HARD_WIDTH_PX = (600, 680)
SLEEVE_MARGIN_MM = (2.0, 5.0)
WALLET_MARGIN_MM = 9.0
WALLET_FOLD_MM = 12.0
LIGHT_DOWNSCALE = 8
CLUTTER_SATURATION = 0.45
WALLET_BACK_LEFT_SHARE = 0.2  # of wallet photos, the share with the back page on the left
# Glare bands are laid across the whole frame and lit only where the card is, so a band can miss a small card. The
# label says glare when it lifted the stock at least GLARE_LABEL_LIFT of the way to white (the print beneath loses as
# much of its contrast) over at least GLARE_LABEL_SHARE of the cards' area (a few characters): glare over the text,
# which is what the engine's glare signal reports.
GLARE_LABEL_LIFT = 0.3
GLARE_LABEL_SHARE = 0.01


@dataclass(frozen=True)
class TierRecipe:
    """Ranges a tier draws from. `fill` is the card's (or wallet's) extent as a share of the frame's matching side."""

    fill: tuple[float, float]
    tilt_deg: float
    free_rotation: bool
    may_cut_corners: bool
    jpeg_quality: tuple[int, int]
    blur_sigma: tuple[float, float]
    noise_sigma: tuple[float, float]
    glare_chance: float
    shadow_chance: float


RECIPES: dict[Tier, TierRecipe] = {
    "scan": TierRecipe((0.9, 0.97), 0.0, False, False, (85, 95), (0.0, 0.3), (0.5, 2.0), 0.0, 0.0),
    "photo": TierRecipe((0.3, 0.95), MAX_TILT_DEG, True, False, (60, 92), (0.0, 0.9), (1.5, 5.0), 0.3, 0.25),
    "hard": TierRecipe((0.75, 1.2), MAX_TILT_DEG, True, True, (35, 70), (0.8, 2.2), (3.0, 8.0), 0.9, 0.6),
    "wallet": TierRecipe((0.75, 0.98), 20.0, True, False, (60, 90), (0.0, 0.8), (1.5, 5.0), 0.35, 0.2),
}


@dataclass(frozen=True)
class PlacedCard:
    side: Side
    quad: Quad
    rotation_deg: float
    """Clockwise, in degrees in [0, 360), that the card's upright reading direction was turned in the photo."""


@dataclass(frozen=True)
class Light:
    """What the light and lens did to the photo, for scoring the engine's quality signals."""

    blur_sigma: float
    """Gaussian blur in photo pixels (0 when none was applied)."""
    glare: bool
    """Laminate glare lit the card(s) (GLARE_LABEL_LIFT over GLARE_LABEL_SHARE of their area)."""


@dataclass(frozen=True)
class Scene:
    image: RGBImage
    cards: tuple[PlacedCard, ...]
    jpeg_quality: int
    light: Light


@dataclass(frozen=True)
class _Object:
    """What gets photographed, before the pose: pixels, alpha and where each card's corners sit in it."""

    rgb: FloatImage
    alpha: npt.NDArray[np.float32]
    cards: tuple[tuple[Side, npt.NDArray[np.float32]], ...]


def photograph(cards: list[CardImage], tier: Tier, rng: np.random.Generator) -> Scene:
    """Place `cards` (one page, or front and back for `wallet`) in a photo of the given tier."""
    recipe = RECIPES[tier]
    if tier == "wallet":
        subject = _wallet(cards, rng)
    elif tier in ("photo", "hard") and rng.random() < 0.5:
        subject = _sleeve(cards[0], rng)
    else:
        subject = _bare(cards[0])
    rotation = _draw_rotation(recipe, rng)
    projected = _project(subject.rgb.shape[1], subject.rgb.shape[0], rotation, recipe.tilt_deg, rng)
    frame_width, frame_height = _frame_size(tier, projected, rng)
    quad = _fit(projected, frame_width, frame_height, recipe, rng)
    source = _corners(subject.rgb.shape[1], subject.rgb.shape[0])
    homography = cv2.getPerspectiveTransform(source, quad)

    background = _background(tier, frame_width, frame_height, rng)
    background = np.ascontiguousarray(np.broadcast_to(background, (frame_height, frame_width, 3)), np.float32)
    size = (frame_width, frame_height)
    warped = cv2.warpPerspective(subject.rgb, homography, size, flags=cv2.INTER_LINEAR)
    alpha = cv2.warpPerspective(subject.alpha, homography, size, flags=cv2.INTER_LINEAR)
    photo = cv2.blendLinear(warped, background, alpha, 1.0 - alpha).astype(np.float32, copy=False)

    placed = []
    card_mask = np.zeros((frame_height, frame_width), np.uint8)
    for side, corners in subject.cards:
        image_quad = cv2.perspectiveTransform(corners[None], homography)[0]
        cv2.fillConvexPoly(card_mask, np.round(image_quad).astype(np.int32), 255)
        placed.append(PlacedCard(side=side, quad=_as_quad(image_quad), rotation_deg=round(rotation % 360.0, 2)))
    photo, light = _light(photo, tier, card_mask, recipe, rng)
    quality = int(rng.integers(recipe.jpeg_quality[0], recipe.jpeg_quality[1] + 1))
    np.clip(photo, 0.0, 1.0, out=photo)
    image = cv2.convertScaleAbs(photo, alpha=255.0).astype(np.uint8, copy=False)  # scales and rounds in one pass
    return Scene(image=image, cards=tuple(placed), jpeg_quality=quality, light=light)


# --- what is photographed ---------------------------------------------------------------------------------------


def photograph_wallet(front: CardImage, back: CardImage, rng: np.random.Generator) -> Scene:
    """Both pages in an open wallet: the main page on the left, or the back page WALLET_BACK_LEFT_SHARE of the time
    (wallets are filled either way)."""
    pages = [front, back]
    if rng.random() < WALLET_BACK_LEFT_SHARE:
        pages.reverse()
    return photograph(pages, "wallet", rng)


def _bare(card: CardImage) -> _Object:
    height, width = card.alpha.shape
    return _Object(
        rgb=card.rgb.astype(np.float32) / 255.0,
        alpha=card.alpha.astype(np.float32) / 255.0,
        cards=((card.side, _corners(width, height)),),
    )


def _sleeve(card: CardImage, rng: np.random.Generator) -> _Object:
    """The card in a clear plastic sleeve: a hazy, slightly bright margin around it and a faint film over it."""
    margin = round(float(rng.uniform(*SLEEVE_MARGIN_MM)) * PX_PER_MM)
    height, width = card.alpha.shape
    outer_w, outer_h = width + 2 * margin, height + 2 * margin
    haze = float(rng.uniform(0.06, 0.16))
    rgb = np.full((outer_h, outer_w, 3), 0.9, np.float32)
    alpha = np.full((outer_h, outer_w), float(rng.uniform(0.2, 0.4)), np.float32)
    card_alpha = card.alpha.astype(np.float32)[:, :, None] / 255.0
    inner = rgb[margin : margin + height, margin : margin + width]
    inner[:] = (card.rgb.astype(np.float32) / 255.0) * card_alpha + inner * (1 - card_alpha)
    inner[:] = inner * (1 - haze) + haze
    alpha[margin : margin + height, margin : margin + width] = np.maximum(
        alpha[margin : margin + height, margin : margin + width], card_alpha[:, :, 0]
    )
    cv2.rectangle(rgb, (1, 1), (outer_w - 2, outer_h - 2), (1.0, 1.0, 1.0), 3)
    cv2.rectangle(alpha, (1, 1), (outer_w - 2, outer_h - 2), 0.8, 3)
    return _Object(rgb=rgb, alpha=alpha, cards=((card.side, _corners(width, height) + margin),))


def _wallet(cards: list[CardImage], rng: np.random.Generator) -> _Object:
    """An open black leather wallet: two clear windows side by side, the main page and the back page behind them."""
    height, width = cards[0].alpha.shape
    margin, fold = round(WALLET_MARGIN_MM * PX_PER_MM), round(WALLET_FOLD_MM * PX_PER_MM)
    outer_w, outer_h = 2 * width + fold + 2 * margin, height + 2 * margin
    shade = float(rng.uniform(0.06, 0.16))
    grain = cv2.resize(rng.uniform(-0.03, 0.03, (outer_h // 6, outer_w // 6)).astype(np.float32), (outer_w, outer_h))
    rgb = np.repeat((shade + grain)[:, :, None], 3, axis=2) * np.array((1.0, 0.93, 0.88), np.float32)
    stitch = (0.45, 0.42, 0.38)
    inset = margin // 3
    for x0, x1 in ((inset, margin + width + fold // 3), (margin + width + 2 * fold // 3, outer_w - inset)):
        _dashed_rect(rgb, (x0, inset, x1, outer_h - inset), stitch)
    crease_x = margin + width + fold // 2
    rgb[:, crease_x - 3 : crease_x + 3] *= 0.5
    placed = []
    for index, card in enumerate(cards):
        left = margin + index * (width + fold)
        card_alpha = card.alpha.astype(np.float32)[:, :, None] / 255.0
        window = rgb[margin : margin + height, left : left + width]
        window[:] = (card.rgb.astype(np.float32) / 255.0) * card_alpha + window * (1 - card_alpha)
        window[:] = window * 0.9 + 0.1 * 0.95  # the clear window's haze
        cv2.rectangle(rgb, (left - 4, margin - 4), (left + width + 4, margin + height + 4), (0.55, 0.55, 0.55), 2)
        placed.append((card.side, _corners(width, height) + np.array((left, margin), np.float32)))
    return _Object(rgb=rgb, alpha=np.ones((outer_h, outer_w), np.float32), cards=tuple(placed))


def _dashed_rect(image: FloatImage, box: tuple[int, int, int, int], colour: tuple[float, float, float]) -> None:
    x0, y0, x1, y1 = box
    for start, end in (((x0, y0), (x1, y0)), ((x1, y0), (x1, y1)), ((x1, y1), (x0, y1)), ((x0, y1), (x0, y0))):
        length = math.dist(start, end)
        for step in range(0, int(length), 22):
            a = (start[0] + (end[0] - start[0]) * step / length, start[1] + (end[1] - start[1]) * step / length)
            b_step = min(step + 12, length)
            b = (start[0] + (end[0] - start[0]) * b_step / length, start[1] + (end[1] - start[1]) * b_step / length)
            cv2.line(image, (round(a[0]), round(a[1])), (round(b[0]), round(b[1])), colour, 3)


# --- pose -------------------------------------------------------------------------------------------------------


def _corners(width: int, height: int) -> npt.NDArray[np.float32]:
    """Clockwise from top-left: the corners of a width x height image, in its pixels."""
    return np.array([(0, 0), (width, 0), (width, height), (0, height)], np.float32)


def _draw_rotation(recipe: TierRecipe, rng: np.random.Generator) -> float:
    """Degrees clockwise: mostly near upright, often a quarter or half turn, sometimes anything."""
    if not recipe.free_rotation:
        return float(rng.uniform(-0.6, 0.6))
    roll = rng.random()
    if roll < 0.5:
        return float(rng.uniform(-10, 10))
    if roll < 0.8:
        return float(int(rng.integers(1, 4)) * 90 + rng.uniform(-8, 8))
    return float(rng.uniform(0, 360))


def _project(
    width: int, height: int, rotation_deg: float, max_tilt: float, rng: np.random.Generator
) -> npt.NDArray[np.float32]:
    """The object's corners after tilting its plane (pinhole camera) and turning it in the image plane, centred on 0."""
    corners = _corners(width, height) - np.array((width / 2, height / 2), np.float32)
    tilt_x, tilt_y = (math.radians(float(rng.uniform(-max_tilt, max_tilt))) for _ in range(2))
    rot_x = np.array([[1, 0, 0], [0, math.cos(tilt_x), -math.sin(tilt_x)], [0, math.sin(tilt_x), math.cos(tilt_x)]])
    rot_y = np.array([[math.cos(tilt_y), 0, math.sin(tilt_y)], [0, 1, 0], [-math.sin(tilt_y), 0, math.cos(tilt_y)]])
    points = np.c_[corners, np.zeros(4)] @ (rot_y @ rot_x).T
    focal = max(width, height) * float(rng.uniform(1.2, 2.5))
    projected = points[:, :2] * (focal / (focal + points[:, 2:3]))
    angle = math.radians(rotation_deg)
    turn = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    return (projected @ turn.T).astype(np.float32)


def _frame_size(tier: Tier, projected: npt.NDArray[np.float32], rng: np.random.Generator) -> tuple[int, int]:
    """Photo size: hard is ~640 px wide; a scan is cut to the card; photos are 4:3 in the card's orientation."""
    extent_w, extent_h = np.ptp(projected[:, 0]), np.ptp(projected[:, 1])
    landscape = extent_w >= extent_h
    if tier == "hard":
        width = int(rng.integers(HARD_WIDTH_PX[0], HARD_WIDTH_PX[1] + 1))
        return width, round(width * (0.75 if landscape else 1.33))
    long_side = int(rng.integers(LONG_SIDE_PX[0], LONG_SIDE_PX[1] + 1))
    if tier == "scan":
        ratio = extent_h / extent_w
        return (
            (long_side, round(long_side * ratio * 1.04)) if landscape else (round(long_side / ratio * 1.04), long_side)
        )
    short_side = round(long_side * 0.75)
    return (long_side, short_side) if landscape else (short_side, long_side)


def _fit(
    projected: npt.NDArray[np.float32], width: int, height: int, recipe: TierRecipe, rng: np.random.Generator
) -> npt.NDArray[np.float32]:
    """Scale the projected corners to the tier's fill and place them; tiers that may cut corners let them out."""
    extent = np.ptp(projected, axis=0)
    scale = float(rng.uniform(*recipe.fill)) * min(width / extent[0], height / extent[1])
    quad = (projected - projected.min(axis=0)) * scale
    room = np.array((width, height), np.float32) - quad.max(axis=0)
    if recipe.may_cut_corners and rng.random() < 0.5:
        offset = room * rng.uniform(-0.2, 1.2, 2) if (room > 0).all() else room * rng.uniform(0.2, 0.8, 2)
    else:
        offset = np.maximum(room, 0) * rng.uniform(0.0, 1.0, 2) + np.minimum(room, 0) / 2
    return (quad + offset).astype(np.float32)


def _as_quad(points: npt.NDArray[np.float32]) -> Quad:
    (ax, ay), (bx, by), (cx, cy), (dx, dy) = (tuple(round(float(v), 1) for v in point) for point in points)
    return ((ax, ay), (bx, by), (cx, cy), (dx, dy))


# --- backgrounds and light ----------------------------------------------------------------------------------------


def _background(tier: Tier, width: int, height: int, rng: np.random.Generator) -> FloatImage:
    """A surface to lay the card on: scanner glass for scans, else desk wood, cloth, paper clutter or a plain table."""
    if tier == "scan":
        return _smooth_noise(width, height, rng, 0.02) + np.float32(rng.uniform(0.88, 0.97))
    kind = int(rng.integers(0, 4))
    if kind == 0:
        return _wood(width, height, rng)
    if kind == 1:
        colour = rng.uniform(0.15, 0.8, 3).astype(np.float32)
        cloth = _smooth_noise(width, height, rng, 0.05, cell=4) + _smooth_noise(width, height, rng, 0.1, cell=60)
        return colour[None, None, :] * (1 + cloth)
    if kind == 2:
        return _clutter(width, height, rng)
    colour = rng.uniform(0.35, 0.95, 3).astype(np.float32)
    return colour[None, None, :] * (1 + _smooth_noise(width, height, rng, 0.08, cell=120))


def _smooth_noise(width: int, height: int, rng: np.random.Generator, amplitude: float, cell: int = 16) -> FloatImage:
    """(H, W, 1) float32 noise in [-amplitude, amplitude], smooth over `cell` pixels (cheap: drawn small, resized)."""
    small = rng.uniform(-amplitude, amplitude, (max(height // cell, 2), max(width // cell, 2))).astype(np.float32)
    return cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC).astype(np.float32, copy=False)[:, :, None]


def _wood(width: int, height: int, rng: np.random.Generator) -> FloatImage:
    colour = np.array((rng.uniform(0.45, 0.75), rng.uniform(0.3, 0.5), rng.uniform(0.15, 0.3)), np.float32)
    ys = np.arange(height, dtype=np.float32)[:, None]
    warp = _smooth_noise(width, height, rng, 25.0, cell=80)[:, :, 0]
    grain = 0.5 + 0.5 * np.sin((ys + warp) * np.float32(2 * math.pi / rng.uniform(9, 30)))
    grain = grain * np.float32(0.18) + _smooth_noise(width, height, rng, 0.05, cell=3)[:, :, 0]
    wood = colour[None, None, :] * (0.85 + grain[:, :, None])
    if rng.random() < 0.5:
        wood = np.ascontiguousarray(np.rot90(cv2.resize(wood, (height, width))))
    return wood.astype(np.float32)


def _clutter(width: int, height: int, rng: np.random.Generator) -> FloatImage:
    """A busy desk: papers, objects and lines of text-like marks in many colours."""
    image = np.empty((height, width, 3), np.uint8)
    image[:] = rng.integers(70, 230, 3).astype(np.uint8)
    for _ in range(int(rng.integers(8, 20))):
        # Muted colours: real desks are greys, browns and faded prints, not saturated primaries.
        grey = int(rng.integers(60, 200))
        colour = tuple(int(grey + (v - grey) * CLUTTER_SATURATION) for v in rng.integers(0, 256, 3))
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        size = int(rng.integers(width // 12, width // 3))
        if rng.random() < 0.5:
            box = cv2.boxPoints(((x, y), (size, size * float(rng.uniform(0.4, 1.4))), float(rng.uniform(0, 180))))
            cv2.fillConvexPoly(image, box.astype(np.int32), colour, lineType=cv2.LINE_AA)
        else:
            cv2.circle(image, (x, y), size // 2, colour, -1, lineType=cv2.LINE_AA)
    for _ in range(int(rng.integers(2, 6))):
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        ink = tuple(int(v) for v in rng.integers(0, 100, 3))
        for line in range(int(rng.integers(3, 9))):
            words = "".join(chr(int(c)) for c in rng.integers(65, 91, int(rng.integers(6, 16))))
            cv2.putText(image, words, (x, y + line * 30), cv2.FONT_HERSHEY_SIMPLEX, 0.8, ink, 2, cv2.LINE_AA)
    # Out of focus: the camera focuses on the card, not the desk behind it.
    blurred = cv2.GaussianBlur(image, (0, 0), float(rng.uniform(0.5, 2.5)))
    return blurred.astype(np.float32) / np.float32(255.0)


def _light(
    photo: FloatImage, tier: Tier, card_mask: Mask, recipe: TierRecipe, rng: np.random.Generator
) -> tuple[FloatImage, Light]:
    """Uneven light, colour cast, shadows, laminate glare, blur and sensor noise, in that (physical) order; and the
    blur and glare applied."""
    height, width = card_mask.shape
    if tier != "scan":
        xs = np.linspace(-1, 1, width, dtype=np.float32)[None, :]
        ys = np.linspace(-1, 1, height, dtype=np.float32)[:, None]
        direction = rng.uniform(-1, 1, 2).astype(np.float32) * np.float32(0.22)
        gain = np.float32(rng.uniform(0.85, 1.1)) + direction[0] * xs + direction[1] * ys
        cast = rng.uniform(0.92, 1.08, 3).astype(np.float32)
        if rng.random() < recipe.shadow_chance:
            gain *= _shadow(width, height, rng)
        cv2.multiply(photo, gain[:, :, None] * cast, dst=photo)
    glare = False
    if rng.random() < recipe.glare_chance:
        photo, lit_share = _glare(photo, card_mask, rng)
        glare = lit_share >= GLARE_LABEL_SHARE
    sigma = float(rng.uniform(*recipe.blur_sigma))
    blurred = sigma > 0.3
    if blurred:
        photo = cv2.GaussianBlur(photo, (0, 0), sigma).astype(np.float32, copy=False)
    # Sensor noise after demosaicing is correlated over neighbouring pixels: draw it at half size and enlarge.
    noise = rng.standard_normal(((height + 1) // 2, (width + 1) // 2), dtype=np.float32)
    noise = cv2.resize(noise, (width, height), interpolation=cv2.INTER_LINEAR).astype(np.float32, copy=False)
    noise *= np.float32(rng.uniform(*recipe.noise_sigma) / 255 * 1.6)
    noisy = cv2.add(photo, cv2.merge([noise] * 3)).astype(np.float32, copy=False)
    return noisy, Light(blur_sigma=round(sigma, 3) if blurred else 0.0, glare=glare)


def _shadow(width: int, height: int, rng: np.random.Generator) -> FloatImage:
    """A soft shadow (a hand or a phone) falling across part of the frame, as a multiplier in (0, 1]."""
    small_w, small_h = max(width // LIGHT_DOWNSCALE, 2), max(height // LIGHT_DOWNSCALE, 2)
    mask = np.zeros((small_h, small_w), np.float32)
    points = rng.uniform(0, 1, (5, 2)) * (small_w, small_h)
    points[:2] = rng.uniform(-0.2, 0.2, (2, 2)) * (small_w, small_h) + (0, rng.uniform(0, small_h))
    cv2.fillPoly(mask, [cv2.convexHull(points.astype(np.int32))], 1.0)
    mask = cv2.GaussianBlur(mask, (0, 0), max(small_w, small_h) / 40).astype(np.float32, copy=False)
    mask = cv2.resize(mask, (width, height), interpolation=cv2.INTER_LINEAR).astype(np.float32, copy=False)
    return 1.0 - mask * np.float32(rng.uniform(0.25, 0.5))


def _glare(photo: FloatImage, card_mask: Mask, rng: np.random.Generator) -> tuple[FloatImage, float]:
    """Laminate glare: one or two bright stripes (and a hot spot) over the card, washing out the text beneath; and the
    share of the cards' area it lifted at least GLARE_LABEL_LIFT of the way to white."""
    height, width = card_mask.shape
    scale = LIGHT_DOWNSCALE  # glare is smooth: compute it small, then enlarge
    ys, xs = np.mgrid[0:height:scale, 0:width:scale].astype(np.float32)
    light = np.zeros(xs.shape, np.float32)
    for _ in range(int(rng.integers(1, 3))):
        angle = float(rng.uniform(0, math.pi))
        offset = float(rng.uniform(0.2, 0.8)) * (abs(math.cos(angle)) * width + abs(math.sin(angle)) * height)
        distance = xs * math.cos(angle) + ys * math.sin(angle) - offset
        band = float(rng.uniform(0.02, 0.07)) * max(width, height)
        light += np.exp(-((distance / band) ** 2)) * np.float32(rng.uniform(0.5, 0.95))
    if rng.random() < 0.5:
        cx, cy = rng.uniform(0.2, 0.8) * width, rng.uniform(0.2, 0.8) * height
        light += np.exp(-(((xs - cx) ** 2 + (ys - cy) ** 2) / (0.08 * max(width, height)) ** 2)) * np.float32(0.8)
    light = cv2.resize(np.minimum(light, 1.0), (width, height), interpolation=cv2.INTER_LINEAR)
    light = light * (cv2.blur(card_mask, (5, 5)).astype(np.float32) / np.float32(255.0))
    on_card = card_mask > 0
    lit_share = float((light[on_card] >= GLARE_LABEL_LIFT).mean()) if on_card.any() else 0.0
    return photo + (1.0 - photo) * light[:, :, None], lit_share
