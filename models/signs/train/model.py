"""SignNet: a small anchor-free detector whose ONNX output is the YOLOv8 layout [1, 4+C, N].

Backbone: a 3x3 stride-2 stem, then plain 3x3 convolutions (stride 2 at the start of each stage)
with BatchNorm and ReLU only (quantises cleanly; SiLU/HardSwish do not). Plain convolutions rather
than MobileNet's depthwise-separable blocks: int8 kernels (ONNX Runtime's u8s8 GEMM, NPUs) run dense
convolutions several times faster than float, but depthwise ones were slower in int8 than in float
on ONNX Runtime's CPU provider, which made an int8 MobileNet no faster than its float original.
Neck: a top-down FPN over strides 8, 16, 32. Head per level: one 3x3 convolution, then a 1x1 conv
for class logits and one for box distances (FCOS-style left/top/right/bottom, exp-encoded, in
stride units).

The export wrapper decodes to what Ultralytics exports emit: rows 0-3 are box centre x, centre y,
width, height in input pixels; rows 4.. are per-class scores after sigmoid; N runs over every
cell of every level, stride 8 first, row-major within a level.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

STRIDES = (8, 16, 32)


def input_wh(size) -> tuple[int, int]:
    """An input size as (width, height): a square's side (384), a 'WxH' string or a (w, h) pair."""
    if isinstance(size, str):
        w, _, h = size.partition('x')
        return int(w), int(h or w)
    if isinstance(size, (tuple, list)):
        return int(size[0]), int(size[1])
    return int(size), int(size)


def size_name(size) -> str:
    """'384' for a square input, '448x336' otherwise (cache file names, metadata)."""
    w, h = input_wh(size)
    return str(w) if w == h else f'{w}x{h}'


