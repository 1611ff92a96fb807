import type { Uint8Policy } from '../types.js';

/**
 * How a wasm pass turns its sums into bytes (src/kernels/wasm/assembly/output.ts):
 * mode 0 clamp, 1 abs, 2 floor(v * a + bias), 3 floor(|v| * a + bias), all saturated to 0..255.
 */
export interface OutputMode {
  readonly mode: 0 | 1 | 2 | 3;
  readonly a: number;
  readonly bias: number;
}

/**
 * The output mode for sums that equal `unit` times the filtered value under `policy`; `plain`
 * false forces the affine modes (u16 sums, which modes 0 and 1 would read as signed).
 * `scale` policies without numbers have no fixed mode (they stretch each image): undefined.
 * @example outputMode({ kind: 'abs' }, 1 / 9, true) // { mode: 3, a: 1/9, bias: 0.5 }
 */
export function outputMode(policy: Uint8Policy, unit: number, plain: boolean): OutputMode | undefined {
  switch (policy.kind) {
    case 'clamp':
      return unit === 1 && plain ? { mode: 0, a: 1, bias: 0 } : { mode: 2, a: unit, bias: 0.5 };
    case 'abs':
      return unit === 1 && plain ? { mode: 1, a: 1, bias: 0 } : { mode: 3, a: unit, bias: 0.5 };
    case 'scale': {
      if (policy.scale === undefined && policy.offset === undefined) return undefined;
      return { mode: 2, a: unit * (policy.scale ?? 1), bias: (policy.offset ?? 0) + 0.5 };
    }
  }
}

/**
 * The output mode of a pass that rounds its fixed-point sums itself (symmetric5, Q15): clamp and
 * abs read the rounded value as is; the affine modes still take `unit` (what one sum step is worth).
 * @example roundingPassMode({ kind: 'clamp' }, 1 / 64) // { mode: 0, a: 1, bias: 0 }
 */
export function roundingPassMode(policy: Uint8Policy, unit: number): OutputMode | undefined {
  if (policy.kind === 'clamp') return { mode: 0, a: 1, bias: 0 };
  if (policy.kind === 'abs') return { mode: 1, a: 1, bias: 0 };
  return outputMode(policy, unit, false);
}

/**
 * The factor by which the policy multiplies errors in the filtered value.
 * @example policyGain({ kind: 'scale', scale: 2, offset: 128 }) // 2
 */
export function policyGain(policy: Uint8Policy): number {
  return policy.kind === 'scale' ? Math.abs(policy.scale ?? 1) : 1;
}
