import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

/** A test subscriber that records every message (topic, payload, retain flag). */
export interface Received {
  readonly topic: string;
  readonly payload: Buffer;
  readonly retain: boolean;
}

export interface Subscriber {
  readonly client: MqttClient;
  readonly messages: Received[];
  /** Resolves with the first message (already received or coming) that matches. */
  waitFor(match: (m: Received) => boolean, what?: string): Promise<Received>;
  /** Resolves when `count` messages match. */
  waitForCount(match: (m: Received) => boolean, count: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function subscribe(
  url: string,
  topics: string | string[],
  options: IClientOptions = {},
): Promise<Subscriber> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, protocolVersion: 4, ...options });
  const messages: Received[] = [];
  const listeners = new Set<() => void>();
  client.on('message', (topic, payload, packet) => {
    messages.push({ topic, payload, retain: packet.retain });
    for (const l of listeners) l();
  });
  if (topics.length > 0) await client.subscribeAsync(topics, { qos: 1 });
  const waitForCount = (match: (m: Received) => boolean, count: number) =>
    new Promise<Received[]>((resolve) => {
      const check = () => {
        const found = messages.filter(match);
        if (found.length >= count) {
          listeners.delete(check);
          resolve(found);
        }
      };
      listeners.add(check);
      check();
    });
  return {
    client,
    messages,
    waitFor: async (match) => (await waitForCount(match, 1))[0]!,
    waitForCount,
    close: () => client.endAsync(true),
  };
}
