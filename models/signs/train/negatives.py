"""Write a folder of sign-free frames from the held-out photographs, for `edgecam model eval --negatives`.

Each held-out photograph (photos.py's heldout/ split, never used in training) gives VIEWS frames:
the whole photo, then crops of a half to a quarter of it, each scaled to 640x480 as a camera would
see the scene from nearer. With --objects, held-out object cut-outs (coins, balls, animals, food;
never used in training either) are pasted into every frame as well.

    /usr/bin/python3 models/signs/train/negatives.py /tmp/signs/photos /tmp/signs/negatives
    /usr/bin/python3 models/signs/train/negatives.py /tmp/signs/photos /tmp/signs/negatives-objects --objects
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from signs import paste_objects, use_photos, write_jpeg  # noqa: E402

W, H = 640, 480


def view(photo: np.ndarray, zoom: float, rng: np.random.Generator) -> np.ndarray:
    """A 4:3 window of the photo, 1/zoom of its largest such window, at a random place, as 640x480."""
    ph, pw = photo.shape[:2]
    cw = min(pw, ph * W / H) / zoom
    ch = cw * H / W
    x = rng.uniform(0, pw - cw)
    y = rng.uniform(0, ph - ch)
    crop = photo[int(y):int(y + ch), int(x):int(x + cw)]
    return cv2.resize(crop, (W, H), interpolation=cv2.INTER_AREA if crop.shape[1] > W else cv2.INTER_LINEAR)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('photos', type=Path, help='the pool photos.py wrote')
    ap.add_argument('out', type=Path)
    ap.add_argument('--views', type=int, default=4)
    ap.add_argument('--objects', action='store_true', help='paste held-out objects into each frame')
    ap.add_argument('--seed', type=int, default=3)
    args = ap.parse_args()
    use_photos(args.photos, 'heldout')
    args.out.mkdir(parents=True, exist_ok=True)
    files = sorted((args.photos / 'heldout').glob('*.jpg'))
    n = 0
    for i, f in enumerate(files):
        photo = cv2.imread(str(f), cv2.IMREAD_COLOR)[..., ::-1]
        rng = np.random.default_rng([args.seed, i])
        for k in range(args.views):
            zoom = 1.0 if k == 0 else math.exp(rng.uniform(math.log(2), math.log(4)))
            frame = np.ascontiguousarray(view(photo, zoom, rng))
            if args.objects:
                paste_objects(frame, rng, int(rng.integers(1, 4)))
            write_jpeg(args.out / f'{f.stem}-{k}.jpg', frame, quality=90)
            n += 1
    print(f'{args.out}: {n} frames from {len(files)} held-out photographs')


if __name__ == '__main__':
    main()
