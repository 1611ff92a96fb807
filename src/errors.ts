/**
 * The catalogue of errors a user can cause. Each has a stable code (documented in the
 * README, which a test checks) and a message that says what was wrong and what to do.
 */
export const ERROR_CODES = {
  EDGECAM_ERR_CONFIG: 'The configuration file or an override is invalid.',
  EDGECAM_ERR_CONFIG_READ: 'The configuration file cannot be read or parsed as YAML.',
  EDGECAM_ERR_KERNEL: 'A kernel definition is invalid (shape, weights, name).',
  EDGECAM_ERR_KERNEL_UNKNOWN: 'A kernel name is not in the library.',
  EDGECAM_ERR_OUTPUT_SIZE: 'Input size, kernel size, padding and stride do not give a whole output size.',
  EDGECAM_ERR_ARGUMENT: 'A function or command was called with an invalid argument.',
  EDGECAM_ERR_IMAGE_READ: 'An image file cannot be read or decoded.',
  EDGECAM_ERR_IMAGE_WRITE: 'An output image file cannot be written.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An error a user can cause: a stable `code` and a message that says what to do. */
export class EdgecamError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EdgecamError';
    this.code = code;
  }
}

/** True when `err` is an EdgecamError, optionally with the given code. */
export function isEdgecamError(err: unknown, code?: ErrorCode): err is EdgecamError {
  return err instanceof EdgecamError && (code === undefined || err.code === code);
}
