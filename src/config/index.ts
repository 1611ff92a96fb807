/**
 * The configuration stage: one YAML file, EDGECAM_* env variables and CLI overrides, merged in
 * that order over the schema's defaults, validated once (every problem at once, each with a fix)
 * and deep-frozen. Kernel chains are checked against every camera's frame size at load. Each key
 * declares how a reload applies it (reload-policy.ts).
 */
export type {
  ChainConfig,
  ChainRefConfig,
  EdgeStepConfig,
  KernelStepConfig,
  StepConfig,
} from './chain-schema.js';
export { cameraChains, chainFor, type ResolvedStep, resolveChain } from './chains.js';
export { ENV_ALLOWLIST, ENV_PREFIX, ENV_SEPARATOR, envName } from './env.js';
export { formatProblems, formatWarnings } from './format.js';
export {
  type ConfigCheck,
  type ConfigOptions,
  checkConfig,
  configWarnings,
  DEFAULT_CONFIG_FILE,
  loadConfig,
} from './load.js';
export { ConfigError, type ConfigErrorCode, type ConfigProblem } from './problem.js';
export { type ConfigChange, cameraChanges, configChanges, reloadedConfig } from './reload-changes.js';
export { RELOAD_POLICIES, type ReloadPolicy } from './reload-policy.js';
export { type CameraConfig, type Config, type ConfigInput, configSchema } from './schema.js';
export type { CropConfig, SourceConfig, SourceKind } from './source-schema.js';
export { frameSize } from './source-schema.js';
