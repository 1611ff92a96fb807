import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { type CountedLine, discoveryMessages } from './homeassistant.js';
import type { PublishStats } from './stats.js';
import { EDGECAM_VERSION } from './version.js';

/**
 * Publishes the Home Assistant discovery configs (homeassistant.ts builds them) and removes those
 * of cameras or labels that went away with an empty retained message. Which topics were published
 * last is kept in `<stateDir>/homeassistant.json`, so a restart knows what to remove.
 */

/** A camera as discovery sees it. */
export interface DiscoveredCamera {
  readonly id: string;
  readonly labels: readonly string[];
  readonly lines?: readonly CountedLine[];
  /** Whether it detects motion (a motion binary sensor). */
  readonly detectsMotion?: boolean;
}

export interface DiscoveryOptions {
  readonly homeAssistant: Config['mqtt']['homeAssistant'];
  readonly stateDir: string;
  readonly device: string;
  /** edgecam's topic prefix. */
  readonly prefix: string;
  /** The cameras now. */
  readonly cameras: () => Iterable<DiscoveredCamera>;
  readonly stats: PublishStats;
  readonly logger: Logger;
}

/**
 * Home Assistant discovery, refreshed on every connection and camera or label change.
 * @example const discovery = new DiscoveryPublisher(options); discovery.announce(); discovery.refresh(client)
 */
export class DiscoveryPublisher {
  #published: Promise<void> = Promise.resolve();
  /** Discovery waits for announce(): before it, the camera set is still being built. */
  #announced = false;

  constructor(private readonly options: DiscoveryOptions) {}

  /** Says every camera is registered: refresh() publishes from now on. */
  announce(): void {
    this.#announced = true;
  }

  /** Resolves when the discovery published so far has been acknowledged. */
  published(): Promise<void> {
    return this.#published;
  }

  /** Publishes the configs of the cameras now (once announced, when Home Assistant discovery is on). */
  refresh(client: Pick<MqttClient, 'publishAsync'>): void {
    const { homeAssistant, device, prefix, logger } = this.options;
    if (!homeAssistant.enabled || !this.#announced) return;
    const cameras = [...this.options.cameras()].map((c) => ({
      id: c.id,
      labels: c.labels,
      ...(c.lines === undefined ? {} : { lines: c.lines }),
      motion: c.detectsMotion ?? false,
    }));
    const messages = discoveryMessages({
      haPrefix: homeAssistant.prefix,
      device,
      prefix,
      version: EDGECAM_VERSION,
      cameras,
    });
    // One refresh at a time, in order, so that the recorded topic list matches the broker.
    this.#published = this.#published
      .then(() => this.#publish(client, messages))
      .catch((err: unknown) => logger.error({ err }, 'Home Assistant discovery failed'));
  }

  async #publish(client: Pick<MqttClient, 'publishAsync'>, messages: Map<string, string>): Promise<void> {
    const { stateDir, stats } = this.options;
    const previous = await readPublishedTopics(stateDir);
    const gone = previous.filter((topic) => !messages.has(topic));
    await Promise.all([
      ...gone.map((topic) => client.publishAsync(topic, '', { qos: 1, retain: true })),
      ...[...messages].map(([topic, config]) => client.publishAsync(topic, config, { qos: 1, retain: true })),
    ]);
    for (let i = 0; i < messages.size + gone.length; i++) stats.published('discovery');
    await writePublishedTopics(stateDir, [...messages.keys()]);
  }
}

/** The discovery topics published last time, from `<stateDir>/homeassistant.json` ([] when none). */
export async function readPublishedTopics(stateDir: string): Promise<string[]> {
  try {
    const parsed = JSON.parse(await readFile(join(stateDir, 'homeassistant.json'), 'utf8')) as {
      topics?: unknown;
    };
    return Array.isArray(parsed.topics)
      ? parsed.topics.filter((t): t is string => typeof t === 'string')
      : [];
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Records the discovery topics now published (written whole, then renamed into place). */
export async function writePublishedTopics(stateDir: string, topics: readonly string[]): Promise<void> {
  const file = join(stateDir, 'homeassistant.json');
  await writeFile(`${file}.tmp`, `${JSON.stringify({ topics: [...topics].sort() }, null, 2)}\n`);
  await rename(`${file}.tmp`, file);
}
