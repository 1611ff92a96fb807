import * as z from 'zod';
import { ZONE_NAME_PATTERN } from './detection-schema.js';
import { onReload } from './reload-policy.js';

/**
 * A camera's counting lines: named segments in normalised frame coordinates that count the tracked
 * objects crossing them (src/pipeline/line-crossings.ts), with totals kept per line and label.
 */

/** Which crossings of a line count: both ways, or only `in` (from the left of from -> to to its right) or `out`. */
export const LINE_DIRECTIONS = ['both', 'in', 'out'] as const;
/** When a camera's totals start again from 0: at local midnight, or only on command. */
export const COUNT_RESETS = ['midnight', 'never'] as const;

const point = (end: 'from' | 'to') =>
  z
    .tuple([z.number(), z.number()])
    .describe(`the line's ${end} end [x, y]`)
    .superRefine((p, ctx) => {
      p.forEach((value, axis) => {
        if (value >= 0 && value <= 1) return;
        ctx.addIssue({
          code: 'custom',
          path: [axis],
          message: `${axis === 0 ? 'x' : 'y'} = ${value} is outside the frame: a line's ends are fractions of the frame from 0 to 1 (0, 0 is the top-left)`,
          params: {
            fix: `divide pixels by the frame's ${axis === 0 ? 'width' : 'height'}, e.g. ${axis === 0 ? 'x 320 of 640 px is 0.5' : 'y 120 of 480 px is 0.25'}`,
          },
        });
      });
    });

export const lineSchema = z
  .strictObject({
    from: point('from'),
    to: point('to'),
    direction: z.enum(LINE_DIRECTIONS).default('both'),
  })
  .superRefine((line, ctx) => {
    if (line.from[0] === line.to[0] && line.from[1] === line.to[1]) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `the line's ends are the same point [${line.from.join(', ')}]: nothing can cross it`,
        params: { fix: 'give to a point other than from, e.g. from: [0, 0.6], to: [1, 0.6]' },
      });
    }
  });

/** The keys a camera adds for counting (spread into the camera schema). A change restarts the camera (its topics and Home Assistant sensors follow). */
export const linesShape = {
  lines: onReload('camera', z.record(z.string().regex(ZONE_NAME_PATTERN), lineSchema).default({})),
  countsReset: onReload('camera', z.enum(COUNT_RESETS).default('midnight')),
};

export type LineConfig = z.infer<typeof lineSchema>;
