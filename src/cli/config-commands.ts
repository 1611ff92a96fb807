import { checkConfig, formatProblems, formatWarnings } from '../config/index.js';

/**
 * `edgecam config check [FILE]`: every problem at once, or a one-line summary of a good config.
 * Environment overrides (EDGECAM_*) are checked too, since they are part of what would run.
 */
export async function checkConfigCommand(
  file: string | undefined,
): Promise<{ ok: boolean; output: string; warnings?: string }> {
  const check = await checkConfig(file === undefined ? {} : { file });
  if (check.config === undefined) {
    return { ok: false, output: `${formatProblems(check.problems, check.source)}\n` };
  }
  const cameras = check.config.cameras.map(
    (c) => `${c.id} (${c.source.kind} ${c.width}x${c.height} @ ${c.fps} fps)`,
  );
  const warnings = check.warnings ?? [];
  return {
    ok: true,
    output: `${check.source}: ok, ${cameras.length} camera(s)${cameras.length > 0 ? `: ${cameras.join(', ')}` : ''}\n`,
    ...(warnings.length > 0 ? { warnings: `${formatWarnings(warnings, check.source)}\n` } : {}),
  };
}
