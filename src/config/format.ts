import type { ConfigProblem } from './problem.js';

const MAX_VALUE_LENGTH = 80;

/**
 * Every problem as a block a maker can act on: what and where, then the fix.
 * @example formatProblems(problems, 'edgecam.yaml')
 * // 1 problem in edgecam.yaml:
 * //
 * // cameras[0].fpss: unknown key (value 10)
 * //   at edgecam.yaml:9:5
 * //   fix: did you mean "fps"?
 */
export function formatProblems(problems: readonly ConfigProblem[], source: string): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  const blocks = problems.map((p) => formatProblem(p, source));
  return [`${count} in ${source}:`, ...blocks].join('\n\n');
}

/**
 * Each warning as a block like a problem's, its first line starting with "warning: ".
 * @example formatWarnings(check.warnings, 'edgecam.yaml') // 'warning: cameras[0].preprocess: chain "blur" would take ...'
 */
export function formatWarnings(warnings: readonly ConfigProblem[], source: string): string {
  return warnings.map((w) => `warning: ${formatProblem(w, source)}`).join('\n\n');
}

function formatProblem(problem: ConfigProblem, source: string): string {
  const where = problem.path === '' ? '(config file)' : problem.path;
  const value = problem.value === undefined ? '' : ` (value ${formatValue(problem.value)})`;
  const lines = [`${where}: ${problem.message}${value}`];
  if (problem.origin !== undefined) lines.push(`  set by ${problem.origin}`);
  else if (problem.line !== undefined) lines.push(`  at ${source}:${problem.line}:${problem.column ?? 1}`);
  lines.push(`  fix: ${problem.fix}`);
  return lines.join('\n');
}

/**
 * A value as it would be written in YAML or JSON, shortened to one readable line.
 * @example formatValue('sme') // '"sme"'
 */
export function formatValue(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (value === null) text = 'null (empty)';
  else if (typeof value === 'object') {
    try {
      text = JSON.stringify(value);
    } catch {
      text = String(value);
    }
  } else text = String(value);
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}…` : text;
}
