import type { Box } from './detection.js';

/**
 * What frame differencing found in one frame: the motion stage produces it, the pipeline gates
 * the model on it, the publish stage sends it. Declared once here, so that no stage needs
 * another's types.
 */
export interface MotionResult {
  /** Whether any region moved. */
  readonly moving: boolean;
  /** The moving regions, normalised to the frame, largest first. */
  readonly regions: readonly Box[];
  /** The share (0..1) of the frame's unmasked pixels that changed. */
  readonly share: number;
  /**
   * True when so much of the frame changed that no region can be told apart (the camera moved,
   * or the picture changed wholesale): `regions` is then the whole frame.
   */
  readonly global: boolean;
}

/** A frame with nothing moving. */
export const NO_MOTION: MotionResult = Object.freeze({ moving: false, regions: [], share: 0, global: false });
