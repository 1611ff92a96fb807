"""Synthetic road-sign scenes: sign faces drawn with OpenCV, composited onto real photographs
(photos.py gathers them from Debian packages) or procedural backgrounds.

One module for everything that draws: the training/test generator (generate.py) and the sample
sequence renderer (render_samples.py) both call it, so the faces a model learns are the faces the
samples show. Images are RGB uint8 HWC throughout; cv2 only ever sees them as plain arrays, so the
colour tuples below are RGB, and conversion to BGR happens once, at the JPEG writer.

Every random choice goes through a numpy Generator passed in by the caller: same seed, same image.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from art import TTF_FONTS, arc_arrow, blend_mask, ttf_text_mask, wear

# Class order is the model's output order (rows 4.. of [1, 4+C, N]) and labels.txt's line order.
CLASSES = [
    'stop',
    'yield',
    'no-entry',
    'turn-left',
    'turn-right',
    'go-straight',
    'roundabout',
    'pedestrian-crossing',
    'parking',
    'speed-limit-30',
]

FACE = 160  # side of the square canvas a face is drawn on, in pixels
AA = cv2.LINE_AA
FONTS = [cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_TRIPLEX]

RED = (200, 24, 34)
BLUE = (18, 78, 170)
WHITE = (245, 245, 245)
BLACK = (20, 20, 20)


@dataclass
class Box:
    """One labelled sign in a scene: class index and pixel corners (x1, y1) inclusive, (x2, y2) exclusive."""

    cls: int
    x1: float
    y1: float
    x2: float
    y2: float


# ---------------------------------------------------------------------------------------------
# Faces


def _jitter(colour, rng, amount=18):
    """A printed colour, slightly off: signs fade and inks differ."""
    return tuple(int(np.clip(c + rng.integers(-amount, amount + 1), 0, 255)) for c in colour)


def _poly(n, radius, rotation_deg, centre=FACE / 2):
    angles = np.deg2rad(rotation_deg + np.arange(n) * 360.0 / n)
    pts = np.stack([centre + radius * np.cos(angles), centre + radius * np.sin(angles)], axis=1)
    return np.round(pts * 16).astype(np.int32)  # cv2 fixed point, 4 fractional bits


def _fill(img, pts, colour):
    cv2.fillPoly(img, [pts], colour, AA, shift=4)


def _circle(img, radius, colour, thickness=-1, centre=FACE / 2):
    c = (int(round(centre * 16)), int(round(centre * 16)))
    cv2.circle(img, c, int(round(radius * 16)), colour, thickness, AA, shift=4)


def _text(img, text, width_frac, colour, rng, y_centre=FACE / 2, bold=None):
    """Centred text scaled to a fraction of the face width: a TrueType sign font or a Hershey font."""
    if TTF_FONTS and rng.random() < 0.65:
        mask = ttf_text_mask(text, FACE, width_frac, y_centre, int(rng.integers(len(TTF_FONTS))),
                             squeeze=float(rng.uniform(0.8, 1.1)), stroke=int(rng.integers(0, 3)))
        blend_mask(img, mask, colour)
        return
    font = FONTS[rng.integers(len(FONTS))]
    thick = bold if bold is not None else int(rng.integers(3, 6))
    (tw, th), _ = cv2.getTextSize(text, font, 1.0, thick)
    scale = width_frac * FACE / tw
    thick = max(2, int(round(thick * scale)))
    (tw, th), _ = cv2.getTextSize(text, font, scale, thick)
    org = (int(FACE / 2 - tw / 2), int(y_centre + th / 2))
    cv2.putText(img, text, org, font, scale, colour, thick, AA)


def _arrow(img, colour, direction, rng):
    """White arrow of a blue mandatory sign: 'up', or a turn to 'left'/'right' in one of three common
    drawings: bent (up, then a right angle), straight (a plain horizontal arrow) or curved."""
    c = FACE / 2
    w = FACE * rng.uniform(0.08, 0.15)  # shaft width
    head = FACE * rng.uniform(0.18, 0.25)
    style = 'up' if direction == 'up' else ('bent', 'straight', 'curved')[int(rng.choice(3, p=[0.4, 0.35, 0.25]))]
    if style == 'curved':
        arc_arrow(img, colour, FACE, direction, w, rng)
        return
    if style == 'straight':
        s = -1 if direction == 'left' else 1
        tail, neck = c - s * 0.34 * FACE, c + s * 0.08 * FACE
        shaft = np.array([[tail, c - w / 2], [neck, c - w / 2], [neck, c + w / 2], [tail, c + w / 2]])
        tip = np.array([[neck, c - head], [neck, c + head], [c + s * 0.36 * FACE, c]])
        for p in (shaft, tip):
            _fill(img, np.round(p * 16).astype(np.int32), colour)
        return
    if direction == 'up':
        shaft = np.array([[c - w / 2, c + 0.36 * FACE], [c + w / 2, c + 0.36 * FACE],
                          [c + w / 2, c - 0.1 * FACE], [c - w / 2, c - 0.1 * FACE]])
        tip = np.array([[c - head, c - 0.1 * FACE], [c + head, c - 0.1 * FACE], [c, c - 0.36 * FACE]])
        polys = [shaft, tip]
    else:
        s = -1 if direction == 'left' else 1
        x0 = c - s * 0.1 * FACE  # the vertical part sits opposite to where it turns
        vertical = np.array([[x0 - w / 2, c + 0.36 * FACE], [x0 + w / 2, c + 0.36 * FACE],
                             [x0 + w / 2, c - 0.05 * FACE], [x0 - w / 2, c - 0.05 * FACE]])
        y = c - 0.05 * FACE
        x_end = c + s * 0.12 * FACE
        horizontal = np.array([[x0 - s * w / 2, y - w / 2], [x_end, y - w / 2], [x_end, y + w / 2],
                               [x0 - s * w / 2, y + w / 2]])
        horizontal[:, 1] -= w / 2  # the bend's outer corner lines up with the shaft
        ty = y - w / 2
        tip = np.array([[x_end, ty - head], [x_end, ty + head], [x_end + s * 0.2 * FACE, ty]])
        polys = [vertical, horizontal, tip]
    for p in polys:
        _fill(img, np.round(p * 16).astype(np.int32), colour)


def _roundabout(img, colour, rng):
    c = FACE / 2
    r = FACE * 0.22
    t = int(FACE * rng.uniform(0.07, 0.09))
    for k in range(3):
        start = k * 120 + 20
        cv2.ellipse(img, (int(c), int(c)), (int(r), int(r)), 0, start, start + 80, colour, t, AA)
        a = math.radians(start + 80)
        px, py = c + r * math.cos(a), c + r * math.sin(a)
        tx, ty = -math.sin(a), math.cos(a)  # tangent, direction of travel
        nx, ny = math.cos(a), math.sin(a)
        hl = FACE * 0.09
        tip = np.array([[px + nx * hl, py + ny * hl], [px - nx * hl, py - ny * hl],
                        [px + tx * hl * 1.3, py + ty * hl * 1.3]])
        _fill(img, np.round(tip * 16).astype(np.int32), colour)


def _pedestrian_figure(img, rng, dy=0.0, scale=1.0, colour=BLACK):
    """A walking figure; dy moves it down and scale shrinks it about the face's centre."""
    c = FACE / 2

    def at(x, y):
        return (int(c + x * scale * FACE), int(c + dy + y * scale * FACE))

    t = max(2, int(FACE * 0.035 * scale))
    cv2.circle(img, at(0.02, -0.14), max(2, int(FACE * 0.04 * scale)), colour, -1, AA)
    hip, neck, shoulder = at(-0.01, 0.06), at(0.01, -0.08), at(0, -0.04)
    cv2.line(img, neck, hip, colour, t, AA)
    cv2.line(img, hip, at(-0.09, 0.17), colour, t, AA)
    cv2.line(img, hip, at(0.08, 0.17), colour, t, AA)
    cv2.line(img, shoulder, at(-0.08, 0.03), colour, t, AA)
    cv2.line(img, shoulder, at(0.08, 0.0), colour, t, AA)


