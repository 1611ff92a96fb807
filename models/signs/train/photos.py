"""Gather the real photographs that training draws on, from Debian packages installed on this machine.

Two pools, written under OUT:

- `train/` and `heldout/`: photographs (wallpapers, puzzle photos, tuxpaint's photo starters), each
  resized to at most 1024 px on its long side. Near-duplicates (one wallpaper at several
  resolutions) are grouped by a small perceptual hash and go to the same pool, so a held-out photo
  is never seen in training at another size. About a quarter of the groups are held out.
- `objects/`: tuxpaint's photo stamps (RGBA cut-outs: animals, food, coins, tools, vehicles, ...),
  pasted into scenes as objects that are not signs. Its road-sign stamps are left out.

`sources.tsv` lists every file with its Debian package and original path (licences: see
MODEL_CARD.md). Debian's opencv-doc images are never read: they are kept for an independent
evaluation of the model.

    apt-get install plasma-workspace-wallpapers mate-backgrounds ukui-wallpapers gnome-backgrounds \
        lomiri-wallpapers lomiri-wallpapers-16.04 lomiri-wallpapers-20.04 sway-backgrounds \
        palapeli-data tuxpaint-data tuxpaint-stamps-default
    /usr/bin/python3 models/signs/train/photos.py /tmp/signs/photos
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
from pathlib import Path

import cv2
import numpy as np

PHOTO_ROOTS = ['/usr/share/backgrounds', '/usr/share/wallpapers', '/usr/share/palapeli', '/usr/share/tuxpaint/starters']
STAMP_ROOT = '/usr/share/tuxpaint/stamps'
EXTENSIONS = {'.jpg', '.jpeg', '.png', '.webp'}
# Anything that is or shows a sign must not become a "not a sign" example.
EXCLUDE = ('opencv', 'roadsign', 'road_sign', 'traffic', 'stop', 'sign', 'screenshot', '/doc/')
HELD_OUT_SHARE = 0.25
MAX_SIDE = 1024


def package_of(path: str) -> str:
    out = subprocess.run(['dpkg', '-S', path], capture_output=True, text=True)
    return out.stdout.split(':')[0] if out.returncode == 0 else 'unknown'


def candidates(root: str) -> list[Path]:
    files = [p for p in Path(root).rglob('*') if p.suffix.lower() in EXTENSIONS and p.is_file()]
    files = [p for p in files if not any(x in str(p).lower() for x in EXCLUDE)]
    # KDE wallpapers come as NAME/contents/images/WxH.ext: keep the largest of each
    best: dict[str, Path] = {}
    for p in sorted(files):
        key = str(p.parent) if p.parent.name in ('images', 'images_dark') else str(p)
        if key not in best or p.stat().st_size > best[key].stat().st_size:
            best[key] = p
    return sorted(best.values())


def looks_like_photo(img: np.ndarray) -> bool:
    """Photographs and painted wallpapers have many colours and some texture; flat art and plain gradients do not."""
    small = cv2.resize(img, (128, 128), interpolation=cv2.INTER_AREA)
    colours = len(np.unique((small // 8).reshape(-1, 3), axis=0))
    edges = cv2.Laplacian(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), cv2.CV_32F).std()
    return colours > 120 and edges > 2


def dhash(img: np.ndarray) -> int:
    g = cv2.resize(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), (9, 8), interpolation=cv2.INTER_AREA)
    bits = (g[:, 1:] > g[:, :-1]).flatten()
    return int(''.join('1' if b else '0' for b in bits), 2)


def fit(img: np.ndarray, side: int) -> np.ndarray:
    h, w = img.shape[:2]
    s = side / max(h, w)
    if s >= 1:
        return img
    return cv2.resize(img, (int(round(w * s)), int(round(h * s))), interpolation=cv2.INTER_AREA)


def held_out(group_hash: int) -> bool:
    digest = hashlib.sha1(str(group_hash).encode()).digest()
    return digest[0] < 256 * HELD_OUT_SHARE


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('out', type=Path)
    args = ap.parse_args()
    for sub in ('train', 'heldout', 'objects'):
        (args.out / sub).mkdir(parents=True, exist_ok=True)
    rows = ['file\tpackage\tsource']
    groups: list[tuple[int, str]] = []  # (hash, pool) of each kept group
    counts = {'train': 0, 'heldout': 0, 'objects': 0, 'not a photo': 0, 'duplicate': 0}
    for root in PHOTO_ROOTS:
        for p in candidates(root):
            img = cv2.imread(str(p), cv2.IMREAD_COLOR)
            if img is None or min(img.shape[:2]) < 240:
                continue
            if not looks_like_photo(img):
                counts['not a photo'] += 1
                continue
            h = dhash(img)
            near = [g for g in groups if bin(g[0] ^ h).count('1') <= 8]
            if near:
                counts['duplicate'] += 1
                continue  # the same picture at another size or crop: one copy is enough
            pool = 'heldout' if held_out(h) else 'train'
            groups.append((h, pool))
            name = f'{pool}/{len(groups):04d}.jpg'
            cv2.imwrite(str(args.out / name), fit(img, MAX_SIDE), [cv2.IMWRITE_JPEG_QUALITY, 92])
            rows.append(f'{name}\t{package_of(str(p))}\t{p}')
            counts[pool] += 1
    stamps = [p for p in Path(STAMP_ROOT).rglob('*.png') if not any(x in str(p).lower() for x in EXCLUDE)]
    for p in sorted(stamps):
        img = cv2.imread(str(p), cv2.IMREAD_UNCHANGED)
        if img is None or img.ndim != 3 or img.shape[2] != 4 or min(img.shape[:2]) < 48:
            continue
        if not looks_like_photo(img[..., :3]):
            continue  # drawn stamps: the procedural distractors already cover flat art
        counts['objects'] += 1
        name = f'objects/{counts["objects"]:04d}.png'
        cv2.imwrite(str(args.out / name), fit(img, 400))
        rows.append(f'{name}\t{package_of(str(p))}\t{p}')
    (args.out / 'sources.tsv').write_text('\n'.join(rows) + '\n')
    print(', '.join(f'{k} {v}' for k, v in counts.items()))


if __name__ == '__main__':
    main()
