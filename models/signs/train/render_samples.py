"""Render the sample sequence: a camera driving down a road past one sign of every class.

Writes OUT/frame_NNN.jpg (640x480) with YOLO labels OUT/frame_NNN.txt, and OUT/labels.txt. A sign
is labelled in a frame when it lies wholly inside the frame and its box is at least MIN_LABEL_PX
on its longest side (smaller ones are drawn but are below what the model is meant to see).
Same faces and camera effects as the training data (signs.py); a fixed seed. After the drive come
QUIET_FRAMES: real photographs without any sign (scikit-image's public-domain and CC0 sample
photographs, from Debian's python3-skimage), so a replay also shows the model keeping quiet.
Re-rendering draws the faces with the current signs.py, so they differ from the committed frames.

    /usr/bin/python3 models/signs/train/render_samples.py models/signs/samples
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from signs import (  # noqa: E402
    AA, CLASSES, Box, draw_face, paste, tight_box, warp_face, write_jpeg, yolo_lines,
)

W, H = 640, 480
FOCAL = 480.0  # pixels: about 67 degrees across, a typical USB camera
HORIZON = 190.0
CAM_HEIGHT = 1.1  # metres above the road
FRAMES = 90
SPEED = 0.4  # metres per frame
MIN_LABEL_PX = 30  # = 0.06 of the short side, the smallest signs in the training data
SEED = 5
SKIMAGE_DATA = Path('/usr/lib/python3/dist-packages/skimage/data')
QUIET_FRAMES = ['coffee.png', 'chelsea.png', 'rocket.jpg', 'astronaut.png']  # public domain or CC0

# (kind, lateral metres (+ right), distance along the road in metres, sign side in metres)
SIGNS = [
    ('stop', 2.9, 9.5, 1.0),
    ('turn-left', -3.0, 11.5, 0.95),
    ('yield', 2.8, 15.0, 1.05),
    ('warning', -3.0, 17.5, 1.0),  # a distractor: not a class
    ('no-entry', -3.0, 20.5, 0.95),
    ('speed-limit-30', 3.0, 23.5, 0.95),
    ('go-straight', -2.9, 26.5, 0.95),
    ('turn-right', 3.0, 29.5, 0.95),
    ('info-text', -3.2, 31.5, 1.0),  # a distractor
    ('roundabout', -3.0, 34.0, 0.95),
    ('parking', 3.1, 37.0, 1.0),
    ('pedestrian-crossing', -3.0, 40.0, 1.0),
]


def project(x, y, z):
    """World (x right, y up from the road, z ahead of the camera) -> pixel (u, v)."""
    return W / 2 + FOCAL * x / z, HORIZON - FOCAL * (y - CAM_HEIGHT) / z


def ground(rng):
    """The parts of the view that do not move: sky, distant trees and houses, grass texture."""
    img = np.zeros((H, W, 3), np.float32)
    t = np.linspace(0, 1, int(HORIZON))[:, None, None]
    img[: int(HORIZON)] = np.array([120, 165, 225]) * (1 - t) + np.array([205, 220, 235]) * t
    for _ in range(28):  # a far skyline
        x = int(rng.integers(-20, W))
        bw, bh = int(rng.integers(15, 60)), int(rng.integers(8, 45))
        c = tuple(float(v) for v in rng.integers(60, 150, 3))
        cv2.rectangle(img, (x, int(HORIZON) - bh), (x + bw, int(HORIZON)), c, -1)
    grass = np.array([70, 120, 50], np.float32)
    noise = cv2.resize(rng.random((H // 3, W // 3)).astype(np.float32), (W, H))
    img[int(HORIZON):] = grass * (0.8 + 0.4 * noise[int(HORIZON):, :, None])
    return img


def road(img, cam_z):
    """Asphalt between x = -2.5 and 2.5 m, and centre dashes that move as the camera does."""
    far, near = 200.0, 1.0
    poly = np.array([project(-2.5, 0, near), project(2.5, 0, near), project(2.5, 0, far), project(-2.5, 0, far)])
    cv2.fillPoly(img, [np.round(poly * 16).astype(np.int32)], (95, 95, 100), AA, shift=4)
    first = math.floor(cam_z / 3.0) * 3.0
    for k in range(40):
        z0 = first + k * 3.0 - cam_z
        z1 = z0 + 1.5
        if z1 <= near:
            continue
        z0 = max(z0, near)
        quad = np.array([project(-0.06, 0, z0), project(0.06, 0, z0), project(0.06, 0, z1), project(-0.06, 0, z1)])
        cv2.fillPoly(img, [np.round(quad * 16).astype(np.int32)], (235, 235, 225), AA, shift=4)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('out', type=Path)
    ap.add_argument('--quality', type=int, default=75)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    base = ground(rng)
    faces = {kind: draw_face(kind, rng) for kind, *_ in SIGNS}
    labelled = 0
    for f in range(FRAMES):
        cam_z = f * SPEED
        cam_x = 0.25 * math.sin(f / 14.0)  # the robot weaves a little
        img = base.copy()
        road(img, cam_z)
        img = np.clip(img, 0, 255).astype(np.uint8)
        boxes: list[Box] = []
        # far to near, so near signs cover far ones
        for kind, x, z, side in sorted(SIGNS, key=lambda s: -(s[2] - cam_z)):
            zr = z - cam_z
            if zr < 1.5:
                continue
            xr = x - cam_x
            # the sign faces the road at a slight angle, as signs are mounted
            yaw = math.radians(-12.0 if x > 0 else 12.0)
            dx, dz = side / 2 * math.cos(yaw), side / 2 * math.sin(yaw)
            top, bottom = 2.1 + side / 2, 2.1 - side / 2
            corners = [(xr - dx, top, zr - dz), (xr + dx, top, zr + dz), (xr + dx, bottom, zr + dz),
                       (xr - dx, bottom, zr - dz)]
            if min(c[2] for c in corners) < 1.0:
                continue
            quad = np.array([project(*c) for c in corners])
            foot = project(xr, 0.0, zr)
            head = project(xr, bottom, zr)
            pole_w = max(1, int(round(FOCAL * 0.06 / zr)))
            cv2.line(img, (int(head[0]), int(head[1])), (int(foot[0]), int(foot[1])), (120, 120, 125), pole_w, AA)
            face, alpha = faces[kind]
            warped = warp_face(face, alpha, quad, img.shape)
            if warped is None:
                continue
            x0, y0, patch, a = warped
            paste(img, x0, y0, patch, a)
            tb = tight_box(x0, y0, a)
            inside = quad[:, 0].min() >= 0 and quad[:, 1].min() >= 0 and quad[:, 0].max() < W and quad[:, 1].max() < H
            if kind in CLASSES and tb and inside and max(tb[2] - tb[0], tb[3] - tb[1]) >= MIN_LABEL_PX:
                boxes.append(Box(CLASSES.index(kind), *tb))
        frame_rng = np.random.default_rng([SEED, f])
        noisy = img.astype(np.float32) + frame_rng.normal(0, 3.0, img.shape).astype(np.float32)
        img = np.clip(noisy, 0, 255).astype(np.uint8)
        write_jpeg(args.out / f'frame_{f:03d}.jpg', img, quality=args.quality)
        (args.out / f'frame_{f:03d}.txt').write_text(yolo_lines(boxes, W, H))
        labelled += len(boxes)
    for k, name in enumerate(QUIET_FRAMES):
        photo = cv2.imread(str(SKIMAGE_DATA / name), cv2.IMREAD_COLOR)
        if photo is None:
            print(f'skipped the sign-free frame {name}: {SKIMAGE_DATA} has no such file (apt-get install python3-skimage)')
            continue
        ph, pw = photo.shape[:2]
        cw = min(pw, int(ph * W / H))
        ch = int(cw * H / W)
        crop = photo[(ph - ch) // 2:(ph - ch) // 2 + ch, (pw - cw) // 2:(pw - cw) // 2 + cw]
        img = cv2.resize(crop, (W, H), interpolation=cv2.INTER_AREA if cw > W else cv2.INTER_CUBIC)[..., ::-1]
        write_jpeg(args.out / f'frame_{FRAMES + k:03d}.jpg', img, quality=args.quality)
        (args.out / f'frame_{FRAMES + k:03d}.txt').write_text('')
    (args.out / 'labels.txt').write_text('\n'.join(CLASSES) + '\n')
    print(f'{FRAMES} frames, {labelled} labelled signs, then {len(QUIET_FRAMES)} sign-free photographs, '
          f'written to {args.out}')


if __name__ == '__main__':
    main()
