import { EdgecamError, firstLine } from '../errors.js';
import { loadBackendPlugin } from '../inference/backend-plugin.js';
import { type CheckResult, fail, ok, STATUSES } from './check.js';

/**
 * The backend plug-in `inference.backend` names: that it loads, then the lines of its own doctor
 * (the NPU present, its driver loaded), each named `backend <its name>`. Nothing when none is set.
 * @example await checkBackendPlugin('edgecam-backend-hailo', process.cwd())
 */
export async function checkBackendPlugin(name: string, cwd: string): Promise<CheckResult[]> {
  if (name === '') return [];
  let plugin: Awaited<ReturnType<typeof loadBackendPlugin>>;
  try {
    plugin = await loadBackendPlugin(name, cwd);
  } catch (err) {
    if (!(err instanceof EdgecamError)) throw err;
    // The message says what is wrong, then ". Fix: " and the fix.
    const [found, fix = 'see docs/backends.md'] = err.message.split('. Fix: ');
    return [fail('backend', found!, fix)];
  }
  const results = [ok('backend', `${plugin.name} (${name}) loads`)];
  if (plugin.doctor === undefined) return results;
  let checks: Awaited<ReturnType<NonNullable<typeof plugin.doctor>>>;
  try {
    checks = await plugin.doctor();
  } catch (err) {
    return [
      ...results,
      fail(
        'backend:doctor',
        `its doctor failed: ${firstLine(err)}`,
        `report this to the maintainers of ${name}`,
      ),
    ];
  }
  for (const check of checks) {
    const status = STATUSES.includes(check.status) ? check.status : 'fail';
    const name = `backend:${check.name.replace(/\s+/g, '-')}`;
    results.push(
      status === 'ok'
        ? ok(name, check.found)
        : { name, status, found: check.found, fix: check.fix ?? "see the backend package's README" },
    );
  }
  return results;
}
