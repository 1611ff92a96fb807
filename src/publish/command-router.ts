import type { Logger } from 'pino';
import { EdgecamError, isEdgecamError } from '../errors.js';
import type { Clock } from '../time/clock.js';
import { type Command, parseCommand } from './commands.js';
import type { CameraState } from './payloads.js';
import { LatestPerInterval, MinInterval } from './rate-limit.js';
import type { PublishStats } from './stats.js';
import { parseCommandTopic } from './topics.js';

/**
 * Messages on the command topics, `<prefix>/<camera>/set/<setting>`: each is validated (a bad one
 * is counted and logged with a fix, never applied) and handed to its camera, which passes it to
 * the owner of its live settings and publishes the state after it.
 *
 * Anyone on the broker can publish here, as fast as the network goes, so a message costs a parse
 * and a slot, never work that grows with the rate: each camera and setting applies at most one
 * command per COMMAND_INTERVAL_MS, and what comes sooner waits in one slot, the latest replacing
 * the one waiting (counted as coalesced). A burst of thresholds ends at the last one; a burst of
 * snapshot presses makes two snapshots at most.
 */

/** Commands for one camera and setting apply at most this often; the latest waiting one applies then. */
export const COMMAND_INTERVAL_MS = 250;

/** A rejected command is logged at warn at most this often (the rest at debug, and counted). */
const REJECT_LOG_MS = 10_000;

/** Hears each applied command, with the camera's state after it. */
export type CommandHandler = (command: Command, state: CameraState) => void;

/** A camera as commands reach it: hands a command over and returns the state after it. */
export interface CommandTarget {
  command(command: Command): CameraState;
}

/**
 * The command dispatch of one publisher.
 * @example const router = new CommandRouter(prefix, cameras, stats, logger, clock); client.on('message', (t, p) => router.route(t, p))
 */
export class CommandRouter {
  #handler: CommandHandler = () => {};
  /** One slot per camera and setting that commands came for. */
  readonly #slots = new Map<string, LatestPerInterval<{ command: Command; topic: string }>>();
  readonly #rejectLog: MinInterval;
  /** Rejected commands not logged at warn since the last one that was. */
  #unlogged = 0;

  constructor(
    private readonly prefix: string,
    private readonly cameras: ReadonlyMap<string, CommandTarget>,
    private readonly stats: PublishStats,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {
    this.#rejectLog = new MinInterval(REJECT_LOG_MS, clock);
  }

  /** Sets the handler that hears each applied command (one at a time). */
  onCommand(handler: CommandHandler): void {
    this.#handler = handler;
  }

  /** Handles one message; messages on other topics are ignored. */
  route(topic: string, payload: Buffer): void {
    const target = parseCommandTopic(this.prefix, topic);
    if (target === undefined) return;
    let command: Command;
    try {
      if (!this.cameras.has(target.camera)) {
        const known = [...this.cameras.keys()].join(', ') || '(none)';
        throw new EdgecamError(
          'EDGECAM_ERR_MQTT_COMMAND',
          `ignored command on ${topic}: no camera "${target.camera}" on this device. Fix: use one of ${known}`,
        );
      }
      command = parseCommand(target.camera, target.setting, payload.toString('utf8'), topic);
    } catch (err) {
      if (!isEdgecamError(err)) throw err;
      this.#rejected(err, topic);
      return;
    }
    if (this.#slot(command).offer({ command, topic })) this.stats.commandsCoalesced(1);
  }

  #slot(command: Command): LatestPerInterval<{ command: Command; topic: string }> {
    const key = `${command.camera}/${command.setting}`;
    let slot = this.#slots.get(key);
    if (slot === undefined) {
      slot = new LatestPerInterval(COMMAND_INTERVAL_MS, this.clock, ({ command, topic }) =>
        this.#apply(command, topic),
      );
      this.#slots.set(key, slot);
    }
    return slot;
  }

  #rejected(err: EdgecamError, topic: string): void {
    this.stats.command(false);
    if (this.#rejectLog.take()) {
      this.logger.warn({ code: err.code, topic, alsoRejected: this.#unlogged }, err.message);
      this.#unlogged = 0;
    } else {
      this.#unlogged++;
      this.logger.debug({ code: err.code, topic }, err.message);
    }
  }

  /** The camera applies it; then the stats, the log and the handler hear of it. */
  #apply(command: Command, topic: string): void {
    // The camera may have gone (a reload removed it) while the command waited.
    const camera = this.cameras.get(command.camera);
    if (camera === undefined) return;
    let state: CameraState | undefined;
    try {
      state = camera.command(command);
    } catch (err) {
      this.logger.error({ err, topic }, 'applying the command failed');
    }
    this.stats.command(true);
    this.logger.info(
      { camera: command.camera, setting: command.setting, value: command.value },
      'command applied',
    );
    if (state === undefined) return;
    try {
      this.#handler(command, state);
    } catch (err) {
      this.logger.error({ err, topic }, 'the command handler failed');
    }
  }
}
