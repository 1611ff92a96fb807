"""Drawing helpers for the varied sign art: TrueType lettering, and the wear of a sign in the field.

Real signs are lettered in sign fonts (DIN, Highway Gothic, Transport) at several stroke weights;
Hershey fonts alone taught the first model one look of STOP, 30 and P. The TrueType fonts below
come from Debian's fonts-dejavu-core, fonts-liberation2 and fonts-freefont-ttf; missing files are
skipped, so the generator still runs (with less variety) without them.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

FONT_DIR = Path('/usr/share/fonts/truetype')
TTF_FONTS = [
    p for p in (
        FONT_DIR / 'dejavu/DejaVuSans-Bold.ttf',
        FONT_DIR / 'dejavu/DejaVuSansCondensed-Bold.ttf',
        FONT_DIR / 'dejavu/DejaVuSans.ttf',
        FONT_DIR / 'liberation2/LiberationSans-Bold.ttf',
        FONT_DIR / 'liberation2/LiberationSans-Regular.ttf',
        FONT_DIR / 'freefont/FreeSansBold.ttf',
        FONT_DIR / 'freefont/FreeSans.ttf',
        FONT_DIR / 'dejavu/DejaVuSerif-Bold.ttf',
    ) if p.exists()
]


@lru_cache(maxsize=64)
def _font(path: str, px: int):
    from PIL import ImageFont  # python3-pil; only needed when TrueType fonts exist

    return ImageFont.truetype(path, px)


def ttf_text_mask(text: str, side: int, width_frac: float, y_centre: float, font_index: int,
                  squeeze: float = 1.0, stroke: int = 0) -> np.ndarray:
    """A side x side uint8 mask with `text` centred, width_frac of the side wide (before squeeze)."""
    from PIL import Image, ImageDraw

    path = str(TTF_FONTS[font_index % len(TTF_FONTS)])
    probe = _font(path, 100)
    x0, y0, x1, y1 = probe.getbbox(text, stroke_width=stroke)
    px = max(8, int(100 * width_frac * side / max(1, x1 - x0)))
    font = _font(path, px)
    x0, y0, x1, y1 = font.getbbox(text, stroke_width=stroke)
    tw, th = x1 - x0, y1 - y0
    canvas = Image.new('L', (tw + 4, th + 4), 0)
    ImageDraw.Draw(canvas).text((2 - x0, 2 - y0), text, fill=255, font=font, stroke_width=stroke, stroke_fill=255)
    glyphs = np.asarray(canvas)
    gw = max(1, int(round(glyphs.shape[1] * squeeze)))
    if gw != glyphs.shape[1]:
        glyphs = cv2.resize(glyphs, (gw, glyphs.shape[0]), interpolation=cv2.INTER_AREA)
    out = np.zeros((side, side), np.uint8)
    gh, gw = glyphs.shape
    ox, oy = int(round(side / 2 - gw / 2)), int(round(y_centre - gh / 2))
    sx0, sy0 = max(0, -ox), max(0, -oy)
    dx0, dy0 = max(0, ox), max(0, oy)
    dx1, dy1 = min(side, ox + gw), min(side, oy + gh)
    if dx1 > dx0 and dy1 > dy0:
        out[dy0:dy1, dx0:dx1] = glyphs[sy0:sy0 + dy1 - dy0, sx0:sx0 + dx1 - dx0]
    return out


def blend_mask(img: np.ndarray, mask: np.ndarray, colour) -> None:
    """Paint `colour` into img (HWC uint8) through an 8-bit coverage mask, in place."""
    a = (mask.astype(np.float32) / 255.0)[..., None]
    img[:] = (img.astype(np.float32) * (1 - a) + np.array(colour, np.float32) * a + 0.5).astype(np.uint8)


def wear(rgb: np.ndarray, alpha: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Dirt, stickers, scratches, glare and sun-bleaching on a face; returns a new RGB face."""
    side = rgb.shape[0]
    f = rgb.astype(np.float32)
    if rng.random() < 0.25:  # dirt: soft dark blotches
        dirt = np.zeros((side, side), np.float32)
        for _ in range(int(rng.integers(2, 9))):
            c = (int(rng.integers(0, side)), int(rng.integers(0, side)))
            cv2.circle(dirt, c, int(rng.integers(3, side // 5)), float(rng.uniform(0.2, 0.6)), -1)
        dirt = cv2.GaussianBlur(dirt, (0, 0), side / 40)
        f *= (1 - dirt)[..., None]
    if rng.random() < 0.15:  # stickers: small rectangles of any colour
        for _ in range(int(rng.integers(1, 3))):
            x, y = int(rng.integers(side // 6, side * 5 // 6)), int(rng.integers(side // 6, side * 5 // 6))
            w, h = int(rng.integers(side // 14, side // 5)), int(rng.integers(side // 18, side // 7))
            cv2.rectangle(f, (x, y), (x + w, y + h), tuple(float(v) for v in rng.integers(0, 256, 3)), -1)
    if rng.random() < 0.15:  # scratches and graffiti strokes
        for _ in range(int(rng.integers(1, 5))):
            p = [(int(rng.integers(0, side)), int(rng.integers(0, side))) for _ in range(2)]
            cv2.line(f, p[0], p[1], tuple(float(v) for v in rng.integers(0, 256, 3)), int(rng.integers(1, 4)),
                     cv2.LINE_AA)
    if rng.random() < 0.2:  # glare: a bright spot washes out the colours
        yy, xx = np.mgrid[0:side, 0:side].astype(np.float32)
        cx, cy = rng.uniform(0, side), rng.uniform(0, side)
        r = rng.uniform(0.15, 0.5) * side
        g = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r)) * rng.uniform(0.4, 0.95)
        f = f * (1 - g[..., None]) + 255.0 * g[..., None]
    if rng.random() < 0.15:  # sun-bleached: red and blue inks fade towards pale
        k = rng.uniform(0.2, 0.5)
        f = f * (1 - k) + (f.mean(axis=2, keepdims=True) * 0.4 + 150) * k
    out = np.clip(f, 0, 255).astype(np.uint8)
    out[alpha == 0] = 0
    return out


def arc_arrow(img: np.ndarray, colour, side: int, direction: str, width: float, rng: np.random.Generator) -> None:
    """A turn arrow drawn as a curve: up from the bottom, a quarter circle, then a head to `direction`."""
    s = -1 if direction == 'left' else 1
    c = side / 2
    r = side * rng.uniform(0.18, 0.24)
    x0 = c - s * side * rng.uniform(0.08, 0.14)  # the upright part sits opposite to where it turns
    y_turn = c + side * 0.06
    pts = [(x0, c + side * 0.36)] + [(x0 + s * r * (1 - math.cos(t)), y_turn - r * math.sin(t))
                                     for t in np.linspace(0, math.pi / 2, 24)]
    poly = np.round(np.array(pts) * 16).astype(np.int32)
    cv2.polylines(img, [poly], False, colour, max(2, int(width)), cv2.LINE_AA, shift=4)
    ex, ey = pts[-1]
    head = side * rng.uniform(0.15, 0.19)
    tip = np.array([[ex, ey - head], [ex, ey + head], [ex + s * head * 1.1, ey]])
    cv2.fillPoly(img, [np.round(tip * 16).astype(np.int32)], colour, cv2.LINE_AA, shift=4)
