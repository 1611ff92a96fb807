"""mAP@0.5 and per-class AP of a SignNet checkpoint on a YOLO-layout folder (the Python check).

The official figure comes from `edgecam model eval` (TypeScript, ONNX Runtime); this one exists so
training can report progress without it, and uses the same rules: letterbox to the model's size,
scores above 0.001, per-class NMS at IoU 0.5, at most 100 detections an image, COCO's 101-point
interpolated AP.

    /usr/bin/python3 models/signs/train/evaluate.py /tmp/signs/ckpt.pt /tmp/signs/test
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from model import SignNet, decode_ltrb, flatten, grid_points, input_wh  # noqa: E402
from signs import CLASSES, letterbox, read_rgb, read_yolo  # noqa: E402


def nms(boxes: np.ndarray, scores: np.ndarray, iou: float) -> list[int]:
    """Greedy non-maximum suppression; boxes x1, y1, x2, y2. Returns kept indices, best first."""
    order = np.argsort(-scores, kind='stable')
    keep = []
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    while len(order):
        i = order[0]
        keep.append(int(i))
        rest = order[1:]
        ix = np.clip(np.minimum(boxes[i, 2], boxes[rest, 2]) - np.maximum(boxes[i, 0], boxes[rest, 0]), 0, None)
        iy = np.clip(np.minimum(boxes[i, 3], boxes[rest, 3]) - np.maximum(boxes[i, 1], boxes[rest, 1]), 0, None)
        inter = ix * iy
        order = rest[inter / (areas[i] + areas[rest] - inter + 1e-9) <= iou]
    return keep


def postprocess(boxes: np.ndarray, scores: np.ndarray, conf=0.001, iou=0.5, max_det=100):
    """Boxes [N, 4] x1y1x2y2 and class scores [N, C] -> detections [(x1, y1, x2, y2, score, cls)]."""
    # the best 300 (cell, class) pairs above conf; NMS per class among those
    flat = scores.reshape(-1)
    top = np.argpartition(-flat, min(300, flat.size - 1))[:300]
    top = top[flat[top] > conf]
    cells, classes = top // scores.shape[1], top % scores.shape[1]
    out = []
    for c in np.unique(classes):
        idx = cells[classes == c]
        for k in nms(boxes[idx], scores[idx, c], iou):
            j = idx[k]
            out.append((*boxes[j], float(scores[j, c]), int(c)))
    out.sort(key=lambda d: -d[4])
    return out[:max_det]


def box_iou(a, b):
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter + 1e-9)


def average_precision(dets, gts, num_classes, iou_thr=0.5):
    """dets: per image [(x1, y1, x2, y2, score, cls)]; gts: per image [(x1, y1, x2, y2, cls)].

    Returns per-class AP (COCO 101-point interpolation; NaN for a class with no ground truth).
    """
    aps = []
    for c in range(num_classes):
        gt_c = [[g for g in im if g[4] == c] for im in gts]
        n_gt = sum(len(g) for g in gt_c)
        cand = [(d[4], i, d) for i, im in enumerate(dets) for d in im if d[5] == c]
        cand.sort(key=lambda t: -t[0])
        used = [np.zeros(len(g), bool) for g in gt_c]
        tp = np.zeros(len(cand))
        for k, (_, i, d) in enumerate(cand):
            best, best_j = iou_thr, -1
            for j, g in enumerate(gt_c[i]):
                if used[i][j]:
                    continue
                v = box_iou(d, g)
                if v >= best:
                    best, best_j = v, j
            if best_j >= 0:
                used[i][best_j] = True
                tp[k] = 1
        if n_gt == 0:
            aps.append(float('nan'))
            continue
        ctp = np.cumsum(tp)
        recall = ctp / n_gt
        precision = ctp / np.arange(1, len(cand) + 1)
        # precision envelope, then sample at 101 recall points
        for k in range(len(precision) - 2, -1, -1):
            precision[k] = max(precision[k], precision[k + 1])
        ap = 0.0
        for t in np.linspace(0, 1, 101):
            idx = np.searchsorted(recall, t, side='left')
            ap += precision[idx] if idx < len(precision) else 0.0
        aps.append(ap / 101)
    return aps


def image_files(data: Path) -> list[Path]:
    """JPEGs of a YOLO folder: DIR/images/*.jpg (labels in DIR/labels/) or DIR/*.jpg (labels beside)."""
    return list((data / 'images').glob('*.jpg')) if (data / 'images').is_dir() else list(data.glob('*.jpg'))


def label_file(image: Path) -> Path:
    if image.parent.name == 'images':
        return image.parent.parent / 'labels' / (image.stem + '.txt')
    return image.with_suffix('.txt')


SIZE_BINS = (0, 12, 16, 24, 40, 80)


def recall_by_size(dets, gts, scales, score=0.5, iou_thr=0.5):
    """Recall at a score threshold, by the sign's longest side in model-input pixels.

    Returns [(lower bound, signs, found)], one row per SIZE_BINS bin.
    """
    rows = [[lo, 0, 0] for lo in SIZE_BINS]
    for im_dets, im_gts, s in zip(dets, gts, scales):
        kept = [d for d in im_dets if d[4] >= score]
        used = set()
        for g in im_gts:
            side = max(g[2] - g[0], g[3] - g[1]) * s
            row = rows[int(np.searchsorted(SIZE_BINS, side, side='right')) - 1]
            row[1] += 1
            for k, d in enumerate(kept):
                if k not in used and d[5] == g[4] and box_iou(d, g) >= iou_thr:
                    used.add(k)
                    row[2] += 1
                    break
    return [tuple(r) for r in rows]


@torch.no_grad()
def predict(net: SignNet, img: np.ndarray, size):
    """Detections [(x1, y1, x2, y2, score, cls)] in image pixels for one RGB image."""
    net.eval()
    size = input_wh(size)
    points, strides = grid_points(size)
    lb, s, px, py = letterbox(img, size)
    cls, reg = flatten(net(torch.from_numpy(lb).permute(2, 0, 1)[None].float() / 255.0))
    found = postprocess(decode_ltrb(reg, points, strides).numpy()[0], torch.sigmoid(cls).numpy()[0])
    return [((x1 - px) / s, (y1 - py) / s, (x2 - px) / s, (y2 - py) / s, sc, c) for x1, y1, x2, y2, sc, c in found]


@torch.no_grad()
def evaluate(net: SignNet, data: Path, size, limit: int | None = None, batch: int = 32,
             recall_at=(0.3, 0.5)):
    """Run the model over a YOLO folder; returns (mAP@0.5, per-class AP list, images seen)."""
    net.eval()
    size = input_wh(size)
    files = sorted(image_files(data))[:limit]
    points, strides = grid_points(size)
    dets, gts, scales = [], [], []
    for start in range(0, len(files), batch):
        chunk = files[start:start + batch]
        xs, metas = [], []
        for f in chunk:
            img = read_rgb(f)
            h, w = img.shape[:2]
            lb, s, px, py = letterbox(img, size)
            xs.append(torch.from_numpy(lb).permute(2, 0, 1))
            metas.append((s, px, py))
            scales.append(s)
            gts.append([(b.x1, b.y1, b.x2, b.y2, b.cls) for b in read_yolo(label_file(f), w, h)])
        x = torch.stack(xs).float() / 255.0
        cls, reg = flatten(net(x))
        boxes = decode_ltrb(reg, points, strides).numpy()
        scores = torch.sigmoid(cls).numpy()
        for b, (s, px, py) in enumerate(metas):
            found = postprocess(boxes[b], scores[b])
            # back from letterbox pixels to image pixels
            dets.append([((x1 - px) / s, (y1 - py) / s, (x2 - px) / s, (y2 - py) / s, sc, c)
                         for x1, y1, x2, y2, sc, c in found])
    aps = average_precision(dets, gts, net.num_classes)
    by_size = {score: recall_by_size(dets, gts, scales, score) for score in recall_at}
    return float(np.nanmean(aps)), aps, len(files), by_size


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('checkpoint', type=Path)
    ap.add_argument('data', type=Path)
    ap.add_argument('--limit', type=int, default=None)
    ap.add_argument('--json', type=Path, default=None, help='also write the figures here')
    ap.add_argument('--recall-at', type=float, nargs='+', default=[0.3, 0.5], help='scores for the recall table')
    ap.add_argument('--size', type=input_wh, default=None,
                    help="input size, 384 or 448x336 (default: the checkpoint's)")
    args = ap.parse_args()
    torch.set_num_threads(2)
    ck = torch.load(args.checkpoint, map_location='cpu')
    net = SignNet(len(CLASSES), **ck['arch'])
    net.load_state_dict(ck['model'])
    m, aps, n, by_size = evaluate(net, args.data, args.size or ck['size'], args.limit, recall_at=tuple(args.recall_at))
    print(f'mAP@0.5 {m:.4f} on {n} images')
    for name, a in zip(CLASSES, aps):
        print(f'  {name:22s} {a:.4f}')
    for score, rows in by_size.items():
        print(f'recall at score {score} by longest side in input pixels:')
        for lo, total, found in rows:
            print(f'  >= {lo:3d} px: {found}/{total} = {found / max(1, total):.3f}')
    if args.json:
        report = {'images': n, 'map50': m, 'ap50': dict(zip(CLASSES, aps)),
                  'recall_by_size': {str(score): [{'from_px': lo, 'signs': t, 'found': f} for lo, t, f in rows]
                                     for score, rows in by_size.items()}}
        args.json.write_text(json.dumps(report, indent=2) + '\n')


if __name__ == '__main__':
    main()