def _pedestrian(img, rng):
    c = FACE / 2
    tri = np.array([[c, c - 0.36 * FACE], [c + 0.36 * FACE, c + 0.3 * FACE], [c - 0.36 * FACE, c + 0.3 * FACE]])
    _fill(img, np.round(tri * 16).astype(np.int32), _jitter(WHITE, rng, 8))
    # zebra stripes at the bottom, a walking figure above them
    for i in range(4):
        x = c - 0.2 * FACE + i * 0.11 * FACE
        cv2.rectangle(img, (int(x), int(c + 0.2 * FACE)), (int(x + 0.06 * FACE), int(c + 0.26 * FACE)), BLACK, -1)
    _pedestrian_figure(img, rng)


def _rounded_square(img, colour, rng, margin=0.06):
    m = int(FACE * margin)
    rad = int(FACE * rng.uniform(0.05, 0.12))
    cv2.rectangle(img, (m + rad, m), (FACE - m - rad, FACE - m), colour, -1)
    cv2.rectangle(img, (m, m + rad), (FACE - m, FACE - m - rad), colour, -1)
    for cx, cy in [(m + rad, m + rad), (FACE - m - rad, m + rad), (m + rad, FACE - m - rad),
                   (FACE - m - rad, FACE - m - rad)]:
        cv2.circle(img, (cx, cy), rad, colour, -1, AA)


def _ring_disc(rgb, alpha, r, ring, inner, rng):
    """A disc with a ring: the prohibitory sign's shape (red ring, white or blue inside)."""
    _circle(alpha, r, 255)
    _circle(rgb, r, ring)
    _circle(rgb, r * rng.uniform(0.7, 0.86), inner)


def _slash(rgb, r, colour, rng, cross=False):
    c = FACE / 2
    t = int(FACE * rng.uniform(0.07, 0.1))
    d = r * 0.62
    cv2.line(rgb, (int(c - d), int(c - d)), (int(c + d), int(c + d)), colour, t, AA)
    if cross:
        cv2.line(rgb, (int(c + d), int(c - d)), (int(c - d), int(c + d)), colour, t, AA)


def _glyph_face(rgb, alpha, rng, shape, colour, text, ink):
    """A look-alike: a sign-like shape carrying some other letters or digits."""
    r = FACE * 0.47
    if shape == 'disc':
        _circle(alpha, r, 255)
        _circle(rgb, r, colour)
    else:
        _rounded_square(alpha, 255, rng)
        _rounded_square(rgb, colour, rng)
    _text(rgb, text, rng.uniform(0.3, 0.75) if len(text) > 1 else rng.uniform(0.3, 0.5), ink, rng)


