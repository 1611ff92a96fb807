import { type CheckResult, STATUSES, type Status } from './check.js';

/**
 * The doctor's report: for people, one line per check (status, name, what was found) with a
 * `fix:` line under each warning and failure, then the counts; for programs, the same as JSON.
 */

export interface DoctorReport {
  /** The config file the checks read. */
  readonly config: string;
  /** True when no check failed (the command exits 0). */
  readonly ok: boolean;
  readonly counts: Readonly<Record<Status, number>>;
  readonly checks: readonly CheckResult[];
}

const STATUS_WIDTH = 6;
const NAME_WIDTH = 13;

/**
 * The report of a run of checks.
 * @example doctorReport('config/default.yaml', results).ok
 */
export function doctorReport(config: string, checks: readonly CheckResult[]): DoctorReport {
  const counts = Object.fromEntries(
    STATUSES.map((s) => [s, checks.filter((c) => c.status === s).length]),
  ) as Record<Status, number>;
  return { config, ok: counts.fail === 0, counts, checks };
}

/**
 * The report as text, one line per check.
 * @example process.stdout.write(formatReport(report))
 */
export function formatReport(report: DoctorReport): string {
  const lines = [`edgecam doctor, with ${report.config}:`];
  for (const check of report.checks) {
    lines.push(`${check.status.padEnd(STATUS_WIDTH)}${check.name.padEnd(NAME_WIDTH)}${check.found}`);
    if (check.fix !== undefined) lines.push(`${' '.repeat(STATUS_WIDTH + NAME_WIDTH)}fix: ${check.fix}`);
  }
  const { ok, warn, fail } = report.counts;
  lines.push(
    `${ok} ok, ${warn} warning${warn === 1 ? '' : 's'}, ${fail} failed${fail > 0 ? ': edgecam run needs the failed ones fixed' : ''}`,
  );
  return `${lines.join('\n')}\n`;
}
