/**
 * Why a frame was skipped as corrupt, in one word: the `reason` label of
 * edgecam_frames_corrupt_total. Capture says which; health binds one series per kind at start-up.
 *
 * - `empty`: a file with no bytes.
 * - `truncated`: an image cut off before its end (a file half written, a frame cut short).
 * - `undecodable`: bytes that are not an image the decoder can read.
 * - `too_large`: more pixels than the limit (a file source's maxPixels), refused before decoding.
 * - `unreadable`: a file that could not be read (removed, no permission).
 */
export const CORRUPT_KINDS = ['empty', 'truncated', 'undecodable', 'too_large', 'unreadable'] as const;
export type CorruptKind = (typeof CORRUPT_KINDS)[number];
