"""Train SignNet on a generated YOLO-layout folder, on the CPU, with fixed seeds.

Targets (FCOS-style, anchor-free): a cell is positive for a sign when the sign's longest side
suits the cell's level, and the cell centre lies inside the sign within 1.5 strides of its centre
(the cell holding the centre always counts). Class loss: quality focal loss (the target score is
the IoU of the predicted box, so scores rank boxes well for NMS and mAP). Box loss: GIoU.

    /usr/bin/python3 models/signs/train/train.py /tmp/signs/train --test /tmp/signs/test \
        --out /tmp/signs/ckpt.pt --size 320 --epochs 10

The first run letterboxes the training images once into DIR/cache-<size>.u8 (a memory map), so
epochs do no JPEG decoding. Several folders may be given (e.g. the training set and a set of hard
negatives, generate.py --hard): each keeps its own cache and every epoch shuffles them together.
After each epoch the weights go to --out and to OUT-eN.pt beside it, so a run can be stopped early.

With --init MODEL.float.onnx, training starts from an exported model's weights (fine-tuning) instead
of from scratch: the export folded BatchNorm into the convolutions, so each BatchNorm starts as the
identity and stays in inference mode (its statistics fixed, its scale and shift trained). --init
CKPT.pt goes on from the checkpoint of such a run (a warm restart of the learning-rate schedule).
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from evaluate import evaluate  # noqa: E402
from model import STRIDES, SignNet, decode_ltrb, flatten, grid_points, input_wh, size_name  # noqa: E402
from signs import CLASSES, letterbox, read_rgb, read_yolo  # noqa: E402

# Longest side (input pixels) each level answers for; the overlaps give borderline signs two chances.
LEVEL_RANGE = {8: (0.0, 48.0), 16: (32.0, 112.0), 32: (80.0, 1e9)}
CENTRE_RADIUS = 1.5


def load_onnx_weights(net: SignNet, path: Path) -> None:
    """Load a float export (export.py: initializers named net.<module>.weight/bias, BatchNorm folded)."""
    import onnx
    from onnx import numpy_helper

    weights = {i.name.removeprefix('net.'): numpy_helper.to_array(i) for i in onnx.load(str(path)).graph.initializer
               if i.name.startswith('net.')}
    modules = dict(net.named_modules())
    loaded = 0
    for name, value in weights.items():
        module_name, kind = name.rsplit('.', 1)
        conv = modules[module_name]
        tensor = torch.from_numpy(value.copy())
        if conv.bias is not None or kind == 'weight':
            getattr(conv, kind).data.copy_(tensor)
        else:  # a conv of conv_bn: its folded bias becomes the BatchNorm's shift, the BatchNorm the identity
            bn = modules[module_name.rsplit('.', 1)[0] + '.1']
            bn.weight.data.fill_(1.0)
            bn.bias.data.copy_(tensor)
            bn.running_mean.zero_()
            bn.running_var.fill_(1.0 - bn.eps)
        loaded += 1
    print(f'{loaded} tensors loaded from {path}', flush=True)


def freeze_batchnorm(net: torch.nn.Module) -> None:
    """BatchNorm layers in inference mode: fixed statistics, trainable scale and shift."""
    for m in net.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.eval()


def build_cache(data: Path, size):
    """Letterbox every image once; returns (images memmap [N, H, W, 3], boxes per image, pad boxes)."""
    files = sorted((data / 'images').glob('*.jpg'))
    w_in, h_in = input_wh(size)
    path = data / f'cache-{size_name(size)}.u8'
    meta_path = data / f'cache-{size_name(size)}.npz'
    if meta_path.exists():
        meta = np.load(meta_path, allow_pickle=True)
        images = np.memmap(path, np.uint8, 'r', shape=(len(files), h_in, w_in, 3))
        # np.array of equal-shaped box arrays (a folder of sign-free frames: all [0, 5]) is one
        # [N, 0, 5] object array, not N arrays: back to float32 per image either way
        return images, [np.asarray(b, np.float32).reshape(-1, 5) for b in meta['boxes']], meta['content']
    images = np.memmap(path, np.uint8, 'w+', shape=(len(files), h_in, w_in, 3))
    boxes, content = [], np.zeros((len(files), 4), np.int32)
    t0 = time.time()
    for i, f in enumerate(files):
        img = read_rgb(f)
        h, w = img.shape[:2]
        lb, s, px, py = letterbox(img, (w_in, h_in), area=i % 4 == 3)  # bilinear as at run time, 1 in 4 averaged
        images[i] = lb
        content[i] = (px, py, px + int(round(w * s)), py + int(round(h * s)))
        b = read_yolo(data / 'labels' / (f.stem + '.txt'), w, h)
        boxes.append(np.array([[x.x1 * s + px, x.y1 * s + py, x.x2 * s + px, x.y2 * s + py, x.cls] for x in b],
                              np.float32).reshape(-1, 5))
        if (i + 1) % 2000 == 0:
            print(f'cache: {i + 1}/{len(files)} images, {time.time() - t0:.0f} s', flush=True)
    images.flush()
    np.savez(meta_path, boxes=np.array(boxes, dtype=object), content=content)
    return images, boxes, content


class Caches:
    """Several letterbox caches seen as one array of images, indexed by sorted index arrays."""

    def __init__(self, parts):
        self.parts = parts
        self.starts = np.cumsum([0] + [len(p) for p in parts])

    def __len__(self):
        return int(self.starts[-1])

    def __getitem__(self, idx):
        out = []
        for part, lo, hi in zip(self.parts, self.starts[:-1], self.starts[1:]):
            sel = idx[(idx >= lo) & (idx < hi)] - lo
            if len(sel):
                out.append(part[sel])
        return np.concatenate(out)


_RANGES: dict[int, tuple[torch.Tensor, torch.Tensor]] = {}


def level_ranges(strides: torch.Tensor):
    """Per cell, the smallest and largest longest-side it answers for ([N, 1] each), computed once."""
    key = strides.shape[0]
    if key not in _RANGES:
        lo = torch.tensor([LEVEL_RANGE[int(s)][0] for s in strides.tolist()])[:, None]
        hi = torch.tensor([LEVEL_RANGE[int(s)][1] for s in strides.tolist()])[:, None]
        _RANGES[key] = (lo, hi)
    return _RANGES[key]


def assign(gt: torch.Tensor, points: torch.Tensor, strides: torch.Tensor, size):
    """For one image's boxes [M, 5] (x1, y1, x2, y2, cls): index of the box each cell learns, or -1."""
    n = points.shape[0]
    if gt.shape[0] == 0:
        return torch.full((n,), -1, dtype=torch.long)
    px, py = points[:, 0:1], points[:, 1:2]
    x1, y1, x2, y2 = gt[:, 0], gt[:, 1], gt[:, 2], gt[:, 3]
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    r = CENTRE_RADIUS * strides[:, None]
    inside = (px > x1) & (px < x2) & (py > y1) & (py < y2)
    central = ((px - cx).abs() < r) & ((py - cy).abs() < r)
    longest = torch.maximum(x2 - x1, y2 - y1)
    lo, hi = level_ranges(strides)
    fits = (longest[None] >= lo) & (longest[None] <= hi)
    pos = inside & central
    # the cell holding the centre, on every level that fits, even for signs smaller than a cell
    offset = 0
    w_in, h_in = input_wh(size)
    for s in STRIDES:
        gw, gh = w_in // s, h_in // s
        col = (cx / s).long().clamp(0, gw - 1)
        row = (cy / s).long().clamp(0, gh - 1)
        pos[offset + row * gw + col, torch.arange(gt.shape[0])] = True
        offset += gw * gh
    pos &= fits
    area = ((x2 - x1) * (y2 - y1))[None].expand(n, -1).clone()
    area[~pos] = float('inf')
    best_area, best = area.min(1)
    best[torch.isinf(best_area)] = -1
    return best