def draw_face(kind: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Draw one sign face (a class name or a look-alike kind) on a FACE x FACE canvas.

    Each class comes in the drawings common on real roads and courses (rim widths, fonts, arrow
    styles), then worn (dirt, stickers, glare, fading). Look-alikes (LOOKALIKES) are faces that
    must not be reported: other traffic signs, other numbers and letters, clocks, wheels, grids.
    Returns (rgb, alpha): the face colours and its coverage mask, both uint8.
    Example: rgb, alpha = draw_face('stop', np.random.default_rng(0))
    """
    rgb = np.zeros((FACE, FACE, 3), np.uint8)
    alpha = np.zeros((FACE, FACE), np.uint8)
    r = FACE * 0.47
    red, blue, white = _jitter(RED, rng), _jitter(BLUE, rng), _jitter(WHITE, rng, 10)
    black = _jitter(BLACK, rng, 12)
    c = FACE / 2

    if kind == 'stop':
        _fill(alpha, _poly(8, r, 22.5), 255)
        _fill(rgb, _poly(8, r, 22.5), white)
        rim = rng.choice([rng.uniform(0.8, 0.86), rng.uniform(0.86, 0.93), rng.uniform(0.94, 1.0)])
        _fill(rgb, _poly(8, r * rim, 22.5), red)
        _text(rgb, 'STOP', rng.uniform(0.55, 0.78), white, rng)
    elif kind in ('yield', 'warning'):
        # yield points down; the look-alike warning sign points up: same colours, opposite way
        rot = 90 if kind == 'yield' else -90
        centre = FACE / 2 + (-0.1 if kind == 'yield' else 0.1) * FACE
        tri = _poly(3, r * 1.05, rot, centre=centre)
        _fill(alpha, tri, 255)
        _fill(rgb, tri, red)
        inner = _poly(3, r * 1.05 * rng.uniform(0.5, 0.72), rot, centre=centre)
        _fill(rgb, inner, white)
        if kind == 'warning':
            symbol = rng.integers(3)
            if symbol == 0:
                cv2.line(rgb, (FACE // 2, int(FACE * 0.45)), (FACE // 2, int(FACE * 0.66)), BLACK, 7, AA)
                cv2.circle(rgb, (FACE // 2, int(FACE * 0.74)), 4, BLACK, -1, AA)
            elif symbol == 1:
                _text(rgb, ['!', 'X', '~'][rng.integers(3)], 0.12, black, rng, y_centre=FACE * 0.66)
            else:
                _pedestrian_figure(rgb, rng, dy=0.12 * FACE, scale=0.7)
    elif kind == 'no-entry':
        _circle(alpha, r, 255)
        if rng.random() < 0.3:  # a thin white rim
            _circle(rgb, r, white)
            _circle(rgb, r * rng.uniform(0.92, 0.97), red)
        else:
            _circle(rgb, r, red)
        h = FACE * rng.uniform(0.06, 0.11)
        w = FACE * rng.uniform(0.28, 0.38)
        cv2.rectangle(rgb, (int(c - w), int(c - h)), (int(c + w), int(c + h)), white, -1)
    elif kind in ('turn-left', 'turn-right', 'go-straight', 'roundabout', 'blue-dot', 'keep-left', 'blue-other'):
        _circle(alpha, r, 255)
        _circle(rgb, r, white)
        _circle(rgb, r * rng.choice([rng.uniform(0.9, 0.97), 1.0]), blue)
        if kind == 'roundabout':
            _roundabout(rgb, white, rng)
        elif kind == 'blue-dot':
            _circle(rgb, r * rng.uniform(0.2, 0.45), white, int(FACE * 0.06))
        elif kind == 'keep-left':  # a diagonal arrow: a blue mandatory sign that is no class here
            s = rng.choice([-1, 1])
            t = int(FACE * rng.uniform(0.08, 0.12))
            p0, p1 = (int(c - s * 0.22 * FACE), int(c - 0.22 * FACE)), (int(c + s * 0.2 * FACE), int(c + 0.22 * FACE))
            cv2.line(rgb, p1, p0, white, t, AA)
            cv2.circle(rgb, p0, int(t * 1.4), white, -1, AA)
        elif kind == 'blue-other':  # other white symbols on blue: a bike, a letter, a figure
            symbol = rng.integers(3)
            if symbol == 0:
                for dx in (-0.18, 0.18):
                    cv2.circle(rgb, (int(c + dx * FACE), int(c + 0.1 * FACE)), int(FACE * 0.12), white, 4, AA)
                cv2.line(rgb, (int(c - 0.18 * FACE), int(c + 0.1 * FACE)), (int(c), int(c - 0.1 * FACE)), white, 4, AA)
                cv2.line(rgb, (int(c), int(c - 0.1 * FACE)), (int(c + 0.18 * FACE), int(c + 0.1 * FACE)), white, 4, AA)
            elif symbol == 1:
                _text(rgb, ['A', 'B', 'H', 'i', '40', 'M'][rng.integers(6)], 0.4, white, rng)
            else:
                _pedestrian_figure(rgb, rng, dy=0.0, scale=1.0, colour=white)
        else:
            _arrow(rgb, white, {'turn-left': 'left', 'turn-right': 'right', 'go-straight': 'up'}[kind], rng)
    elif kind in ('pedestrian-crossing', 'parking', 'info-text', 'blue-square-other'):
        _rounded_square(alpha, 255, rng)
        colour = blue if kind != 'info-text' else _jitter([(20, 120, 60), (120, 70, 30), BLUE][rng.integers(3)], rng)
        _rounded_square(rgb, colour, rng)
        if rng.random() < 0.3:  # a white border inside the edge
            _rounded_square(rgb, white, rng, margin=0.1)
            _rounded_square(rgb, colour, rng, margin=0.14)
        if kind == 'pedestrian-crossing':
            _pedestrian(rgb, rng)
        elif kind == 'parking':
            _text(rgb, 'P', rng.uniform(0.35, 0.55), white, rng, bold=int(rng.integers(4, 9)))
        elif kind == 'blue-square-other':
            _text(rgb, ['H', 'i', 'R', 'B', 'F', 'D', '+'][rng.integers(7)], rng.uniform(0.3, 0.5), white, rng)
        else:
            word = ['EXIT', 'A12', 'LAB', 'GATE', 'CAFE', 'B7', 'WC', 'OPEN'][rng.integers(8)]
            _text(rgb, word, 0.7, white, rng)
    elif kind in ('speed-limit-30', 'speed-other', 'ring-empty', 'no-turn'):
        _ring_disc(rgb, alpha, r, red, white, rng)
        if kind == 'speed-limit-30':
            _text(rgb, '30', rng.uniform(0.4, 0.56), black, rng)
        elif kind == 'speed-other':  # other limits: 30 is the class, 20, 50 or 80 are not
            number = ['5', '10', '20', '40', '50', '60', '70', '80', '90', '100', '3', '0'][rng.integers(12)]
            _text(rgb, number, rng.uniform(0.4, 0.56) if len(number) > 1 else 0.25, black, rng)
        elif kind == 'no-turn':
            _arrow(rgb, black, ['left', 'right', 'up'][rng.integers(3)], rng)
            _slash(rgb, r * 0.8, red, rng)
    elif kind in ('no-parking', 'no-stopping'):
        _ring_disc(rgb, alpha, r, red, blue, rng)
        _slash(rgb, r * 0.8, red, rng, cross=kind == 'no-stopping')
    elif kind == 'glyph':  # a disc or square of any colour with letters: logos, badges, labels
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        ink = tuple(int(v) for v in rng.integers(0, 256, 3))
        text = ['STOP', '30', 'P', 'OK', 'SALE', '24', 'BUS', 'TAXI', '1', 'GO', 'Q', 'S'][rng.integers(12)]
        _glyph_face(rgb, alpha, rng, ['disc', 'square'][rng.integers(2)], colour, text, ink)
        if text in ('STOP', '30', 'P') and np.array(colour).std() < 40 and rng.random() < 0.5:
            _circle(rgb, r * 0.9, tuple(int(v) for v in rng.integers(0, 256, 3)), 3)
    elif kind == 'clock':
        face_colour = _jitter((235, 230, 215), rng)
        _circle(alpha, r, 255)
        _circle(rgb, r, _jitter((40, 40, 40), rng) if rng.random() < 0.5 else face_colour)
        _circle(rgb, r * rng.uniform(0.85, 0.95), face_colour)
        for k in range(12):
            a = k * math.pi / 6
            p0 = (int(c + r * 0.8 * math.cos(a)), int(c + r * 0.8 * math.sin(a)))
            p1 = (int(c + r * 0.68 * math.cos(a)), int(c + r * 0.68 * math.sin(a)))
            cv2.line(rgb, p0, p1, black, 3, AA)
        for length, width in ((0.45, 5), (0.7, 3)):
            a = rng.uniform(0, 2 * math.pi)
            cv2.line(rgb, (int(c), int(c)), (int(c + r * length * math.cos(a)), int(c + r * length * math.sin(a))),
                     black, width, AA)
    elif kind == 'wheel':
        _circle(alpha, r, 255)
        _circle(rgb, r, _jitter((30, 30, 30), rng))
        rim = tuple(int(v) for v in _jitter((170, 170, 175), rng, 40))
        _circle(rgb, r * rng.uniform(0.55, 0.7), rim)
        _circle(rgb, r * 0.15, _jitter((90, 90, 90), rng))
        for k in range(int(rng.integers(4, 11))):
            a = k * 2 * math.pi / 7 + rng.uniform(0, 0.2)
            cv2.line(rgb, (int(c), int(c)), (int(c + r * 0.6 * math.cos(a)), int(c + r * 0.6 * math.sin(a))),
                     _jitter((60, 60, 60), rng), 4, AA)
    elif kind == 'grid':  # a sudoku, a calendar, a keypad: digits in a grid
        alpha[:] = 255
        paper = _jitter((235, 235, 230), rng)
        rgb[:] = paper
        n = int(rng.choice([3, 4, 6, 9]))
        cell = FACE / n
        for k in range(n + 1):
            t = 3 if k % 3 == 0 else 1
            cv2.line(rgb, (int(k * cell), 0), (int(k * cell), FACE), black, t)
            cv2.line(rgb, (0, int(k * cell)), (FACE, int(k * cell)), black, t)
        for i in range(n):
            for j in range(n):
                if rng.random() < 0.5:
                    d = str(int(rng.integers(0, 10)))
                    cv2.putText(rgb, d, (int(j * cell + cell * 0.25), int(i * cell + cell * 0.8)),
                                FONTS[rng.integers(len(FONTS))], cell / 32, black, max(1, int(cell / 14)), AA)
    elif kind == 'diamond':
        d = _poly(4, r, 0)
        _fill(alpha, d, 255)
        _fill(rgb, d, _jitter((240, 190, 20), rng))
        _fill(rgb, _poly(4, r * 0.85, 0), _jitter((250, 210, 40), rng))
    elif kind == 'plain-shape':
        n = int(rng.choice([3, 4, 5, 6, 8, 0]))
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        if n == 0:
            _circle(alpha, r, 255)
            _circle(rgb, r, colour)
        else:
            p = _poly(n, r, rng.uniform(0, 360))
            _fill(alpha, p, 255)
            _fill(rgb, p, colour)
        if rng.random() < 0.4:  # a ring or a bar of another colour
            other = tuple(int(v) for v in rng.integers(0, 256, 3))
            if rng.random() < 0.5:
                _circle(rgb, r * rng.uniform(0.5, 0.85), other, int(FACE * rng.uniform(0.04, 0.12)))
            else:
                h = FACE * rng.uniform(0.05, 0.1)
                cv2.rectangle(rgb, (int(c - r * 0.6), int(c - h)), (int(c + r * 0.6), int(c + h)), other, -1)
    else:
        raise ValueError(f'unknown sign kind {kind!r}')
    if kind in CLASSES or rng.random() < 0.5:
        rgb = wear(rgb, alpha, rng)
    return rgb, alpha


# Faces that are not signs of any class; some look much like one (the hard negatives).
LOOKALIKES = ['warning', 'blue-dot', 'info-text', 'diamond', 'plain-shape', 'plain-shape', 'keep-left',
              'blue-other', 'blue-square-other', 'speed-other', 'speed-other', 'ring-empty', 'no-turn',
              'no-parking', 'no-stopping', 'glyph', 'glyph', 'clock', 'wheel', 'grid']

# ---------------------------------------------------------------------------------------------
# Backgrounds


def _smooth_noise(h, w, cell, rng, channels=3):
    small = rng.random((max(2, h // cell + 2), max(2, w // cell + 2), channels)).astype(np.float32)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC).reshape(h, w, channels)


def _random_colour(rng, lo=0, hi=256):
    return np.array(rng.integers(lo, hi, 3), np.float32)


def background(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """A procedural background: gradients, horizon scenes, textures and clutter; nothing downloaded.

    Example: img = background(480, 640, np.random.default_rng(1))
    """
    kind = rng.integers(4)
    yy = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    xx = np.linspace(0, 1, w, dtype=np.float32)[None, :, None]
    if kind == 0:  # linear gradient in a random direction
        a = rng.uniform(0, 2 * math.pi)
        t = (xx * math.cos(a) + yy * math.sin(a))
        t = (t - t.min()) / max(1e-6, float(t.max() - t.min()))
        img = _random_colour(rng) * (1 - t) + _random_colour(rng) * t
    elif kind == 1:  # sky over ground, like a road scene
        horizon = rng.uniform(0.25, 0.65)
        sky = _random_colour(rng, 120, 256) * (1 - yy) + _random_colour(rng, 150, 256) * yy
        ground = _random_colour(rng, 30, 160) * np.ones_like(yy)
        img = np.where(yy < horizon, sky, ground) * np.ones_like(xx)
    elif kind == 2:  # coloured blotches
        img = _smooth_noise(h, w, int(rng.integers(24, 160)), rng) * 255
    else:  # bricks or tiles
        img = np.ones((h, w, 3), np.float32) * _random_colour(rng, 60, 220)
        bh = int(rng.integers(8, 40))
        bw = int(bh * rng.uniform(1.5, 3.5))
        mortar = tuple(float(v) for v in _random_colour(rng, 60, 230))
        for row, y in enumerate(range(0, h, bh)):
            cv2.line(img, (0, y), (w, y), mortar, 2)
            off = (row % 2) * bw // 2
            for x in range(-off, w, bw):
                cv2.line(img, (x, y), (x, y + bh), mortar, 2)
    img = img.astype(np.float32)
    # texture: fine noise (grass, asphalt, foliage) at a random strength
    if rng.random() < 0.7:
        img += (_smooth_noise(h, w, int(rng.integers(2, 8)), rng) - 0.5) * rng.uniform(10, 70)
    # clutter: rectangles (windows, cars, boxes), lines (poles, wires), muted blobs
    for _ in range(int(rng.integers(0, 25))):
        colour = tuple(float(v) for v in _random_colour(rng))
        shape = rng.integers(3)
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        if shape == 0:
            cv2.rectangle(img, (x, y), (x + int(rng.integers(5, w // 3)), y + int(rng.integers(5, h // 3))), colour, -1)
        elif shape == 1:
            cv2.line(img, (x, y), (int(rng.integers(0, w)), int(rng.integers(0, h))), colour, int(rng.integers(1, 8)), AA)
        else:
            axes = (int(rng.integers(4, w // 6)), int(rng.integers(4, h // 6)))
            cv2.ellipse(img, (x, y), axes, float(rng.uniform(0, 180)), 0, 360, colour, -1, AA)
    if rng.random() < 0.5:
        k = int(rng.choice([3, 5, 7]))
        img = cv2.GaussianBlur(img, (k, k), 0)
    return np.clip(img, 0, 255).astype(np.uint8)


# ---------------------------------------------------------------------------------------------
# Real photographs (photos.py writes the pool: DIR/train, DIR/heldout, DIR/objects)

_POOL: dict[str, list[Path]] = {'photos': [], 'objects': []}


def use_photos(root: Path | str | None, split: str = 'train') -> None:
    """Draw backgrounds from root/<split>/*.jpg and pasted objects from the objects of that split.

    Objects (tuxpaint's photo stamps) are split like the photos: every fourth one is held out.
    A root without a <split> folder is a plain folder of photographs, all used, with no objects.
    Without a root, scenes use procedural backgrounds only, as the first SignNet did.
    """
    if root is None:
        _POOL['photos'], _POOL['objects'] = [], []
        return
    root = Path(root)
    if not (root / split).is_dir():  # a plain folder of photographs: all of them, and no objects
        _POOL['photos'], _POOL['objects'] = sorted(root.glob('*.jpg')), []
        if not _POOL['photos']:
            raise FileNotFoundError(f'no photographs in {root} or {root / split}')
        return
    _POOL['photos'] = sorted((root / split).glob('*.jpg'))
    objects = sorted((root / 'objects').glob('*.png'))
    _POOL['objects'] = [o for i, o in enumerate(objects) if (i % 4 == 3) == (split == 'heldout')]
    if not _POOL['photos']:
        raise FileNotFoundError(f'no photographs in {root / split}: run photos.py first')


@lru_cache(maxsize=None)
def _load(path: Path, flags: int) -> np.ndarray:
    img = cv2.imread(str(path), flags)
    if img is None:
        raise OSError(f'could not read {path}')
    # RGB, or RGBA for the objects
    return np.ascontiguousarray(img[..., [2, 1, 0, 3]] if img.shape[2] == 4 else img[..., ::-1])


def photo_background(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """A random crop of a real photograph, scaled to h x w, mirrored or not, colour jittered."""
    photo = _load(_POOL['photos'][rng.integers(len(_POOL['photos']))], cv2.IMREAD_COLOR)
    ph, pw = photo.shape[:2]
    fit = max(h / ph, w / pw)
    scale = fit * math.exp(rng.uniform(0, math.log(4.0)))  # from the whole photo to a quarter of it
    ch, cw = min(ph, int(round(h / scale))), min(pw, int(round(w / scale)))
    y, x = int(rng.integers(0, ph - ch + 1)), int(rng.integers(0, pw - cw + 1))
    crop = photo[y:y + ch, x:x + cw]
    interp = cv2.INTER_AREA if cw > w else cv2.INTER_LINEAR
    img = cv2.resize(crop, (w, h), interpolation=interp).astype(np.float32)
    if rng.random() < 0.5:
        img = img[:, ::-1]
    img = img * rng.uniform(0.75, 1.25, 3).astype(np.float32) * rng.uniform(0.6, 1.3) + rng.uniform(-20, 20)
    return np.clip(img, 0, 255).astype(np.uint8)


def paste_objects(img: np.ndarray, rng: np.random.Generator, count: int) -> None:
    """Paste real objects (coins, balls, animals, food, tools...) cut out of photographs, in place."""
    if not _POOL['objects']:
        return
    h, w = img.shape[:2]
    for _ in range(count):
        obj = _load(_POOL['objects'][rng.integers(len(_POOL['objects']))], cv2.IMREAD_UNCHANGED)
        size = min(w, h) * math.exp(rng.uniform(math.log(0.06), math.log(0.5)))
        s = size / max(obj.shape[:2])
        ow, oh = max(2, int(obj.shape[1] * s)), max(2, int(obj.shape[0] * s))
        o = cv2.resize(obj, (ow, oh), interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
        if rng.random() < 0.5:
            o = o[:, ::-1]
        if ow >= w or oh >= h:
            continue
        x, y = int(rng.integers(0, w - ow)), int(rng.integers(0, h - oh))
        colour = (o[..., :3].astype(np.float32) * rng.uniform(0.7, 1.2)).clip(0, 255).astype(np.uint8)
        paste(img, x, y, colour, o[..., 3])


# ---------------------------------------------------------------------------------------------
# Placing a face in a scene


def quad_for(cx, cy, size, rng, *, max_rot=15.0, max_yaw=50.0, max_pitch=25.0):
    """Corners (tl, tr, br, bl) of a face of `size` pixels at (cx, cy), rotated and seen at an angle."""
    yaw = math.radians(rng.uniform(-max_yaw, max_yaw))
    pitch = math.radians(rng.uniform(-max_pitch, max_pitch))
    rot = math.radians(rng.uniform(-max_rot, max_rot))
    half = size / 2
    # A square turned about its vertical axis looks narrower, and its far edge shorter.
    hx = half * math.cos(yaw)
    hy = half * math.cos(pitch)
    k = 0.25 * math.sin(yaw)  # left/right edge height change
    m = 0.25 * math.sin(pitch)  # top/bottom edge width change
    pts = np.array([
        [-hx * (1 - m), -hy * (1 + k)],
        [hx * (1 - m), -hy * (1 - k)],
        [hx * (1 + m), hy * (1 - k)],
        [-hx * (1 + m), hy * (1 + k)],
    ])
    c, s = math.cos(rot), math.sin(rot)
    pts = pts @ np.array([[c, s], [-s, c]])
    return pts + np.array([cx, cy])


def warp_face(rgb, alpha, quad, shape):
    """Warp a face onto `quad` in an image of `shape`; returns (x0, y0, patch_rgb, patch_alpha) or None."""
    h, w = shape[:2]
    x0 = max(0, int(math.floor(quad[:, 0].min())) - 1)
    y0 = max(0, int(math.floor(quad[:, 1].min())) - 1)
    x1 = min(w, int(math.ceil(quad[:, 0].max())) + 2)
    y1 = min(h, int(math.ceil(quad[:, 1].max())) + 2)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    src = np.array([[0, 0], [FACE, 0], [FACE, FACE], [0, FACE]], np.float32)
    dst = (quad - np.array([x0, y0])).astype(np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    size = (x1 - x0, y1 - y0)
    # INTER_AREA is not supported by warpPerspective; pre-shrink big faces so small signs alias less
    scale = max(size) / FACE
    if scale < 0.5:
        f = max(scale * 2, 0.1)
        small = (max(4, int(FACE * f)), max(4, int(FACE * f)))
        rgb = cv2.resize(rgb, small, interpolation=cv2.INTER_AREA)
        alpha = cv2.resize(alpha, small, interpolation=cv2.INTER_AREA)
        m = m @ np.diag([FACE / small[0], FACE / small[1], 1.0])
    patch = cv2.warpPerspective(rgb, m, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    a = cv2.warpPerspective(alpha, m, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    return x0, y0, patch, a


def shade_face(rgb, rng):
    """Lighting on a sign: brightness, contrast, faded ink, a shadow gradient."""
    f = rgb.astype(np.float32)
    f = f * rng.uniform(0.55, 1.25) + rng.uniform(-25, 25)
    if rng.random() < 0.3:  # faded: pull towards grey
        g = f.mean(axis=2, keepdims=True)
        f = g + (f - g) * rng.uniform(0.5, 0.9)
    if rng.random() < 0.3:  # a shadow across the face
        a = rng.uniform(0, 2 * math.pi)
        yy, xx = np.mgrid[0:FACE, 0:FACE].astype(np.float32) / FACE
        t = np.clip((xx * math.cos(a) + yy * math.sin(a)) * 2 - rng.uniform(0, 1.5), 0, 1)
        f *= (1 - rng.uniform(0.3, 0.6) * t)[..., None]
    return np.clip(f, 0, 255).astype(np.uint8)


def paste(img, x0, y0, patch, a):
    """Alpha-blend a warped patch into img in place."""
    h, w = patch.shape[:2]
    region = img[y0:y0 + h, x0:x0 + w].astype(np.float32)
    af = (a.astype(np.float32) / 255.0)[..., None]
    img[y0:y0 + h, x0:x0 + w] = (region * (1 - af) + patch.astype(np.float32) * af + 0.5).astype(np.uint8)


def tight_box(x0, y0, a, threshold=128):
    """Pixel box (x1, y1, x2, y2) of a warped mask, or None when it covers nothing."""
    ys, xs = np.nonzero(a >= threshold)
    if len(xs) == 0:
        return None
    return x0 + xs.min(), y0 + ys.min(), x0 + xs.max() + 1, y0 + ys.max() + 1


def draw_pole(img, quad, rng):
    """A grey post from the bottom of the sign down to the bottom of the frame (or a random length)."""
    h = img.shape[0]
    bottom = quad[2:4].mean(axis=0)
    width = max(1, int(0.08 * np.linalg.norm(quad[1] - quad[0])))
    length = int(rng.uniform(0.5, 4) * np.linalg.norm(quad[3] - quad[0]))
    grey = int(rng.integers(90, 190))
    cv2.line(img, (int(bottom[0]), int(bottom[1])), (int(bottom[0]), min(h - 1, int(bottom[1]) + length)),
             (grey, grey, grey + int(rng.integers(-10, 10))), width, AA)


def occlude(img, box, rng):
    """Cover part of a sign (a branch, a pole, a blob) so the model learns to see partial signs."""
    x1, y1, x2, y2 = box
    w, h = x2 - x1, y2 - y1
    colour = tuple(int(v) for v in rng.integers(0, 200, 3))
    frac = rng.uniform(0.15, 0.35)
    side = rng.integers(4)
    if rng.random() < 0.5:  # a band over one side
        if side == 0:
            pts = (x1 - 2, y1 - 2, int(x1 + w * frac), y2 + 2)
        elif side == 1:
            pts = (int(x2 - w * frac), y1 - 2, x2 + 2, y2 + 2)
        elif side == 2:
            pts = (x1 - 2, y1 - 2, x2 + 2, int(y1 + h * frac))
        else:
            pts = (x1 - 2, int(y2 - h * frac), x2 + 2, y2 + 2)
        cv2.rectangle(img, (int(pts[0]), int(pts[1])), (int(pts[2]), int(pts[3])), colour, -1)
    else:  # a blob on a corner
        cx = x1 if side % 2 == 0 else x2
        cy = y1 if side < 2 else y2
        axes = (max(1, int(w * frac * 1.4)), max(1, int(h * frac * 1.4)))
        cv2.ellipse(img, (int(cx), int(cy)), axes, float(rng.uniform(0, 180)), 0, 360, colour, -1, AA)


# ---------------------------------------------------------------------------------------------
# Whole-image effects


def camera_effects(img, rng, *, jpeg=True):
    """Lighting, colour cast, blur (focus or motion), sensor noise and JPEG artefacts."""
    f = img.astype(np.float32)
    gain = rng.uniform(0.6, 1.35) if rng.random() < 0.85 else rng.uniform(0.25, 0.6)  # dusk, indoors
    gamma = rng.uniform(0.7, 1.4)
    f = 255.0 * np.power(np.clip(f * gain / 255.0, 0, 1), gamma)
    f *= rng.uniform(0.85, 1.15, 3).astype(np.float32)  # white balance off
    r = rng.random()
    if r < 0.25:
        s = rng.uniform(0.5, 1.6)
        f = cv2.GaussianBlur(f, (0, 0), s)
    elif r < 0.4:
        k = int(rng.integers(3, 8))
        kernel = np.zeros((k, k), np.float32)
        kernel[k // 2, :] = 1.0 / k
        m = cv2.getRotationMatrix2D((k / 2 - 0.5, k / 2 - 0.5), float(rng.uniform(0, 180)), 1.0)
        kernel = cv2.warpAffine(kernel, m, (k, k))
        kernel /= max(1e-6, float(kernel.sum()))
        f = cv2.filter2D(f, -1, kernel)
    if rng.random() < 0.6:
        f += rng.normal(0, rng.uniform(2, 10), f.shape).astype(np.float32)
    out = np.clip(f, 0, 255).astype(np.uint8)
    if jpeg and rng.random() < 0.7:
        q = int(rng.integers(30, 95))
        ok, buf = cv2.imencode('.jpg', out[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, q])
        assert ok
        out = cv2.imdecode(buf, cv2.IMREAD_COLOR)[..., ::-1]
    return np.ascontiguousarray(out)


# ---------------------------------------------------------------------------------------------
# Scenes

SCENE_SIZES = [(640, 480), (640, 480), (480, 360), (320, 240), (512, 288), (400, 400)]


def _iou(a, b):
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter + 1e-9)


def scene(rng: np.random.Generator, size=None, *, min_frac=0.05, max_frac=0.6) -> tuple[np.ndarray, list[Box]]:
    """One training/test image: a photograph or procedural background, real objects, 0-6 signs,
    look-alikes, occlusion, camera effects.

    Sign sizes are log-uniform between min_frac and max_frac of the image's short side.
    Example: img, boxes = scene(np.random.default_rng(7))
    """
    w, h = size if size is not None else SCENE_SIZES[rng.integers(len(SCENE_SIZES))]
    if _POOL['photos'] and rng.random() < 0.75:
        img = photo_background(h, w, rng)
    else:
        img = background(h, w, rng)
    paste_objects(img, rng, int(rng.choice([0, 0, 1, 1, 2, 3, 4])))
    short = min(w, h)
    # about one image in six has no sign at all: the model must learn to keep quiet
    n_signs = int(rng.choice([0, 0, 1, 1, 2, 2, 3, 3, 4, 5, 6]))
    n_distract = int(rng.choice([0, 1, 1, 2, 2, 3, 4]))
    kinds = [(int(rng.integers(len(CLASSES))), True) for _ in range(n_signs)]
    kinds += [(LOOKALIKES[rng.integers(len(LOOKALIKES))], False) for _ in range(n_distract)]
    order = rng.permutation(len(kinds))
    boxes: list[Box] = []
    placed: list[tuple[float, float, float, float]] = []
    to_occlude = []
    for i in order:
        kind, labelled = kinds[i]
        name = CLASSES[kind] if labelled else kind
        size_px = short * math.exp(rng.uniform(math.log(min_frac), math.log(max_frac)))
        for _ in range(10):  # find a spot that does not cover another sign
            cx = rng.uniform(size_px * 0.6, w - size_px * 0.6) if w > size_px * 1.2 else w / 2
            cy = rng.uniform(size_px * 0.6, h - size_px * 0.6) if h > size_px * 1.2 else h / 2
            quad = quad_for(cx, cy, size_px, rng)
            bb = (quad[:, 0].min(), quad[:, 1].min(), quad[:, 0].max(), quad[:, 1].max())
            if bb[0] < 0 or bb[1] < 0 or bb[2] > w or bb[3] > h:
                continue
            if all(_iou(bb, p) < 0.02 for p in placed):
                break
        else:
            continue
        face, alpha = draw_face(name, rng)
        face = shade_face(face, rng)
        if rng.random() < 0.5:
            draw_pole(img, quad, rng)
        warped = warp_face(face, alpha, quad, img.shape)
        if warped is None:
            continue
        x0, y0, patch, a = warped
        tb = tight_box(x0, y0, a)
        if tb is None:
            continue
        paste(img, x0, y0, patch, a)
        placed.append(bb)
        if labelled:
            boxes.append(Box(kind, *tb))
        if rng.random() < 0.25:
            to_occlude.append(tb)
    for tb in to_occlude:
        occlude(img, tb, rng)
    img = camera_effects(img, rng)
    return img, boxes


# ---------------------------------------------------------------------------------------------
# Files


def yolo_lines(boxes: list[Box], w: int, h: int) -> str:
    """YOLO label text: 'class cx cy w h' per line, normalised to 0..1."""
    out = []
    for b in boxes:
        out.append(f'{b.cls} {(b.x1 + b.x2) / 2 / w:.6f} {(b.y1 + b.y2) / 2 / h:.6f} '
                   f'{(b.x2 - b.x1) / w:.6f} {(b.y2 - b.y1) / h:.6f}')
    return '\n'.join(out) + ('\n' if out else '')


def write_jpeg(path, img, quality=92):
    """Write an RGB image as JPEG (cv2 wants BGR)."""
    ok = cv2.imwrite(str(path), np.ascontiguousarray(img[..., ::-1]), [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise OSError(f'could not write {path}')


def read_rgb(path) -> np.ndarray:
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if img is None:
        raise OSError(f'could not read {path}')
    return np.ascontiguousarray(img[..., ::-1])


def read_yolo(path, w, h) -> list[Box]:
    boxes = []
    try:
        text = open(path).read()
    except FileNotFoundError:
        return boxes
    for line in text.splitlines():
        parts = line.split()
        if len(parts) != 5:
            continue
        c, cx, cy, bw, bh = int(parts[0]), *map(float, parts[1:])
        boxes.append(Box(c, (cx - bw / 2) * w, (cy - bh / 2) * h, (cx + bw / 2) * w, (cy + bh / 2) * h))
    return boxes


def letterbox(img: np.ndarray, size, pad: int = 114, area: bool = False) -> tuple[np.ndarray, float, int, int]:
    """Scale to fit the input (a square's side, or (width, height)) keeping aspect, centre, pad;
    returns (image, scale, pad_x, pad_y).

    Bilinear by default, as edgecam's runtime resamples (src/inference/tensor.ts: a 2x2 mean at an
    exact halving, which is what cv2's bilinear gives there too, a two-tap bilinear otherwise), so
    the model learns the pixels it will be given; `area` averages instead (the training mix keeps
    some of those, for frames a camera or a caller has already scaled down smoothly).
    """
    h, w = img.shape[:2]
    ow, oh = (size, size) if isinstance(size, int) else size
    s = min(ow / w, oh / h)
    nw, nh = int(round(w * s)), int(round(h * s))
    out = np.full((oh, ow, 3), pad, np.uint8)
    px, py = (ow - nw) // 2, (oh - nh) // 2
    interp = cv2.INTER_AREA if area and s < 1 else cv2.INTER_LINEAR
    out[py:py + nh, px:px + nw] = cv2.resize(img, (nw, nh), interpolation=interp)
    return out, s, px, py
