"""Mine hard negatives: sign-free frames from the training photographs that a model mistakes for signs.

Each training photograph (photos.py's train split; never a held-out one) gives VIEWS frames: the
whole photo and crops of a half to a sixth of it, scaled to 640x480, some with training objects
pasted in and camera effects applied. The model (a checkpoint of train.py) runs on each; a frame
whose best score reaches --score is written with an empty label file, so a fine-tuning run learns
that nothing is there. A --keep share of the quiet frames goes in too, so the set is not only the
model's current mistakes.

    /usr/bin/python3 models/signs/train/mine.py /tmp/signs/photos /tmp/signs/ckpt2.pt /tmp/signs/hard
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import cv2
import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from evaluate import predict  # noqa: E402
from model import SignNet  # noqa: E402
from negatives import view  # noqa: E402
from signs import CLASSES, camera_effects, paste_objects, use_photos, write_jpeg  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('photos', type=Path, help='the pool photos.py wrote')
    ap.add_argument('checkpoint', type=Path, help='a train.py checkpoint (.pt)')
    ap.add_argument('out', type=Path, help='written as a YOLO folder: images/ and labels/')
    ap.add_argument('--views', type=int, default=60)
    ap.add_argument('--score', type=float, default=0.2, help='a frame with a detection at or above this is hard')
    ap.add_argument('--keep', type=float, default=0.1, help='share of the quiet frames kept as well')
    ap.add_argument('--seed', type=int, default=11)
    args = ap.parse_args()
    torch.set_num_threads(2)
    state = torch.load(args.checkpoint, map_location='cpu')
    net = SignNet(len(CLASSES), state['arch']['width'], state['arch']['neck'])
    net.load_state_dict(state['model'])
    net.eval()
    size = state['size']
    use_photos(args.photos, 'train')
    (args.out / 'images').mkdir(parents=True, exist_ok=True)
    (args.out / 'labels').mkdir(parents=True, exist_ok=True)
    files = sorted((args.photos / 'train').glob('*.jpg'))
    seen = hard = kept = 0
    for i, f in enumerate(files):
        photo = cv2.imread(str(f), cv2.IMREAD_COLOR)[..., ::-1]
        rng = np.random.default_rng([args.seed, i])
        for k in range(args.views):
            zoom = 1.0 if k == 0 else math.exp(rng.uniform(math.log(1.5), math.log(6)))
            frame = np.ascontiguousarray(view(photo, zoom, rng))
            if rng.random() < 0.5:
                paste_objects(frame, rng, int(rng.integers(1, 5)))
            if rng.random() < 0.7:
                frame = camera_effects(frame, rng)
            found = predict(net, frame, size)
            best = max((d[4] for d in found), default=0.0)
            seen += 1
            if best >= args.score:
                hard += 1
            elif rng.random() < args.keep:
                kept += 1
            else:
                continue
            name = f'{f.stem}-{k:03d}'
            write_jpeg(args.out / 'images' / f'{name}.jpg', frame, quality=90)
            (args.out / 'labels' / f'{name}.txt').write_text('')
        print(f'{f.name}: {seen} frames, {hard} hard, {kept} quiet kept', flush=True)
    print(f'{args.out}: {hard} hard frames (score >= {args.score}) and {kept} quiet ones, of {seen}')


if __name__ == '__main__':
    main()
