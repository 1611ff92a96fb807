import { type Logger, pino } from 'pino';
import {
  type Config,
  ConfigError,
  configWarnings,
  DEFAULT_CONFIG_FILE,
  formatProblems,
  loadConfig,
} from '../config/index.js';
import { checkCamerasStart } from '../daemon/startup-check.js';
import { Daemon, type WhereToLook } from '../daemon.js';
import { EdgecamError, type ErrorCode, isEdgecamError } from '../errors.js';

/**
 * `edgecam run [--config FILE] [--set KEY=VALUE...]`: the daemon in the foreground, as systemd
 * runs it. SIGTERM and SIGINT stop it (exit 0 within 5 s), SIGHUP reloads the config file; a
 * config the daemon cannot start with exits 78 (EX_CONFIG), so that systemd's
 * RestartPreventExitStatus=78 does not restart it in a loop.
 */

/** sysexits.h EX_CONFIG. */
const EXIT_CONFIG = 78;
/** After a stop signal, exit by this time whatever still hangs: inside the 5 s stop budget, itself well inside the unit's TimeoutStopSec=15. */
const FORCE_EXIT_MS = 4500;

/** Start-up errors that only a config change fixes (the config names the model, the labels, the accelerator). */
const CONFIG_CAUSED: readonly ErrorCode[] = [
  'EDGECAM_ERR_CONFIG',
  'EDGECAM_ERR_CONFIG_READ',
  'EDGECAM_ERR_CONFIG_LABEL',
  'EDGECAM_ERR_MODEL_READ',
  'EDGECAM_ERR_MODEL_MANIFEST',
  'EDGECAM_ERR_MODEL_MISMATCH',
  'EDGECAM_ERR_MODEL_LABELS',
  'EDGECAM_ERR_MODEL_OPERATOR',
  'EDGECAM_ERR_ACCELERATOR',
];

/**
 * Parses `--set` flags (`http.port=9000`) into config overrides.
 * @example parseSets(['http.port=9000']) // { 'http.port': '9000' }
 */
export function parseSets(sets: readonly string[]): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const set of sets) {
    const eq = set.indexOf('=');
    if (eq <= 0) {
      throw new EdgecamError(
        'EDGECAM_ERR_ARGUMENT',
        `--set "${set}" is not KEY=VALUE: write a key path and a value, e.g. --set http.port=9000`,
      );
    }
    overrides[set.slice(0, eq)] = set.slice(eq + 1);
  }
  return overrides;
}

/** How `edgecam run` talks to a person, besides its JSON logs. */
export interface RunOptions {
  /**
   * Print where to look (the live-view URL, a mosquitto_sub command) as two plain lines on stdout
   * before the JSON logs, once both servers are up. `npm start` asks for it; systemd does not, so
   * the journal holds only JSON lines.
   */
  readonly announce?: boolean;
}

/**
 * Runs the daemon until a stop signal; resolves with the exit code.
 * @example process.exitCode = await runCommand('/etc/edgecam/config.yaml', [])
 */
export async function runCommand(
  file: string | undefined,
  sets: readonly string[],
  run: RunOptions = {},
): Promise<number> {
  const options = { ...(file === undefined ? {} : { file }), overrides: parseSets(sets) };
  // A ConfigError goes up to the CLI, which prints every problem and exits 78.
  const config = await loadConfig(options);
  const logger = pino({ level: config.log.level });
  logConfigWarnings(config, logger);
  let daemon: Daemon;
  try {
    daemon = await Daemon.start(config, {
      logger,
      ...(run.announce === true ? { onServing: announce } : {}),
    });
  } catch (err) {
    if (!isEdgecamError(err)) throw err;
    logger.fatal({ code: err.code }, err.message);
    if (!CONFIG_CAUSED.includes(err.code)) {
      process.stderr.write(`edgecam: ${err.message} [${err.code}]\n`);
      return 1;
    }
    process.stderr.write(await everyStartProblem(config, file ?? DEFAULT_CONFIG_FILE, err));
    return EXIT_CONFIG;
  }
  return await new Promise<number>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info({ signal }, `${signal}: stopping`);
      process.off('SIGHUP', reload);
      // Kept after the daemon has stopped: work its stop budgets gave up on (a frame still in a
      // slow model, e.g. WebAssembly on a 32-bit board) must not keep the process alive. Unref'd,
      // so a process with nothing left exits at once.
      let code: number | undefined;
      const force = setTimeout(() => {
        logger.warn(
          code === undefined
            ? `still stopping after ${FORCE_EXIT_MS} ms: exiting anyway`
            : `stopped, but work the stop gave up on still runs after ${FORCE_EXIT_MS} ms: exiting`,
        );
        process.exit(code ?? 0);
      }, FORCE_EXIT_MS);
      force.unref();
      daemon.stop().then(
        () => {
          code = 0;
          resolve(code);
        },
        (err: unknown) => {
          logger.error({ err }, 'stopping failed');
          code = 1;
          resolve(code);
        },
      );
    };
    const reload = () => {
      reloadConfig(daemon, options, logger).catch((err: unknown) => logger.error({ err }, 'reload failed'));
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    process.on('SIGHUP', reload);
  });
}

/**
 * The start stopped at the first camera that cannot run; `config check`'s start checks name every
 * one, so a user fixes them all in one go. Falls back to the error itself if they find nothing.
 */
async function everyStartProblem(config: Config, source: string, first: EdgecamError): Promise<string> {
  const { problems } = await checkCamerasStart(config).catch(() => ({ problems: [] }));
  if (problems.length === 0) return `edgecam: ${first.message} [${first.code}]\n`;
  return `${formatProblems(problems, source)}\n`;
}

/** SIGHUP: the same file and overrides, read again; a bad config is logged and the old one kept. */
async function reloadConfig(
  daemon: Daemon,
  options: Parameters<typeof loadConfig>[0],
  logger: Logger,
): Promise<void> {
  logger.info('SIGHUP: reloading the configuration');
  let config: Config;
  try {
    config = await loadConfig(options);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    logger.error(
      { code: err.code, problems: err.problems },
      `reload refused, the running config stays: ${err.message}`,
    );
    return;
  }
  logConfigWarnings(config, logger);
  await daemon.reload(config);
}

/** The two plain lines of `--announce`. pino writes stdout synchronously, as this does: the order holds. */
function announce(where: WhereToLook): void {
  process.stdout.write(`live view: ${where.liveView}\nwatch MQTT: ${where.watchMqtt}\n`);
}

/** What the config would run badly (a chain slower than its camera's frames), one warning each. */
function logConfigWarnings(config: Config, logger: Logger): void {
  for (const w of configWarnings(config)) {
    logger.warn({ key: w.path, value: w.value, fix: w.fix }, `${w.path}: ${w.message}`);
  }
}
