import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import type { Logger } from 'pino';
import { EdgecamError } from '../errors.js';

/**
 * The embedded broker (aedes) that starts when mqtt.url is "", so that a bare install publishes
 * somewhere without any setup. It speaks MQTT 3.1.1 (aedes has no MQTT 5) and keeps retained
 * messages in memory.
 */

export interface EmbeddedBroker {
  /** mqtt://host:port to connect to. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /**
   * Publishes as the broker itself, to whoever subscribes: what this process publishes that may be
   * skipped (detections every frame), without an MQTT client's encoding, a loopback socket and the
   * broker's parsing in between. `done` is called once it is handed to the subscribers' queues.
   */
  publish(
    topic: string,
    payload: string | Buffer,
    qos: 0 | 1,
    retain: boolean,
    done: (err?: Error) => void,
  ): void;
  close(): Promise<void>;
}

/**
 * Starts aedes on host:port (port 0: a free one); throws EDGECAM_ERR_BROKER_LISTEN when the port is taken.
 * @example const broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 1883 }); ...; await broker.close()
 */
export async function startEmbeddedBroker(options: {
  host: string;
  port: number;
  logger?: Logger;
}): Promise<EmbeddedBroker> {
  const aedes = await Aedes.createBroker();
  const server: Server = createServer(aedes.handle);
  aedes.on('clientError', (client, err) =>
    options.logger?.debug({ client: client.id, err }, 'embedded broker: client error'),
  );
  server.listen(options.port, options.host);
  try {
    await once(server, 'listening');
  } catch (err) {
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    const code = (err as NodeJS.ErrnoException).code;
    throw new EdgecamError(
      'EDGECAM_ERR_BROKER_LISTEN',
      `the embedded MQTT broker cannot listen on ${options.host}:${options.port}: ${(err as Error).message}. Fix: ${
        code === 'EADDRINUSE'
          ? `another broker runs there: set mqtt.url to it (mqtt://${options.host}:${options.port}), or set mqtt.broker.port to a free port`
          : 'set mqtt.broker.host to an address of this machine (127.0.0.1, or 0.0.0.0 for every interface)'
      }`,
      { cause: err },
    );
  }
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `mqtt://${host}:${port}`,
    host: options.host,
    port,
    publish: (topic, payload, qos, retain, done) =>
      aedes.publish(
        {
          cmd: 'publish',
          topic,
          payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
          qos,
          retain,
          dup: false,
        },
        (err) => done(err ?? undefined),
      ),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await closed;
    },
  };
}
