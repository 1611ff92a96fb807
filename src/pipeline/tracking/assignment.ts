/**
 * Minimum-cost assignment (the Hungarian method, Kuhn-Munkres with potentials, O(n^2 m)) on a
 * dense row-major cost matrix, with every buffer kept between calls: the tracker solves three
 * small problems a frame and must not allocate for them. The formulation is the classic one with
 * row and column potentials (https://cp-algorithms.com/graph/hungarian-algorithm.html). The
 * tracker uses it rather than greedy IoU matching because two boxes that cross are where greedy
 * goes wrong: it hands the best pair first and leaves the other track the worse detection.
 */

const NONE = -1;

/**
 * Solves assignments of up to `rows` x `cols`; grows its buffers when a larger one comes.
 * @example const a = new Assignment(); a.solve(cost, 2, 3, match) // match[r] = column of row r, or -1
 */
export class Assignment {
  #u = new Float64Array(0);
  #v = new Float64Array(0);
  #minv = new Float64Array(0);
  #p = new Int32Array(0);
  #way = new Int32Array(0);
  #used = new Uint8Array(0);
  #transposed = new Float64Array(0);
  #colMatch = new Int32Array(0);

  /**
   * Writes into `match[r]` the column assigned to row r (or -1 when rows outnumber columns), for
   * the `rows` x `cols` costs `cost[r * cols + c]`, minimising their sum. Every row gets a column
   * while there are enough: gate infeasible pairs with a large cost and drop them afterwards.
   */
  solve(cost: Float64Array, rows: number, cols: number, match: Int32Array): void {
    match.fill(NONE, 0, rows);
    if (rows === 0 || cols === 0) return;
    if (rows <= cols) {
      this.#solve(cost, rows, cols, match);
      return;
    }
    // The method wants no more rows than columns: solve the transpose, then read it back.
    if (this.#transposed.length < rows * cols) this.#transposed = new Float64Array(rows * cols);
    const t = this.#transposed;
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = cost[r * cols + c]!;
    if (this.#colMatch.length < cols) this.#colMatch = new Int32Array(cols * 2);
    const colMatch = this.#colMatch;
    this.#solve(t, cols, rows, colMatch);
    for (let c = 0; c < cols; c++) if (colMatch[c]! >= 0) match[colMatch[c]!] = c;
  }

  #ensure(m: number): void {
    if (this.#v.length > m) return;
    const size = (m + 1) * 2;
    this.#v = new Float64Array(size);
    this.#minv = new Float64Array(size);
    this.#p = new Int32Array(size);
    this.#way = new Int32Array(size);
    this.#used = new Uint8Array(size);
  }

  /** n <= m; 1-based potentials u (rows) and v (columns), p[j] = the row holding column j. */
  #solve(a: Float64Array, n: number, m: number, match: Int32Array): void {
    this.#ensure(Math.max(n, m));
    if (this.#u.length <= n) this.#u = new Float64Array((n + 1) * 2);
    const u = this.#u;
    const v = this.#v;
    const p = this.#p;
    const way = this.#way;
    const minv = this.#minv;
    const used = this.#used;
    u.fill(0, 0, n + 1);
    v.fill(0, 0, m + 1);
    p.fill(0, 0, m + 1);
    way.fill(0, 0, m + 1);
    for (let i = 1; i <= n; i++) {
      p[0] = i;
      let j0 = 0;
      minv.fill(Number.POSITIVE_INFINITY, 0, m + 1);
      used.fill(0, 0, m + 1);
      do {
        used[j0] = 1;
        const i0 = p[j0]!;
        const row = (i0 - 1) * m - 1;
        let delta = Number.POSITIVE_INFINITY;
        let j1 = 0;
        for (let j = 1; j <= m; j++) {
          if (used[j] === 1) continue;
          const cur = a[row + j]! - u[i0]! - v[j]!;
          if (cur < minv[j]!) {
            minv[j] = cur;
            way[j] = j0;
          }
          if (minv[j]! < delta) {
            delta = minv[j]!;
            j1 = j;
          }
        }
        for (let j = 0; j <= m; j++) {
          if (used[j] === 1) {
            u[p[j]!]! += delta;
            v[j]! -= delta;
          } else minv[j]! -= delta;
        }
        j0 = j1;
      } while (p[j0] !== 0);
      do {
        const j1 = way[j0]!;
        p[j0] = p[j1]!;
        j0 = j1;
      } while (j0 !== 0);
    }
    for (let j = 1; j <= m; j++) if (p[j]! > 0) match[p[j]! - 1] = j - 1;
  }
}