def conv_bn(cin, cout, k=3, s=1):
    return nn.Sequential(
        nn.Conv2d(cin, cout, k, s, k // 2, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
    )


class SignNet(nn.Module):
    def __init__(self, num_classes: int, width: float = 1.0, neck: int = 64):
        super().__init__()
        c = [int(round(v * width)) for v in (16, 32, 64, 96, 128)]
        self.num_classes = num_classes
        self.stem = conv_bn(3, c[0], 3, 2)  # /2
        self.stage2 = nn.Sequential(conv_bn(c[0], c[1], 3, 2))  # /4
        self.stage3 = nn.Sequential(conv_bn(c[1], c[2], 3, 2), conv_bn(c[2], c[2]))  # /8
        self.stage4 = nn.Sequential(conv_bn(c[2], c[3], 3, 2), conv_bn(c[3], c[3]))  # /16
        self.stage5 = nn.Sequential(conv_bn(c[3], c[4], 3, 2))  # /32
        self.lat = nn.ModuleList([conv_bn(ch, neck, 1) for ch in (c[2], c[3], c[4])])
        self.tower = nn.ModuleList([conv_bn(neck, neck) for _ in STRIDES])
        self.cls = nn.ModuleList([nn.Conv2d(neck, num_classes, 1) for _ in STRIDES])
        self.reg = nn.ModuleList([nn.Conv2d(neck, 4, 1) for _ in STRIDES])
        for conv in self.cls:
            nn.init.normal_(conv.weight, std=0.01)
            nn.init.constant_(conv.bias, -4.6)  # sigmoid prior 0.01: few cells hold a sign
        for conv in self.reg:
            nn.init.normal_(conv.weight, std=0.01)
            nn.init.constant_(conv.bias, 0.0)

    def levels(self, x):
        """Per level (stride 8, 16, 32): (class logits [B, C, H, W], box logits [B, 4, H, W])."""
        x = self.stem(x)
        x = self.stage2(x)
        c3 = self.stage3(x)
        c4 = self.stage4(c3)
        c5 = self.stage5(c4)
        p5 = self.lat[2](c5)
        p4 = self.lat[1](c4) + F.interpolate(p5, scale_factor=2.0, mode='nearest')
        p3 = self.lat[0](c3) + F.interpolate(p4, scale_factor=2.0, mode='nearest')
        out = []
        for i, p in enumerate((p3, p4, p5)):
            t = self.tower[i](p)
            out.append((self.cls[i](t), self.reg[i](t)))
        return out

    def forward(self, x):
        return self.levels(x)


def grid_points(size, device=None):
    """Cell centres of every level, concatenated: (points [N, 2] in input pixels, stride [N])."""
    w, h = input_wh(size)
    pts, strides = [], []
    for s in STRIDES:
        nw, nh = w // s, h // s
        ys, xs = torch.meshgrid(torch.arange(nh, device=device), torch.arange(nw, device=device), indexing='ij')
        p = torch.stack([xs.reshape(-1), ys.reshape(-1)], 1).float() * s + s / 2
        pts.append(p)
        strides.append(torch.full((nw * nh,), float(s), device=device))
    return torch.cat(pts), torch.cat(strides)


def flatten(levels):
    """Concatenate per-level outputs: (class logits [B, N, C], box logits [B, N, 4])."""
    cls = torch.cat([c.flatten(2) for c, _ in levels], 2).transpose(1, 2)
    reg = torch.cat([r.flatten(2) for _, r in levels], 2).transpose(1, 2)
    return cls, reg


def decode_ltrb(reg, points, strides):
    """Box logits [B, N, 4] -> boxes x1, y1, x2, y2 [B, N, 4] in input pixels."""
    d = torch.exp(reg.clamp(max=8.0)) * strides[None, :, None]
    return torch.cat([points[None] - d[..., :2], points[None] + d[..., 2:]], -1)


class YoloLayout(nn.Module):
    """Export wrapper: image [1, 3, H, W] RGB 0..1 -> [1, 4+C, N] as an Ultralytics YOLOv8 export.

    The decode is written with ops that stay static and ONNX-simple (Exp, Mul, Add, MatMul, Concat,
    Sigmoid) so a QDQ quantiser can leave it float after the last convolutions.
    """

    def __init__(self, net: SignNet, size):
        super().__init__()
        self.net = net
        pts, strides = grid_points(size)
        # [4, N]: (x, y, 0, 0), added after the distances are mixed into centre/size
        self.register_buffer('offset', torch.cat([pts.t(), torch.zeros(2, pts.shape[0])], 0)[None])
        self.register_buffer('stride', strides[None, None, :])
        # cx = x + (r - l)/2, cy = y + (b - t)/2, w = l + r, h = t + b, for d = (l, t, r, b)
        mix = torch.tensor([[-0.5, 0, 0.5, 0], [0, -0.5, 0, 0.5], [1, 0, 1, 0], [0, 1, 0, 1]])
        self.register_buffer('mix', mix)

    def forward(self, x):
        levels = self.net.levels(x)
        # constant target shapes (batch 1) keep Shape/Slice/Gather out of the graph
        cls = torch.cat([c.reshape(1, self.net.num_classes, -1) for c, _ in levels], 2)  # [1, C, N]
        reg = torch.cat([r.reshape(1, 4, -1) for _, r in levels], 2)  # [1, 4, N]
        d = torch.exp(reg) * self.stride
        box = torch.matmul(self.mix, d) + self.offset
        return torch.cat([box, torch.sigmoid(cls)], 1)


def fold_batchnorm(model: nn.Module) -> nn.Module:
    """Fold every Conv2d + BatchNorm2d pair into the conv (in place) so the graph has no BN."""
    for name, child in model.named_children():
        if isinstance(child, nn.Sequential):
            layers = list(child.children())
            for i in range(len(layers) - 1):
                conv, bn = layers[i], layers[i + 1]
                if isinstance(conv, nn.Conv2d) and isinstance(bn, nn.BatchNorm2d):
                    scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
                    fused = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride,
                                      conv.padding, groups=conv.groups, bias=True)
                    fused.weight.data = conv.weight.data * scale.reshape(-1, 1, 1, 1)
                    bias = conv.bias.data if conv.bias is not None else torch.zeros_like(bn.running_mean)
                    fused.bias.data = (bias - bn.running_mean) * scale + bn.bias
                    child[i] = fused
                    child[i + 1] = nn.Identity()
        fold_batchnorm(child)
    return model


def count_macs(model: nn.Module, size) -> int:
    """Multiply-accumulates of the convolutions for one [1, 3, H, W] image."""
    total = 0

    def hook(m, inp, out):
        nonlocal total
        k = m.kernel_size[0] * m.kernel_size[1] * (m.in_channels // m.groups)
        total += out.numel() * k

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, nn.Conv2d)]
    with torch.no_grad():
        model.eval()
        w, h = input_wh(size)
        model(torch.zeros(1, 3, h, w))
    for h in handles:
        h.remove()
    return total
