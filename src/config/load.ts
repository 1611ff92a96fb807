import { fileURLToPath } from 'node:url';
import { chainCostWarnings } from './chain-cost.js';
import { crossCheck } from './cross-check.js';
import { applyEnv } from './env.js';
import { deepFreeze } from './freeze.js';
import { issuesToProblems, type PathProblem } from './issues.js';
import { formatPath } from './key-path.js';
import { type Origin, originOf } from './origin.js';
import { applyOverrides } from './overrides.js';
import { ConfigError, type ConfigErrorCode, type ConfigProblem } from './problem.js';
import { type Config, configSchema } from './schema.js';
import { type ConfigText, parseConfigText, readConfigFile } from './yaml-file.js';

/**
 * The packaged defaults. From src/config/ and from dist/config/ alike the package root is two
 * levels up, and config/ sits there (package.json "files").
 */
export const DEFAULT_CONFIG_FILE = fileURLToPath(new URL('../../config/default.yaml', import.meta.url));

export interface ConfigOptions {
  /** The YAML file; default DEFAULT_CONFIG_FILE. */
  readonly file?: string;
  /** EDGECAM_* variables; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Dotted key paths from CLI flags, e.g. { 'http.port': 9000 }; highest precedence. */
  readonly overrides?: Readonly<Record<string, unknown>>;
}

export interface ConfigCheck {
  /** The validated, deep-frozen config; undefined when there are problems. */
  readonly config?: Config;
  readonly problems: ConfigProblem[];
  /** The file that was read, for formatProblems. */
  readonly source: string;
  /** EDGECAM_ERR_CONFIG_READ when the file could not be read or parsed, else EDGECAM_ERR_CONFIG. */
  readonly code: ConfigErrorCode;
  /** What would run, but badly (a chain slower than its camera's frames); only for a valid config. */
  readonly warnings?: readonly ConfigProblem[];
}

/**
 * Loads the configuration: defaults < file < env < overrides, validated, deep-frozen. Throws a
 * ConfigError carrying every problem (EDGECAM_ERR_CONFIG_READ for an unreadable file or bad YAML).
 * @example const config = await loadConfig({ file: '/etc/edgecam/config.yaml', overrides: { 'http.port': 9000 } })
 */
export async function loadConfig(options: ConfigOptions = {}): Promise<Config> {
  const check = await checkConfig(options);
  if (check.config === undefined) throw new ConfigError(check.code, check.problems, check.source);
  return check.config;
}

/**
 * Like loadConfig, but collects every problem at once (schema, unknown keys, env variables,
 * overrides, chains) and returns them instead of throwing.
 * @example const { problems, source } = await checkConfig({ file }); if (problems.length) console.error(formatProblems(problems, source))
 */
export async function checkConfig(options: ConfigOptions = {}): Promise<ConfigCheck> {
  const source = options.file ?? DEFAULT_CONFIG_FILE;
  const read = await readConfigFile(source);
  if (read.text === undefined) {
    return {
      problems: read.problem === undefined ? [] : [read.problem],
      source,
      code: 'EDGECAM_ERR_CONFIG_READ',
    };
  }
  const text = parseConfigText(read.text);
  // Parsed fresh from the file: the merge below writes into it, never into the caller's objects.
  const raw = text.data;
  const env = applyEnv(raw, configSchema, options.env ?? process.env);
  const overrides = applyOverrides(raw, configSchema, options.overrides ?? {});
  const layerProblems = [...env.problems, ...overrides.problems];
  if (text.syntaxProblems.length > 0) {
    return { problems: [...text.syntaxProblems, ...layerProblems], source, code: 'EDGECAM_ERR_CONFIG_READ' };
  }
  const origins = [...env.origins, ...overrides.origins];
  const parsed = configSchema.safeParse(raw);
  const pathProblems = [
    ...(parsed.success ? [] : issuesToProblems(parsed.error.issues, configSchema, raw)),
    ...crossCheck(raw),
  ];
  const problems = [
    ...text.shapeProblems,
    ...pathProblems.map((p) => locate(p, text, origins)),
    ...layerProblems,
  ];
  if (problems.length > 0 || !parsed.success) return { problems, source, code: 'EDGECAM_ERR_CONFIG' };
  const config = deepFreeze(structuredClone(parsed.data));
  const warnings = chainCostWarnings(config).map((w) => locate(w, text, origins));
  return { config, problems, source, code: 'EDGECAM_ERR_CONFIG', warnings };
}

/**
 * What a valid config would run badly, without where in the file (the daemon logs these at start).
 * @example for (const w of configWarnings(config)) logger.warn(w, w.message)
 */
export function configWarnings(config: Config): ConfigProblem[] {
  return chainCostWarnings(config).map(({ segments, value, message, fix }) => ({
    path: formatPath(segments),
    value,
    message,
    fix,
  }));
}

function locate(problem: PathProblem, text: ConfigText, origins: readonly Origin[]): ConfigProblem {
  const { segments, value, message, fix } = problem;
  const base = { path: formatPath(segments), value, message, fix };
  const origin = originOf(origins, segments);
  if (origin !== undefined) return { ...base, origin };
  const position = text.locate(segments);
  // Neither the file, env nor an override wrote any of the path: a default is involved (say, the
  // default camera referencing a default chain that the file's `chains:` replaced).
  if (position === undefined) return { ...base, origin: 'the defaults (config/default.yaml)' };
  return { ...base, line: position.line, column: position.column };
}
