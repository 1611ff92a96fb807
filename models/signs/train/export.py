"""Export a trained SignNet checkpoint to ONNX in the YOLOv8 layout, BatchNorm folded.

Input `images` [1, 3, S, S] float32 RGB 0..1 (letterboxed); output `output0` [1, 4+C, N]: rows 0-3
box centre x, centre y, width, height in input pixels; rows 4.. class scores after sigmoid.
Opset 13, static shapes. Also writes a probe input and the PyTorch output for it (raw float32
little-endian), which check_onnx.mjs compares with ONNX Runtime's answer.

    /usr/bin/python3 models/signs/train/export.py /tmp/signs/ckpt.pt models/signs/model.float.onnx
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import onnx
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from model import SignNet, YoloLayout, count_macs, fold_batchnorm, input_wh  # noqa: E402
from signs import CLASSES, letterbox, read_rgb  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('checkpoint', type=Path)
    ap.add_argument('out', type=Path)
    ap.add_argument('--probe', type=Path, default=None, help='an image for the probe (default: random noise)')
    ap.add_argument('--probe-dir', type=Path, default=Path('/tmp/signs/probe'))
    ap.add_argument('--size', type=input_wh, default=None,
                    help="input size, 384 or 448x336 (default: the one it was trained at)")
    args = ap.parse_args()
    ck = torch.load(args.checkpoint, map_location='cpu')
    size = input_wh(args.size or ck['size'])
    w_in, h_in = size
    net = SignNet(len(CLASSES), **ck['arch'])
    net.load_state_dict(ck['model'])
    net.eval()
    params_before = sum(p.numel() for p in net.parameters())
    fold_batchnorm(net)
    net = net.to(memory_format=torch.contiguous_format)
    macs = count_macs(net, size)
    params = sum(p.numel() for p in net.parameters())
    wrapped = YoloLayout(net, size).eval()
    if args.probe:
        lb, *_ = letterbox(read_rgb(args.probe), size)
        x = torch.from_numpy(lb).permute(2, 0, 1)[None].float() / 255.0
    else:
        x = torch.from_numpy(np.random.default_rng(0).random((1, 3, h_in, w_in), dtype=np.float32))
    with torch.no_grad():
        expected = wrapped(x)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(wrapped, x, str(args.out), opset_version=13, input_names=['images'],
                      output_names=['output0'], do_constant_folding=True)
    model = onnx.load(str(args.out))
    # The metadata Ultralytics exports carry, so tools that read YOLO exports read this one too.
    meta = {
        'description': 'edgecam SignNet road-sign detector (synthetic data)',
        'task': 'detect',
        'imgsz': f'[{h_in}, {w_in}]',  # Ultralytics order: height, width
        'stride': '32',
        'names': '{' + ', '.join(f"{i}: '{n}'" for i, n in enumerate(CLASSES)) + '}',
    }
    for k, v in meta.items():
        p = model.metadata_props.add()
        p.key, p.value = k, v
    model.producer_name = 'edgecam models/signs/train/export.py'
    onnx.checker.check_model(model)
    onnx.save(model, str(args.out))
    ops: dict[str, int] = {}
    for node in model.graph.node:
        ops[node.op_type] = ops.get(node.op_type, 0) + 1
    args.probe_dir.mkdir(parents=True, exist_ok=True)
    x.numpy().astype('<f4').tofile(args.probe_dir / 'input.f32')
    expected.numpy().astype('<f4').tofile(args.probe_dir / 'expected.f32')
    print(f'wrote {args.out}: {args.out.stat().st_size} bytes, output {list(expected.shape)}')
    print(f'parameters {params} (before BatchNorm folding {params_before}), MACs {macs / 1e6:.1f} M')
    print('ops ' + ', '.join(f'{k} {v}' for k, v in sorted(ops.items())))
    print(f'probe written to {args.probe_dir}: compare with node models/signs/train/check_onnx.mjs')


if __name__ == '__main__':
    main()
