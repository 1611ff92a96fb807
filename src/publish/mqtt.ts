import type { Socket } from 'node:net';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { EdgecamError } from '../errors.js';
import type { Backoff } from '../time/backoff.js';
import type { Clock } from '../time/clock.js';
import { type ReachabilityProbe, waitOrReachable } from '../time/probed-wait.js';
import { urlProbe } from '../time/reachability.js';
import { connectError } from './connect-errors.js';
import type { ConnectTarget } from './connect-options.js';

/**
 * One logical MQTT connection that stays up: a fresh mqtt.js client per attempt, retried after a
 * capped exponential backoff (mqtt.js's own reconnect has a fixed period, and its in-memory resend
 * would compete with the outbox, which is the one place undelivered messages live). While it backs
 * off, a TCP connect to the broker's port each second says when the broker is back, and the next
 * attempt starts then rather than at the end of the backoff. The hooks see
 * each connection come and go; the client is only handed out while connected.
 */

export interface ConnectionHooks {
  /** A connection is up: subscribe, publish the status, resume the outbox. */
  readonly connected: (client: MqttClient) => void;
  /** It went down (the broker left, the network dropped): pause what needs a connection. */
  readonly disconnected: () => void;
  /** An attempt failed or a connection broke; `retryMs` says when the next attempt starts. */
  readonly failed?: (error: EdgecamError, retryMs: number) => void;
}

export interface ConnectionOptions {
  readonly backoff: Backoff;
  readonly clock: Clock;
  readonly logger: Logger;
  /** mqtt.connect, injectable. */
  readonly connect?: (url: string, options: IClientOptions) => MqttClient;
  /** Whether the broker answers again; default a TCP connect to the URL's host and port. */
  readonly probe?: ReachabilityProbe;
}

/** The port an MQTT URL means when it names none (mqtt.js's defaults). */
export const BROKER_PORTS: Readonly<Record<string, number>> = {
  'mqtt:': 1883,
  'tcp:': 1883,
  'mqtts:': 8883,
  'ssl:': 8883,
  'ws:': 80,
  'wss:': 443,
};

/** How long a graceful stop waits for the broker (the status message, DISCONNECT). */
const STOP_TIMEOUT_MS = 2000;

/**
 * The connection to one broker.
 * @example const conn = new MqttConnection(target, { backoff, clock, logger }, { connected, disconnected }); conn.start()
 */
export class MqttConnection {
  #client: MqttClient | undefined;
  #connected = false;
  /** Cancels the pending retry. */
  #cancelRetry: (() => void) | undefined;
  #stopping = false;
  #lastError: EdgecamError | undefined;
  #lastLogged: string | undefined;
  readonly #probe: ReachabilityProbe | undefined;

  constructor(
    readonly target: ConnectTarget,
    private readonly options: ConnectionOptions,
    private readonly hooks: ConnectionHooks,
  ) {
    this.#probe = options.probe ?? urlProbe(target.url, BROKER_PORTS);
  }

  /** The client while connected, else undefined. */
  get client(): MqttClient | undefined {
    return this.#connected ? this.#client : undefined;
  }

  get connected(): boolean {
    return this.#connected;
  }

  /** The last failure, kept until the next successful connection. */
  get lastError(): EdgecamError | undefined {
    return this.#lastError;
  }

  /** Starts connecting; failures retry by themselves until stop(). */
  start(): void {
    if (this.#client !== undefined || this.#stopping) return;
    this.#attempt();
  }

  /**
   * Stops: runs `beforeEnd` on a live connection (publish the offline status), sends DISCONNECT
   * (so the broker does not publish the will as well), and cancels any retry.
   */
  async stop(beforeEnd?: (client: MqttClient) => Promise<void>): Promise<void> {
    this.#stopping = true;
    this.#cancelRetry?.();
    this.#cancelRetry = undefined;
    const client = this.#client;
    this.#client = undefined;
    if (client === undefined) return;
    const wasConnected = this.#connected;
    this.#connected = false;
    if (wasConnected) {
      try {
        if (beforeEnd !== undefined) await withTimeout(beforeEnd(client), STOP_TIMEOUT_MS);
        await withTimeout(client.endAsync(false), STOP_TIMEOUT_MS);
      } catch (err) {
        this.options.logger.warn({ err, url: this.target.url }, 'MQTT connection did not close cleanly');
      }
      this.hooks.disconnected();
    }
    // Forced: flushes callbacks still pending and destroys the socket, if the graceful end did not.
    client.end(true);
  }

  #attempt(): void {
    const { url, options } = this.target;
    const connect = this.options.connect ?? mqtt.connect;
    const client = connect(url, options);
    this.#client = client;
    client.on('connect', () => {
      if (client !== this.#client) return;
      (client.stream as Partial<Socket>).setNoDelay?.(true); // 50 KB edge maps: no Nagle delay
      this.#connected = true;
      this.#lastError = undefined;
      this.#lastLogged = undefined;
      this.options.backoff.reset();
      this.options.logger.info({ url, clientId: options.clientId }, 'connected to the MQTT broker');
      this.hooks.connected(client);
    });
    client.on('error', (err) => {
      if (client !== this.#client) return;
      this.#lastError = connectError(err, {
        url,
        username: options.username,
        clientId: options.clientId ?? '',
      });
    });
    client.on('close', () => this.#closed(client));
  }

  #closed(client: MqttClient): void {
    if (client !== this.#client || this.#stopping) return;
    const wasConnected = this.#connected;
    this.#connected = false;
    this.#client = undefined;
    // Pending publish callbacks fail now (the outbox sends those entries again), and the client is done.
    client.end(true);
    client.removeAllListeners('connect');
    client.on('error', (err) => this.options.logger.debug({ err }, 'late error from a closed MQTT client'));
    if (wasConnected) this.hooks.disconnected();
    const error =
      this.#lastError ??
      connectError(new Error(wasConnected ? 'connection lost' : 'connection closed'), {
        url: this.target.url,
        username: this.target.options.username,
        clientId: this.target.options.clientId ?? '',
      });
    this.#lastError = error;
    const retryMs = this.options.backoff.next();
    const fields = {
      url: this.target.url,
      code: error.code,
      retryMs,
      attempt: this.options.backoff.attempts,
    };
    // One warning per kind of failure, then quieter while it lasts (a broker down all night).
    if (error.message !== this.#lastLogged) this.options.logger.warn(fields, error.message);
    else this.options.logger.debug(fields, error.message);
    this.#lastLogged = error.message;
    this.hooks.failed?.(error, retryMs);
    this.#retryAfter(retryMs);
  }

  /** The next attempt, after `retryMs` or as soon as the broker's port answers again. */
  #retryAfter(retryMs: number): void {
    const wait = new AbortController();
    this.#cancelRetry = () => wait.abort();
    const { clock, logger } = this.options;
    // A pending retry does not hold a stopping process open (keepAlive false).
    const options = { clock, probe: this.#probe, keepAlive: false };
    waitOrReachable(retryMs, wait.signal, options).then(
      (end) => {
        if (end === 'aborted' || this.#stopping) return;
        this.#cancelRetry = undefined;
        if (end === 'reachable')
          logger.info({ url: this.target.url, retryMs }, 'the MQTT broker answers again; connecting now');
        this.#attempt();
      },
      (err: unknown) => logger.error({ err }, 'waiting to reconnect to the MQTT broker failed'),
    );
  }
}

async function withTimeout(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([work.then(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
