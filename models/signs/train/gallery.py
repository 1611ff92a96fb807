"""Contact sheets of what the sign model gets wrong, for MODEL_CARD.md.

    # false detections on sign-free frames, from `edgecam model eval --negatives DIR --json FILE`
    /usr/bin/python3 models/signs/train/gallery.py false FILE.json DIR out.jpg --threshold 0.5
    # labelled signs of a test set the model misses at a threshold (PyTorch checkpoint)
    /usr/bin/python3 models/signs/train/gallery.py missed /tmp/signs/ckpt.pt /tmp/signs/test out.jpg --threshold 0.5

Each tile is the region around one box (twice its size), scaled to TILE pixels, with its caption.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import cv2
import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from evaluate import box_iou, image_files, label_file, predict  # noqa: E402
from model import SignNet  # noqa: E402
from signs import CLASSES, read_rgb, read_yolo, write_jpeg  # noqa: E402

TILE = 128
COLUMNS = 8


def tile(img: np.ndarray, box, caption: str) -> np.ndarray:
    """The box's surroundings (twice its size, square), scaled to TILE x TILE, with a caption."""
    h, w = img.shape[:2]
    x1, y1, x2, y2 = box
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    side = max(x2 - x1, y2 - y1, 8) * 2
    pad = int(side)
    padded = cv2.copyMakeBorder(img, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=(0, 0, 0))
    ax, ay = int(cx - side / 2) + pad, int(cy - side / 2) + pad
    crop = padded[ay:ay + int(side), ax:ax + int(side)]
    out = cv2.resize(crop, (TILE, TILE), interpolation=cv2.INTER_AREA if side > TILE else cv2.INTER_LINEAR)
    k = TILE / side
    cv2.rectangle(out, (int(TILE / 2 - (x2 - x1) * k / 2), int(TILE / 2 - (y2 - y1) * k / 2)),
                  (int(TILE / 2 + (x2 - x1) * k / 2), int(TILE / 2 + (y2 - y1) * k / 2)), (255, 220, 0), 1)
    cv2.rectangle(out, (0, TILE - 14), (TILE, TILE), (0, 0, 0), -1)
    cv2.putText(out, caption, (2, TILE - 3), cv2.FONT_HERSHEY_SIMPLEX, 0.33, (255, 255, 255), 1, cv2.LINE_AA)
    return out


def sheet(tiles: list[np.ndarray]) -> np.ndarray:
    if not tiles:
        tiles = [np.zeros((TILE, TILE, 3), np.uint8)]
    while len(tiles) % COLUMNS:
        tiles.append(np.zeros((TILE, TILE, 3), np.uint8))
    return np.vstack([np.hstack(tiles[i:i + COLUMNS]) for i in range(0, len(tiles), COLUMNS)])


def false_detections(report: Path, folder: Path, threshold: float, limit: int) -> list[np.ndarray]:
    found = json.loads(report.read_text())['negatives']['detections']
    tiles = []
    for d in [d for d in found if d['score'] >= threshold][:limit]:
        img = read_rgb(folder / d['file'])
        h, w = img.shape[:2]
        b = d['box']
        box = (b['x'] * w, b['y'] * h, (b['x'] + b['w']) * w, (b['y'] + b['h']) * h)
        tiles.append(tile(img, box, f"{d['label']} {d['score']:.2f}"))
    return tiles


def missed(checkpoint: Path, data: Path, threshold: float, limit: int, images: int) -> list[np.ndarray]:
    ckpt = torch.load(checkpoint, map_location='cpu')
    net = SignNet(len(CLASSES), ckpt['arch']['width'], ckpt['arch']['neck'])
    net.load_state_dict(ckpt['model'])
    net.eval()
    tiles = []
    for f in sorted(image_files(data))[:images]:
        img = read_rgb(f)
        h, w = img.shape[:2]
        dets = [d for d in predict(net, img, ckpt['size']) if d[4] >= threshold]
        for t in read_yolo(label_file(f), w, h):
            box = (t.x1, t.y1, t.x2, t.y2)
            if not any(d[5] == t.cls and box_iou(d[:4], box) >= 0.5 for d in dets):
                side = max(t.x2 - t.x1, t.y2 - t.y1)
                tiles.append(tile(img, box, f'{CLASSES[t.cls]} {side:.0f}px'))
        if len(tiles) >= limit:
            break
    return tiles[:limit]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('kind', choices=['false', 'missed'])
    ap.add_argument('source', type=Path, help='eval JSON (false) or checkpoint (missed)')
    ap.add_argument('folder', type=Path)
    ap.add_argument('out', type=Path)
    ap.add_argument('--threshold', type=float, required=True)
    ap.add_argument('--limit', type=int, default=24)
    ap.add_argument('--images', type=int, default=400, help='test images to look through (missed)')
    args = ap.parse_args()
    if args.kind == 'false':
        tiles = false_detections(args.source, args.folder, args.threshold, args.limit)
    else:
        tiles = missed(args.source, args.folder, args.threshold, args.limit, args.images)
    write_jpeg(args.out, sheet(tiles), quality=85)
    print(f'{args.out}: {len(tiles)} tiles')


if __name__ == '__main__':
    main()
