/**
 * What a model found in a frame. `box` (detectors only) is normalised 0..1 to the original
 * frame, whatever resize the model's input needed: x, y is the top-left corner.
 */
export interface Detection {
  readonly label: string;
  readonly classId: number;
  readonly score: number;
  readonly box?: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
}
