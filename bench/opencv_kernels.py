"""OpenCV side of `npm run bench:kernels`: times the same operations on the same raw frames.

Usage: /usr/bin/python3 bench/opencv_kernels.py CASES.json
CASES.json lists {id, file, width, height, channels, op, kernel?, size?, sigma?, out};
prints one JSON object {id: {"ms": median ms per call}} and writes each result to `out`.
Single-threaded (cv2.setNumThreads(1)) to compare with one wasm thread; borders are OpenCV's
default BORDER_REFLECT_101, edgecam's 'reflect'.
"""
import json
import sys
import time

import cv2
import numpy as np

cv2.setNumThreads(1)


def median_ms(fn, budget_s=0.4, max_runs=400):
    for _ in range(5):
        fn()
    times = []
    start = time.perf_counter()
    while len(times) < max_runs and (time.perf_counter() - start < budget_s or len(times) < 15):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return times[len(times) // 2]


def sobel_l1(gray):
    gx = cv2.convertScaleAbs(cv2.Sobel(gray, cv2.CV_16S, 1, 0))
    gy = cv2.convertScaleAbs(cv2.Sobel(gray, cv2.CV_16S, 0, 1))
    return cv2.add(gx, gy)


def main():
    cases = json.load(open(sys.argv[1]))
    result = {}
    for c in cases:
        raw = np.fromfile(c["file"], dtype=np.uint8)
        shape = (c["height"], c["width"]) if c["channels"] == 1 else (c["height"], c["width"], c["channels"])
        src = raw.reshape(shape)
        op = c["op"]
        if op == "filter2D":
            # filter2D correlates; edgecam convolves: flip the kernel to compute the same thing.
            k = np.array(c["kernel"], dtype=np.float32).reshape(c["size"], c["size"])[::-1, ::-1].copy()
            fn = lambda: cv2.filter2D(src, -1, k)
        elif op == "GaussianBlur":
            fn = lambda: cv2.GaussianBlur(src, (c["size"], c["size"]), c["sigma"])
        elif op == "SobelL1":
            if c["channels"] == 3:
                # edgecam's edge map turns RGB into 8-bit BT.601 gray first: time the same work.
                fn = lambda: sobel_l1(cv2.cvtColor(src, cv2.COLOR_RGB2GRAY))
            else:
                fn = lambda: sobel_l1(src)
        else:
            raise ValueError(op)
        out = fn()
        out.tofile(c["out"])
        result[c["id"]] = {"ms": median_ms(fn)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