def giou(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Generalised IoU of paired boxes [K, 4] x1y1x2y2."""
    ix = (torch.minimum(a[:, 2], b[:, 2]) - torch.maximum(a[:, 0], b[:, 0])).clamp(min=0)
    iy = (torch.minimum(a[:, 3], b[:, 3]) - torch.maximum(a[:, 1], b[:, 1])).clamp(min=0)
    inter = ix * iy
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = area_a + area_b - inter + 1e-7
    iou = inter / union
    cw = torch.maximum(a[:, 2], b[:, 2]) - torch.minimum(a[:, 0], b[:, 0])
    ch = torch.maximum(a[:, 3], b[:, 3]) - torch.minimum(a[:, 1], b[:, 1])
    hull = cw * ch + 1e-7
    return iou - (hull - union) / hull, iou


def loss_fn(levels, targets, points, strides, size, num_classes):
    cls, reg = flatten(levels)  # [B, N, C], [B, N, 4]
    boxes = decode_ltrb(reg, points, strides)
    b_idx, n_idx, gt_boxes, gt_cls = [], [], [], []
    for b, gt in enumerate(targets):
        who = assign(gt, points, strides, size)
        cells = torch.nonzero(who >= 0).squeeze(1)
        b_idx.append(torch.full_like(cells, b))
        n_idx.append(cells)
        gt_boxes.append(gt[who[cells], :4])
        gt_cls.append(gt[who[cells], 4].long())
    b_idx, n_idx = torch.cat(b_idx), torch.cat(n_idx)
    gt_boxes, gt_cls = torch.cat(gt_boxes), torch.cat(gt_cls)
    num_pos = max(1, len(n_idx))
    target = torch.zeros_like(cls)
    if len(n_idx):
        g, iou = giou(boxes[b_idx, n_idx], gt_boxes)
        target[b_idx, n_idx, gt_cls] = iou.detach().clamp(min=0.0)
        box_loss = (1 - g).sum() / num_pos
    else:
        box_loss = reg.sum() * 0.0
    # quality focal loss (Li et al., GFL, 2020): BCE weighted by the distance from the soft target
    p = torch.sigmoid(cls)
    qfl = F.binary_cross_entropy_with_logits(cls, target, reduction='none') * (target - p).abs().pow(2)
    cls_loss = qfl.sum() / num_pos
    return cls_loss + 2.0 * box_loss, cls_loss.item(), box_loss.item()


def batches(images, boxes, content, order, batch, rng: np.random.Generator):
    """Yield (images [B, 3, H, W] float, targets); the letterbox padding's colour is randomised."""
    for start in range(0, len(order) - batch + 1, batch):
        idx = np.sort(order[start:start + batch])
        x = np.array(images[idx])  # copy out of the memmap
        for k, i in enumerate(idx):
            if rng.random() < 0.5:  # runtimes pad with 114 (Ultralytics), 0 or something else
                x0, y0, x1, y1 = content[i]
                fill = rng.choice([0, 114, int(rng.integers(0, 256))])
                x[k, :y0] = fill
                x[k, y1:] = fill
                x[k, :, :x0] = fill
                x[k, :, x1:] = fill
        t = torch.from_numpy(x).permute(0, 3, 1, 2).float().div_(255.0)  # NHWC memory: channels-last
        yield t, [torch.from_numpy(boxes[i]) for i in idx]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('data', type=Path, nargs='+', help='one or more generated folders')
    ap.add_argument('--test', type=Path, required=True)
    ap.add_argument('--out', type=Path, required=True)
    ap.add_argument('--size', type=input_wh, default=(320, 320),
                    help="the input: a square's side (384) or WIDTHxHEIGHT (448x336)")
    ap.add_argument('--width', type=float, default=1.0)
    ap.add_argument('--neck', type=int, default=64)
    ap.add_argument('--epochs', type=int, default=10)
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--lr', type=float, default=3e-3)
    ap.add_argument('--limit', type=int, default=None, help='use only the first N training images (smoke runs)')
    ap.add_argument('--epoch-size', type=int, default=None,
                    help='images an epoch draws at random from all folders (default: all of them)')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--log-every', type=int, default=100, help='steps between progress lines')
    ap.add_argument('--init', type=Path, default=None,
                    help='start from a float ONNX export, or a checkpoint of a run that started from one (fine-tuning)')
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    random.seed(args.seed)
    rng = np.random.default_rng(args.seed)
    torch.set_num_threads(args.threads)
    parts = [build_cache(d, args.size) for d in args.data]
    images = Caches([p[0] for p in parts])
    boxes = [b for p in parts for b in p[1]]
    content = np.concatenate([p[2] for p in parts])
    n = len(boxes) if args.limit is None else min(args.limit, len(boxes))
    # channels-last: oneDNN's fastest layout for these convolutions on the CPU
    net = SignNet(len(CLASSES), args.width, args.neck).to(memory_format=torch.channels_last)
    if args.init is not None and args.init.suffix == '.pt':  # a checkpoint of an earlier fine-tuning run
        net.load_state_dict(torch.load(args.init, map_location='cpu')['model'])
    elif args.init is not None:
        load_onnx_weights(net, args.init)
    points, strides = grid_points(args.size)
    per_epoch = n if args.epoch_size is None else min(args.epoch_size, n)
    steps_per_epoch = per_epoch // args.batch
    total = steps_per_epoch * args.epochs
    warmup = min(300, total // 10)
    decay, no_decay = [], []
    for name, prm in net.named_parameters():
        (no_decay if prm.ndim <= 1 else decay).append(prm)
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': 1e-4}, {'params': no_decay, 'weight_decay': 0}],
                            lr=args.lr)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warmup if s < warmup else 0.5 * (1 + math.cos(math.pi * (s - warmup) / (total - warmup))))
    print(f'{n} images, {per_epoch} an epoch, {args.epochs} epochs, {total} steps of {args.batch}; '
          f'params {sum(p.numel() for p in net.parameters())}', flush=True)
    t0 = time.time()
    step = 0
    run_cls = run_box = 0.0
    for epoch in range(args.epochs):
        net.train()
        if args.init is not None:
            freeze_batchnorm(net)
        order = rng.permutation(n)[:per_epoch]
        for x, targets in batches(images, boxes, content, order, args.batch, rng):
            loss, lc, lb = loss_fn(net(x), targets, points, strides, args.size, len(CLASSES))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 10.0)
            opt.step()
            sched.step()
            step += 1
            run_cls += lc
            run_box += lb
            if step % args.log_every == 0:
                el = time.time() - t0
                print(f'epoch {epoch + 1}/{args.epochs} step {step}/{total} cls {run_cls / args.log_every:.3f} '
                      f'box {run_box / args.log_every:.3f} lr {sched.get_last_lr()[0]:.2e} '
                      f'{step * args.batch / el:.0f} img/s, eta {el / step * (total - step) / 60:.1f} min', flush=True)
                run_cls = run_box = 0.0
        arch = {'width': args.width, 'neck': args.neck}
        state = {'model': net.state_dict(), 'arch': arch, 'size': size_name(args.size), 'epoch': epoch + 1}
        torch.save(state, args.out)
        torch.save(state, args.out.with_name(f'{args.out.stem}-e{epoch + 1}{args.out.suffix}'))
        if epoch + 1 in (args.epochs // 2, args.epochs) or args.epochs <= 2:
            m, _, k, _ = evaluate(net, args.test, args.size, limit=300 if epoch + 1 < args.epochs else None)
            print(f'epoch {epoch + 1}: mAP@0.5 {m:.4f} on {k} test images; {(time.time() - t0) / 60:.1f} min',
                  flush=True)
    print(f'training wall time {(time.time() - t0) / 60:.1f} min (including evaluation)', flush=True)


if __name__ == '__main__':
    main()
