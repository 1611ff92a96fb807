import type { Logger } from 'pino';
import { EdgecamError, isEdgecamError } from '../errors.js';
import { type Command, parseCommand } from './commands.js';
import type { CameraState } from './payloads.js';
import type { PublishStats } from './stats.js';
import { parseCommandTopic } from './topics.js';

/**
 * Messages on the command topics, `<prefix>/<camera>/set/<setting>`: each is validated (a bad one
 * is counted and logged with a fix, never applied) and handed to its camera, which passes it to
 * the owner of its live settings and publishes the state after it.
 */

/** Hears each applied command, with the camera's state after it. */
export type CommandHandler = (command: Command, state: CameraState) => void;

/** A camera as commands reach it: hands a command over and returns the state after it. */
export interface CommandTarget {
  command(command: Command): CameraState;
}

/**
 * The command dispatch of one publisher.
 * @example const router = new CommandRouter(prefix, cameras, stats, logger); client.on('message', (t, p) => router.route(t, p))
 */
export class CommandRouter {
  #handler: CommandHandler = () => {};

  constructor(
    private readonly prefix: string,
    private readonly cameras: ReadonlyMap<string, CommandTarget>,
    private readonly stats: PublishStats,
    private readonly logger: Logger,
  ) {}

  /** Sets the handler that hears each applied command (one at a time). */
  onCommand(handler: CommandHandler): void {
    this.#handler = handler;
  }

  /** Handles one message; messages on other topics are ignored. */
  route(topic: string, payload: Buffer): void {
    const target = parseCommandTopic(this.prefix, topic);
    if (target === undefined) return;
    const camera = this.cameras.get(target.camera);
    let command: Command;
    try {
      if (camera === undefined) {
        const known = [...this.cameras.keys()].join(', ') || '(none)';
        throw new EdgecamError(
          'EDGECAM_ERR_MQTT_COMMAND',
          `ignored command on ${topic}: no camera "${target.camera}" on this device. Fix: use one of ${known}`,
        );
      }
      command = parseCommand(target.camera, target.setting, payload.toString('utf8'), topic);
    } catch (err) {
      if (!isEdgecamError(err)) throw err;
      this.stats.command(false);
      this.logger.warn({ code: err.code, topic }, err.message);
      return;
    }
    this.#apply(camera, command, topic);
  }

  /** The camera applies it; then the stats, the log and the handler hear of it. */
  #apply(camera: CommandTarget, command: Command, topic: string): void {
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
