/**
 * Connected regions of a 0/1 grid as bounding boxes, by two-pass labelling with union-find
 * (8-connected): the first pass gives each set pixel the smallest label of its already-seen
 * neighbours and joins the labels it touches, the second resolves each label to its root and
 * grows that root's box. Buffers are allocated once per grid size; a frame allocates only the
 * boxes it returns.
 */

/** A region in grid pixels: its bounding box (inclusive corners) and its pixel count. */
export interface GridRegion {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
  readonly area: number;
}

/**
 * @example const labeller = new RegionLabeller(160, 90); const regions = labeller.regions(mask, 8)
 */
export class RegionLabeller {
  readonly #labels: Int32Array;
  readonly #parent: Int32Array;
  readonly #box: Int32Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    const n = width * height;
    this.#labels = new Int32Array(n);
    // At most one new label per two pixels of a row (8-connected runs), plus label 0 for "none".
    this.#parent = new Int32Array(Math.ceil(n / 2) + 2);
    this.#box = new Int32Array(this.#parent.length * 5);
  }

  /** The regions of `grid` (nonzero = set) with at least `minArea` pixels, largest first. */
  regions(grid: Uint8Array, minArea: number): GridRegion[] {
    const count = this.#firstPass(grid);
    const { width: W, height: H } = this;
    const labels = this.#labels;
    const box = this.#box;
    for (let r = 1; r < count; r++) {
      const b = r * 5;
      box[b] = W;
      box[b + 1] = H;
      box[b + 2] = -1;
      box[b + 3] = -1;
      box[b + 4] = 0;
    }
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const l = labels[y * W + x]!;
        if (l === 0) continue;
        const b = this.#find(l) * 5;
        if (x < box[b]!) box[b] = x;
        if (y < box[b + 1]!) box[b + 1] = y;
        if (x > box[b + 2]!) box[b + 2] = x;
        if (y > box[b + 3]!) box[b + 3] = y;
        box[b + 4]!++;
      }
    }
    const out: GridRegion[] = [];
    for (let r = 1; r < count; r++) {
      const b = r * 5;
      const area = box[b + 4]!;
      if (area === 0 || area < minArea) continue;
      out.push({ x0: box[b]!, y0: box[b + 1]!, x1: box[b + 2]!, y1: box[b + 3]!, area });
    }
    return out.sort((a, b) => b.area - a.area);
  }

  /** Provisional labels with their unions; returns the next unused label. */
  #firstPass(grid: Uint8Array): number {
    const { width: W, height: H } = this;
    const labels = this.#labels;
    const parent = this.#parent;
    let next = 1;
    for (let y = 0; y < H; y++) {
      const row = y * W;
      for (let x = 0; x < W; x++) {
        const i = row + x;
        if (grid[i] === 0) {
          labels[i] = 0;
          continue;
        }
        // The neighbours already labelled: left, and the three above.
        const left = x > 0 ? labels[i - 1]! : 0;
        const upLeft = y > 0 && x > 0 ? labels[i - W - 1]! : 0;
        const up = y > 0 ? labels[i - W]! : 0;
        const upRight = y > 0 && x < W - 1 ? labels[i - W + 1]! : 0;
        let l = smallest(smallest(left, upLeft), smallest(up, upRight));
        if (l === 0) {
          l = next++;
          parent[l] = l;
        } else {
          if (left !== 0 && left !== l) this.#union(l, left);
          if (upLeft !== 0 && upLeft !== l) this.#union(l, upLeft);
          if (up !== 0 && up !== l) this.#union(l, up);
          if (upRight !== 0 && upRight !== l) this.#union(l, upRight);
        }
        labels[i] = l;
      }
    }
    return next;
  }

  #find(l: number): number {
    const parent = this.#parent;
    let root = l;
    while (parent[root] !== root) root = parent[root]!;
    // Path compression: later finds of the same chain take one step.
    while (parent[l] !== root) {
      const up = parent[l]!;
      parent[l] = root;
      l = up;
    }
    return root;
  }

  #union(a: number, b: number): void {
    const ra = this.#find(a);
    const rb = this.#find(b);
    if (ra < rb) this.#parent[rb] = ra;
    else if (rb < ra) this.#parent[ra] = rb;
  }
}

/** The smaller of two labels, 0 (none) counting as neither. */
function smallest(a: number, b: number): number {
  if (a === 0) return b;
  if (b === 0) return a;
  return Math.min(a, b);
}
