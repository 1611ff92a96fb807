"""Write a synthetic sign data set in YOLO layout: DIR/images/NNNNNN.jpg and DIR/labels/NNNNNN.txt.

Image i is drawn from numpy's generator seeded with (seed, i), so any range of indices can be
generated alone (or in parallel shards) and comes out byte-identical.

    /usr/bin/python3 models/signs/train/generate.py /tmp/signs/train --count 20000 --seed 1 \
        --photos /tmp/signs/photos
    /usr/bin/python3 models/signs/train/generate.py /tmp/signs/test --count 1200 --seed 2 \
        --photos /tmp/signs/photos --split heldout

With --photos (the pool photos.py writes), three scenes in four are drawn over a real photograph
of the given split, and real objects are pasted in; the test set uses the held-out split, whose
photographs and objects training never sees.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hardneg import hard_scene  # noqa: E402
from signs import CLASSES, scene, use_photos, write_jpeg, yolo_lines  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('out', type=Path)
    ap.add_argument('--count', type=int, required=True, help='images in the whole set')
    ap.add_argument('--seed', type=int, required=True)
    ap.add_argument('--start', type=int, default=0, help='first index of this shard')
    ap.add_argument('--end', type=int, default=None, help='one past the last index of this shard')
    ap.add_argument('--photos', type=Path, default=None, help='the photo pool photos.py wrote')
    ap.add_argument('--split', choices=['train', 'heldout'], default='train', help='which photos to draw on')
    ap.add_argument('--hard', action='store_true', help='scenes of hard negatives (hardneg.py) instead')
    args = ap.parse_args()
    draw = hard_scene if args.hard else scene
    use_photos(args.photos, args.split)
    end = args.count if args.end is None else min(args.end, args.count)
    (args.out / 'images').mkdir(parents=True, exist_ok=True)
    (args.out / 'labels').mkdir(parents=True, exist_ok=True)
    (args.out / 'labels.txt').write_text('\n'.join(CLASSES) + '\n')
    t0 = time.time()
    for i in range(args.start, end):
        img, boxes = draw(np.random.default_rng([args.seed, i]))
        h, w = img.shape[:2]
        write_jpeg(args.out / 'images' / f'{i:06d}.jpg', img)
        (args.out / 'labels' / f'{i:06d}.txt').write_text(yolo_lines(boxes, w, h))
        done = i + 1 - args.start
        if done % 500 == 0 or i + 1 == end:
            rate = done / (time.time() - t0)
            print(f'{args.out}: {done}/{end - args.start} images, {rate:.0f}/s', flush=True)


if __name__ == '__main__':
    main()
