import { type ConfigProblem, checkConfig, formatProblems, formatWarnings } from '../config/index.js';
import { checkCamerasStart } from '../daemon/startup-check.js';

/**
 * `edgecam config check [FILE]`: every problem at once, or a one-line summary of a good config.
 * Environment overrides (EDGECAM_*) are checked too, since they are part of what would run; so
 * is what run checks when it starts the cameras (models, label filters, file sources), and what
 * depends on the machine (a device not plugged in) is a warning that does not fail the check.
 * The config's own warnings (a chain too slow for its camera) come back apart, for stderr.
 */
export async function checkConfigCommand(
  file: string | undefined,
): Promise<{ ok: boolean; output: string; warnings?: string }> {
  const check = await checkConfig(file === undefined ? {} : { file });
  if (check.config === undefined) {
    return { ok: false, output: `${formatProblems(check.problems, check.source)}\n` };
  }
  const configWarnings = check.warnings ?? [];
  const slow =
    configWarnings.length > 0 ? { warnings: `${formatWarnings(configWarnings, check.source)}\n` } : {};
  const { problems, warnings } = await checkCamerasStart(check.config);
  if (problems.length > 0) {
    const report = `${formatProblems(problems, check.source)}\n`;
    return {
      ok: false,
      output: warnings.length > 0 ? `${report}\n${formatStartWarnings(warnings, check.source)}` : report,
      ...slow,
    };
  }
  const cameras = check.config.cameras.map(
    (c) => `${c.id} (${c.source.kind} ${c.width}x${c.height} @ ${c.fps} fps)`,
  );
  return {
    ok: true,
    output:
      formatStartWarnings(warnings, check.source) +
      `${check.source}: ok, ${cameras.length} camera(s)${cameras.length > 0 ? `: ${cameras.join(', ')}` : ''}\n`,
    ...slow,
  };
}

/** What a camera's start would retry (a device not plugged in), in the problems' format, under its own heading. */
function formatStartWarnings(warnings: readonly ConfigProblem[], source: string): string {
  if (warnings.length === 0) return '';
  const count = warnings.length === 1 ? '1 warning' : `${warnings.length} warnings`;
  // formatProblems' first line counts problems; the blocks after it are what a warning shows too.
  const blocks = formatProblems(warnings, source).split('\n').slice(1).join('\n');
  return `${count} in ${source} (edgecam run starts anyway, and retries these cameras until they can start):\n${blocks}\n\n`;
}
