"""Hard negatives drawn procedurally: things SignNet took for signs, in scenes where they are never labelled.

SignNet 3.0.0 kept quiet on most sign-free photographs, but not on radial patterns: the white gaps
between sliced citrus fruit are rounded downward triangles framed in orange, and it read them as
`yield` at up to 0.93 (issue 15 lists the other look-alikes: red and blue discs and triangles with
other symbols, clocks, wheels, coins, tiles). `hard_scene` draws such things over a training
photograph or a procedural background: whole platters of fruit slices, piles of coins, tiled floors
and bunting as textures over a large part of the frame, and single radial discs, coins and
red/blue/orange discs and triangles with other symbols placed like signs. Half of the scenes also
hold real signs (labelled), so the model learns to tell the two apart rather than to go quiet near
a pattern. Everything is drawn with OpenCV from random numbers; no image is read but the training
photographs and objects of signs.py's pool.

    /usr/bin/python3 models/signs/train/generate.py /tmp/signs/hardsyn --count 6000 --seed 5 \
        --photos /tmp/signs/photos --hard

Example: img, boxes = hard_scene(np.random.default_rng(3))
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from art import wear
from signs import (CLASSES, FACE, SCENE_SIZES, Box, _POOL, _circle, _fill, _iou, _jitter, _poly, _text, background,
                   camera_effects, draw_face, draw_pole, paste, paste_objects, photo_background, quad_for, shade_face,
                   tight_box, warp_face)

AA = cv2.LINE_AA
# flesh colour, rind colour: orange, lemon, lime, pink grapefruit, blood orange, kiwi-like green
FRUITS = [((245, 140, 25), (240, 120, 10)), ((250, 215, 60), (235, 200, 20)), ((150, 195, 60), (70, 140, 30)),
          ((245, 120, 100), (235, 130, 60)), ((190, 40, 45), (210, 90, 30)), ((120, 170, 40), (110, 90, 50))]
METALS = [(212, 175, 55), (192, 192, 196), (184, 115, 51), (160, 160, 150), (225, 200, 120)]


def _wedge(img, r0, r1, a0, a1, colour):
    """A ring sector (an annulus slice from radius r0 to r1, angles a0..a1 in radians) about the face centre."""
    c = FACE / 2
    t = np.linspace(a0, a1, 12)
    outer = np.stack([c + r1 * np.cos(t), c + r1 * np.sin(t)], 1)
    inner = np.stack([c + r0 * np.cos(t[::-1]), c + r0 * np.sin(t[::-1])], 1)
    _fill(img, np.round(np.concatenate([outer, inner]) * 16).astype(np.int32), colour)


def citrus_slice(rgb, alpha, rng):
    """A cross-cut citrus slice: rind, pale pith, 7 to 14 juicy segments parted by white membranes."""
    r = FACE * 0.47
    flesh, rind = FRUITS[int(rng.integers(len(FRUITS)))]
    flesh, rind = _jitter(flesh, rng, 25), _jitter(rind, rng, 25)
    pith = _jitter((250, 245, 225), rng, 10)
    _circle(alpha, r, 255)
    _circle(rgb, r, rind)
    _circle(rgb, r * rng.uniform(0.86, 0.94), pith)
    n = int(rng.integers(7, 15))
    gap = rng.uniform(0.03, 0.12)  # membrane width, radians
    r1 = r * rng.uniform(0.78, 0.85)
    r0 = r * rng.uniform(0.05, 0.18)
    spin = rng.uniform(0, 2 * math.pi)
    for k in range(n):
        a0 = spin + k * 2 * math.pi / n + gap / 2
        shade = tuple(int(np.clip(v * rng.uniform(0.85, 1.1), 0, 255)) for v in flesh)
        _wedge(rgb, r0, r1, a0, a0 + 2 * math.pi / n - gap, shade)
    if rng.random() < 0.6:  # juice vesicles: fine light streaks in the flesh
        for _ in range(int(rng.integers(20, 60))):
            a, d = rng.uniform(0, 2 * math.pi), rng.uniform(r0, r1)
            p = (int(FACE / 2 + d * math.cos(a)), int(FACE / 2 + d * math.sin(a)))
            cv2.ellipse(rgb, p, (int(rng.integers(2, 6)), 1), math.degrees(a), 0, 360,
                        tuple(int(min(255, v + 40)) for v in flesh), -1, AA)
    if rng.random() < 0.3:  # a half slice
        half = np.zeros_like(alpha)
        a = rng.uniform(0, 360)
        cv2.ellipse(half, (FACE // 2, FACE // 2), (FACE, FACE), a, 0, 180, 255, -1)
        alpha[half == 0] = 0


def radial_disc(rgb, alpha, rng):
    """Discs cut into sectors: a pie chart, a dartboard, a beach ball, a pizza, an umbrella, a spoked wheel."""
    r = FACE * 0.47
    c = FACE / 2
    style = int(rng.integers(5))
    _circle(alpha, r, 255)
    palette = [(200, 30, 35), (245, 245, 240), (20, 20, 20), (30, 90, 180), (240, 200, 30), (40, 150, 60),
               (240, 130, 20)]
    n = int(rng.integers(4, 21))
    spin = rng.uniform(0, 2 * math.pi)
    if style == 4:  # a spoked wheel: tyre, rim, thin spokes, hub
        _circle(rgb, r, _jitter((30, 30, 30), rng))
        _circle(rgb, r * rng.uniform(0.82, 0.9), _jitter((200, 200, 205), rng, 40))
        _circle(rgb, r * 0.78, _jitter(tuple(int(v) for v in rng.integers(0, 256, 3)), rng))
        for k in range(int(rng.integers(12, 37))):
            a = spin + k * 2 * math.pi / 18
            cv2.line(rgb, (int(c), int(c)), (int(c + r * 0.8 * math.cos(a)), int(c + r * 0.8 * math.sin(a))),
                     _jitter((190, 190, 190), rng), 1, AA)
        _circle(rgb, r * 0.1, _jitter((120, 120, 120), rng))
        return
    colours = [palette[int(i)] for i in rng.choice(len(palette), size=2 + int(rng.integers(0, 3)), replace=False)]
    if style == 3:  # a pizza: crust, sauce, cheese, slices cut by lines, toppings
        _circle(rgb, r, _jitter((210, 160, 90), rng))
        _circle(rgb, r * 0.88, _jitter((200, 50, 30), rng))
        _circle(rgb, r * 0.8, _jitter((245, 215, 130), rng, 25))
        for _ in range(int(rng.integers(5, 15))):
            a, d = rng.uniform(0, 2 * math.pi), rng.uniform(0, r * 0.7)
            cv2.circle(rgb, (int(c + d * math.cos(a)), int(c + d * math.sin(a))), int(FACE * rng.uniform(0.03, 0.07)),
                       _jitter((170, 30, 30), rng, 30), -1, AA)
        n = int(rng.choice([6, 8]))
        for k in range(n):
            a = spin + k * 2 * math.pi / n
            cv2.line(rgb, (int(c), int(c)), (int(c + r * math.cos(a)), int(c + r * math.sin(a))),
                     _jitter((250, 240, 220), rng), int(rng.integers(1, 4)), AA)
        return
    for k in range(n):
        a0 = spin + k * 2 * math.pi / n
        _wedge(rgb, 0, r, a0, a0 + 2 * math.pi / n, colours[k % len(colours)])
    if style == 1:  # a dartboard: rings over the sectors
        for f in (0.95, 0.62, 0.12):
            _circle(rgb, r * f, colours[0], max(2, int(FACE * 0.04)))
        _circle(rgb, r * 0.06, colours[-1])
    elif style == 2:  # a beach ball or an umbrella seen from above: a small centre disc
        _circle(rgb, r * rng.uniform(0.08, 0.2), _jitter((245, 245, 245), rng))
    if rng.random() < 0.4:  # a rim
        _circle(rgb, r * 0.97, tuple(int(v) for v in rng.integers(0, 256, 3)), int(FACE * rng.uniform(0.02, 0.06)))


def coin(rgb, alpha, rng):
    """A coin: shaded metal, a raised rim, a relief (a head or a numeral), lettering round the edge."""
    r = FACE * 0.47
    metal = np.array(_jitter(METALS[int(rng.integers(len(METALS)))], rng, 20), np.float32)
    _circle(alpha, r, 255)
    yy, xx = np.mgrid[0:FACE, 0:FACE].astype(np.float32) / FACE - 0.5
    a = rng.uniform(0, 2 * math.pi)
    light = 1.0 + rng.uniform(0.15, 0.45) * (xx * math.cos(a) + yy * math.sin(a)) * 2
    rgb[:] = np.clip(metal[None, None] * light[..., None], 0, 255).astype(np.uint8)
    dark = tuple(int(v * 0.6) for v in metal)
    bright = tuple(int(min(255, v * 1.25)) for v in metal)
    _circle(rgb, r * 0.9, dark, max(2, int(FACE * 0.02)))
    if rng.random() < 0.5:  # a bimetal coin: an inner disc of another metal
        _circle(rgb, r * 0.62, _jitter(METALS[int(rng.integers(len(METALS)))], rng, 20))
    if rng.random() < 0.5:
        cv2.ellipse(rgb, (FACE // 2, int(FACE * 0.5)), (int(FACE * 0.16), int(FACE * 0.21)), 0, 0, 360, dark, 3, AA)
        cv2.ellipse(rgb, (int(FACE * 0.53), int(FACE * 0.45)), (int(FACE * 0.1), int(FACE * 0.13)), 0, 0, 360,
                    bright, -1, AA)
    else:
        _text(rgb, str(int(rng.choice([1, 2, 5, 10, 20, 50, 25]))), rng.uniform(0.3, 0.5), dark, rng)
    for k in range(int(rng.integers(10, 24))):  # lettering as small dashes around the edge
        t = k * 2 * math.pi / 24
        cv2.line(rgb, (int(FACE / 2 + r * 0.72 * math.cos(t)), int(FACE / 2 + r * 0.72 * math.sin(t))),
                 (int(FACE / 2 + r * 0.8 * math.cos(t)), int(FACE / 2 + r * 0.8 * math.sin(t))), dark, 2, AA)


def symbol_shape(rgb, alpha, rng):
    """Red, orange and blue discs and triangles that carry other symbols than any class has."""
    r = FACE * 0.47
    c = FACE / 2
    white = _jitter((245, 245, 245), rng, 10)
    ink = tuple(int(v) for v in rng.choice([(20, 20, 20), (245, 245, 245), (200, 24, 34), (18, 78, 170)]))
    shape = int(rng.integers(4))
    if shape == 0:  # a red or blue disc with a vertical bar, a cross, a ring, a dot, a star or a letter
        _circle(alpha, r, 255)
        _circle(rgb, r, _jitter([(200, 24, 34), (18, 78, 170), (230, 110, 20)][int(rng.integers(3))], rng))
        mark = int(rng.integers(5))
        if mark == 0:
            w, h = FACE * rng.uniform(0.06, 0.11), FACE * rng.uniform(0.28, 0.38)
            cv2.rectangle(rgb, (int(c - w), int(c - h)), (int(c + w), int(c + h)), white, -1)
        elif mark == 1:
            t = int(FACE * rng.uniform(0.07, 0.12))
            cv2.line(rgb, (int(c - r * 0.5), int(c)), (int(c + r * 0.5), int(c)), white, t, AA)
            cv2.line(rgb, (int(c), int(c - r * 0.5)), (int(c), int(c + r * 0.5)), white, t, AA)
        elif mark == 2:
            _circle(rgb, r * rng.uniform(0.2, 0.6), white, -1 if rng.random() < 0.5 else int(FACE * 0.06))
        elif mark == 3:
            _fill(rgb, _star(r * 0.55), white)
        else:
            _text(rgb, ['A', 'T', 'M', 'X', '!', '?', '5', '7'][int(rng.integers(8))], 0.3, white, rng)
    else:  # triangles: up with a symbol, down in another frame colour, or solid
        down = shape != 1
        rot, centre = (90, c - 0.1 * FACE) if down else (-90, c + 0.1 * FACE)
        tri = _poly(3, r * 1.05, rot, centre=centre)
        _fill(alpha, tri, 255)
        # pointing down, the frame is never red or orange: a faded or warmly lit yield looks orange
        frame = [(240, 200, 30), (30, 120, 60), (20, 20, 20), (18, 78, 170)]
        frame += [] if down else [(240, 130, 20), (200, 24, 34)]
        rim = _jitter(frame[int(rng.integers(len(frame)))], rng)
        _fill(rgb, tri, rim)
        if shape == 3 and down:  # a solid pennant or logo triangle, no white inside
            if rng.random() < 0.5:
                _text(rgb, ['A', 'V', '1', 'M'][int(rng.integers(4))], 0.2, white, rng, y_centre=c - 0.12 * FACE)
        else:
            inner = _poly(3, r * 1.05 * rng.uniform(0.5, 0.72), rot, centre=centre)
            _fill(rgb, inner, _jitter([(245, 245, 245), (250, 220, 40)][int(rng.integers(2))], rng, 10))
            y = c - 0.14 * FACE if down else c + 0.14 * FACE
            _text(rgb, ['!', 'X', '?', '%', '&', 'S'][int(rng.integers(6))], 0.2, ink, rng, y_centre=y)


def _star(radius):
    c = FACE / 2
    t = np.arange(10) * math.pi / 5 - math.pi / 2
    d = np.where(np.arange(10) % 2 == 0, radius, radius * 0.45)
    return np.round(np.stack([c + d * np.cos(t), c + d * np.sin(t)], 1) * 16).astype(np.int32)


FACES = {'citrus': citrus_slice, 'radial': radial_disc, 'coin': coin, 'symbol': symbol_shape}
FACE_KINDS = ['citrus', 'citrus', 'citrus', 'radial', 'radial', 'coin', 'coin', 'symbol', 'symbol']


def hard_face(kind, rng):
    rgb = np.zeros((FACE, FACE, 3), np.uint8)
    alpha = np.zeros((FACE, FACE), np.uint8)
    FACES[kind](rgb, alpha, rng)
    if rng.random() < 0.4:
        rgb = wear(rgb, alpha, rng)
    return rgb, alpha


def _stamp(img, rgb, alpha, cx, cy, size):
    """Paste a face at (cx, cy) scaled to `size` pixels, clipped to the image."""
    s = max(2, int(round(size)))
    f = cv2.resize(rgb, (s, s), interpolation=cv2.INTER_AREA if s < FACE else cv2.INTER_LINEAR)
    a = cv2.resize(alpha, (s, s), interpolation=cv2.INTER_AREA if s < FACE else cv2.INTER_LINEAR)
    h, w = img.shape[:2]
    x0, y0 = int(cx - s / 2), int(cy - s / 2)
    sx, sy = max(0, -x0), max(0, -y0)
    x1, y1 = min(w, x0 + s), min(h, y0 + s)
    if x1 - max(0, x0) < 1 or y1 - max(0, y0) < 1:
        return
    paste(img, max(0, x0), max(0, y0), f[sy:sy + y1 - max(0, y0), sx:sx + x1 - max(0, x0)],
          a[sy:sy + y1 - max(0, y0), sx:sx + x1 - max(0, x0)])


def _region(img, rng):
    h, w = img.shape[:2]
    rw, rh = int(w * rng.uniform(0.3, 1.0)), int(h * rng.uniform(0.3, 1.0))
    return int(rng.integers(0, w - rw + 1)), int(rng.integers(0, h - rh + 1)), rw, rh


def packed(img, rng, kind):
    """Slices on a plate or coins in a pile: discs packed edge to edge over a region, gaps between them."""
    x, y, rw, rh = _region(img, rng)
    short = min(img.shape[:2])
    if rng.random() < 0.7:  # a plate, a board or a tablecloth under them
        ground = _jitter([(245, 245, 240), (235, 225, 200), (160, 110, 60), (250, 250, 250), (60, 60, 60)]
                         [int(rng.integers(5))], rng, 15)
        cv2.rectangle(img, (x, y), (x + rw, y + rh), ground, -1)
    d = short * math.exp(rng.uniform(math.log(0.06), math.log(0.3)))
    step = d * rng.uniform(0.8, 1.05)
    row = 0
    for cy in np.arange(y + d / 2, y + rh, step * 0.87):
        off = (row % 2) * step / 2
        for cx in np.arange(x + off + d / 2 - step, x + rw, step):
            if rng.random() < 0.1:
                continue
            face, alpha = hard_face(kind, rng)
            _stamp(img, face, alpha, cx + rng.normal(0, d * 0.06), cy + rng.normal(0, d * 0.06),
                   d * rng.uniform(0.85, 1.1))
        row += 1


def tiles(img, rng):
    """Tiled floors and walls: squares, triangles (half of them pointing down), hexagons, mosaics."""
    x, y, rw, rh = _region(img, rng)
    palette = [_jitter(tuple(int(v) for v in rng.integers(0, 256, 3)), rng) for _ in range(3)]
    if rng.random() < 0.4:  # red and white, orange and cream: the colours of a yield sign
        palette[:2] = [_jitter((200, 40, 30), rng, 30), _jitter((240, 235, 225), rng, 15)]
    grout = _jitter((200, 200, 195), rng, 50)
    s = min(img.shape[:2]) * rng.uniform(0.04, 0.2)
    style = int(rng.integers(3))
    patch = np.zeros((rh, rw, 3), np.uint8)
    for j, ty in enumerate(np.arange(0, rh + s, s * (0.87 if style == 1 else 1.0))):
        for i, tx in enumerate(np.arange(-s, rw + s, s / 2 if style == 1 else s)):
            colour = palette[(i + j) % 2] if rng.random() < 0.85 else palette[2]
            if style == 0:
                pts = np.array([[tx, ty], [tx + s, ty], [tx + s, ty + s], [tx, ty + s]])
            elif style == 1:
                up = (i + j) % 2 == 0
                h = s * 0.87
                pts = (np.array([[tx, ty + h], [tx + s / 2, ty], [tx + s, ty + h]]) if up
                       else np.array([[tx, ty], [tx + s, ty], [tx + s / 2, ty + h]]))
            else:
                cx, cy = tx + (j % 2) * s / 2, ty
                t = np.arange(6) * math.pi / 3 + math.pi / 6
                pts = np.stack([cx + s * 0.55 * np.cos(t), cy + s * 0.55 * np.sin(t)], 1)
            p = np.round(pts * 16).astype(np.int32)
            cv2.fillPoly(patch, [p], colour, AA, shift=4)
            cv2.polylines(patch, [p], True, grout, max(1, int(s * rng.uniform(0.02, 0.08))), AA, shift=4)
    img[y:y + rh, x:x + rw] = patch


def bunting(img, rng):
    """Strings of pennants: solid triangles pointing down, hung along a sagging line."""
    h, w = img.shape[:2]
    for _ in range(int(rng.integers(1, 4))):
        y0, y1 = rng.uniform(0, h * 0.7), rng.uniform(0, h * 0.7)
        sag = rng.uniform(0, h * 0.15)
        s = min(h, w) * rng.uniform(0.04, 0.14)
        colours = [tuple(int(v) for v in rng.integers(0, 256, 3)) for _ in range(int(rng.integers(1, 4)))]
        if rng.random() < 0.5:
            colours[0] = _jitter((200, 30, 35), rng)
        xs = np.arange(0, w, s * rng.uniform(1.0, 1.5))
        ys = y0 + (y1 - y0) * xs / w + sag * np.sin(np.pi * xs / w)
        cv2.polylines(img, [np.stack([xs, ys], 1).astype(np.int32)], False, (60, 60, 60), 1, AA)
        for k, (px, py) in enumerate(zip(xs, ys)):
            tri = np.array([[px, py], [px + s, py], [px + s / 2, py + s * rng.uniform(1.0, 1.5)]])
            cv2.fillPoly(img, [np.round(tri * 16).astype(np.int32)], colours[k % len(colours)], AA, shift=4)


def _place(img, rng, face, alpha, size_px, placed):
    """Warp a face onto a free spot (as signs.scene places signs); returns its tight box or None."""
    h, w = img.shape[:2]
    for _ in range(10):
        cx = rng.uniform(size_px * 0.6, w - size_px * 0.6) if w > size_px * 1.2 else w / 2
        cy = rng.uniform(size_px * 0.6, h - size_px * 0.6) if h > size_px * 1.2 else h / 2
        quad = quad_for(cx, cy, size_px, rng)
        bb = (quad[:, 0].min(), quad[:, 1].min(), quad[:, 0].max(), quad[:, 1].max())
        if bb[0] >= 0 and bb[1] >= 0 and bb[2] <= w and bb[3] <= h and all(_iou(bb, p) < 0.02 for p in placed):
            break
    else:
        return None
    warped = warp_face(shade_face(face, rng), alpha, quad, img.shape)
    if warped is None:
        return None
    x0, y0, patch, a = warped
    tb = tight_box(x0, y0, a)
    if tb is None:
        return None
    if rng.random() < 0.3:
        draw_pole(img, quad, rng)
    paste(img, x0, y0, patch, a)
    placed.append(bb)
    return tb


def hard_scene(rng: np.random.Generator, size=None) -> tuple[np.ndarray, list[Box]]:
    """A scene of hard negatives (never labelled), with real signs (labelled) in half of them."""
    w, h = size if size is not None else SCENE_SIZES[rng.integers(len(SCENE_SIZES))]
    img = photo_background(h, w, rng) if _POOL['photos'] and rng.random() < 0.8 else background(h, w, rng)
    paste_objects(img, rng, int(rng.choice([0, 1, 2, 3])))
    for _ in range(int(rng.choice([1, 1, 1, 2]))):
        texture = int(rng.choice(4, p=[0.4, 0.2, 0.25, 0.15]))
        if texture == 0:
            packed(img, rng, 'citrus')
        elif texture == 1:
            packed(img, rng, 'coin')
        elif texture == 2:
            tiles(img, rng)
        else:
            bunting(img, rng)
    short = min(w, h)
    placed: list[tuple[float, float, float, float]] = []
    for _ in range(int(rng.integers(0, 5))):
        face, alpha = hard_face(FACE_KINDS[int(rng.integers(len(FACE_KINDS)))], rng)
        _place(img, rng, face, alpha, short * math.exp(rng.uniform(math.log(0.05), math.log(0.6))), placed)
    boxes: list[Box] = []
    if rng.random() < 0.5:
        for _ in range(int(rng.integers(1, 4))):
            kind = int(rng.integers(len(CLASSES)))
            face, alpha = draw_face(CLASSES[kind], rng)
            tb = _place(img, rng, face, alpha, short * math.exp(rng.uniform(math.log(0.05), math.log(0.6))), placed)
            if tb is not None:
                boxes.append(Box(kind, *tb))
    return camera_effects(img, rng), boxes
