import { checkConfig } from '../config/index.js';
import {
  type CheckResult,
  type DoctorOptions,
  doctorReport,
  fail,
  formatReport,
  ok,
  runDoctor,
} from '../doctor/index.js';

/**
 * `edgecam doctor`: the config read as `config check` reads it (file, then EDGECAM_* variables),
 * then every check of the board against it; a text report or JSON, and ok when nothing failed.
 * `board` points the checks at other roots (tests).
 */
export async function doctorCommand(
  file: string | undefined,
  flags: { readonly json?: boolean },
  board: Partial<DoctorOptions> = {},
): Promise<{ ok: boolean; output: string }> {
  const check = await checkConfig(file === undefined ? {} : { file });
  const results = [configLine(check), ...(await runDoctor(check.config, board))];
  const report = doctorReport(check.source, results);
  return {
    ok: report.ok,
    output: flags.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report),
  };
}

function configLine(check: Awaited<ReturnType<typeof checkConfig>>): CheckResult {
  if (check.config === undefined) {
    const count = check.problems.length === 1 ? '1 problem' : `${check.problems.length} problems`;
    return fail(
      'config',
      `${check.source}: ${count}, so the disk, mqtt and http checks are left out`,
      `edgecam config check ${check.source} prints each problem with its fix`,
    );
  }
  const cameras = check.config.cameras.filter((c) => c.enabled).length;
  return ok('config', `${check.source}: valid, ${cameras} enabled camera${cameras === 1 ? '' : 's'}`);
}
