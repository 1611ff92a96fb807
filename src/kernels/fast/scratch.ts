/**
 * Byte offsets in the wasm module's shared scratch area, handed out in order, each region
 * 64-byte aligned with 64 bytes of slack: the passes read and write up to 16 bytes (32 for i16
 * rows) past a row's end, which must land in memory the plan owns.
 */
export class ScratchLayout {
  #size = 0;

  /** Reserves `bytes` and returns the region's offset from the scratch base. */
  take(bytes: number): number {
    const at = this.#size;
    this.#size += Math.ceil((bytes + 64) / 64) * 64;
    return at;
  }

  /** Total bytes reserved so far. */
  get size(): number {
    return this.#size;
  }
}
