import { EdgecamError } from '../errors.js';
import { formatProblems } from './format.js';

/** One thing wrong with a configuration, with where it is and what to do about it. */
export interface ConfigProblem {
  /** A key path (`cameras[0].fps`, `mqtt.url`), an env variable or override key, or '' for the file as a whole. */
  readonly path: string;
  /** The offending value as written; undefined for a missing key. */
  readonly value: unknown;
  /** What is wrong. */
  readonly message: string;
  /** What to do about it. */
  readonly fix: string;
  /** 1-based line and column in the config file, when the problem is in the file. */
  readonly line?: number;
  readonly column?: number;
  /** The env variable or CLI override that set the value, when the file did not. */
  readonly origin?: string;
}

export type ConfigErrorCode = 'EDGECAM_ERR_CONFIG' | 'EDGECAM_ERR_CONFIG_READ';

/**
 * A configuration that cannot be used: every problem found, formatted into the message.
 * EDGECAM_ERR_CONFIG_READ when the file cannot be read or is not valid YAML.
 * @example try { await loadConfig({ file }) } catch (err) { if (err instanceof ConfigError) console.error(err.message) }
 */
export class ConfigError extends EdgecamError {
  readonly problems: readonly ConfigProblem[];
  /** The config file the problems refer to. */
  readonly source: string;

  constructor(code: ConfigErrorCode, problems: readonly ConfigProblem[], source: string) {
    super(code, formatProblems(problems, source));
    this.name = 'ConfigError';
    this.problems = Object.freeze([...problems]);
    this.source = source;
  }
}
