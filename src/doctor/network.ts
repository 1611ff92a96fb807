import { createServer } from 'node:net';
import { BROKER_PORTS } from '../publish/mqtt.js';
import { urlProbe } from '../time/reachability.js';
import { type CheckResult, fail, ok } from './check.js';

/**
 * The network ends of the config: the MQTT broker (a TCP connect to mqtt.url, as the client's
 * reconnect probe does; or, for the embedded broker, whether its port is free to listen on) and
 * the HTTP port of health, metrics and the live view.
 */

export type PortState =
  | { readonly free: true }
  | { readonly free: false; readonly code: string; readonly message: string };

/**
 * Whether a server could listen on `host`:`port` now: it listens, then closes at once.
 * @example await portState('127.0.0.1', 8080) // { free: true }
 */
export function portState(host: string, port: number): Promise<PortState> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) =>
      resolve({ free: false, code: err.code ?? 'UNKNOWN', message: err.message }),
    );
    server.listen({ host, port, exclusive: true }, () => {
      server.close(() => resolve({ free: true }));
    });
  });
}

/** The fix for a port that cannot be listened on, by the error's code. */
function listenFix(code: string, hostKey: string, portKey: string, inUse: string): string {
  if (code === 'EADDRINUSE') return inUse;
  if (code === 'EACCES')
    return `set ${portKey} to a port above 1023 (lower ones need root, which the service does not have)`;
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return `set ${hostKey} to an address of this machine: 127.0.0.1 (this board only) or 0.0.0.0 (the network)`;
  }
  return `check ${hostKey} and ${portKey}`;
}

const RUNNING = 'if edgecam already runs (systemctl status edgecam), that is edgecam itself';

/**
 * The http line: whether health, metrics and the live view can listen on http.host:http.port.
 * @example await checkHttpPort({ host: '127.0.0.1', port: 8080 })
 */
export async function checkHttpPort(http: {
  readonly host: string;
  readonly port: number;
}): Promise<CheckResult> {
  const where = `${http.host}:${http.port}`;
  const state = await portState(http.host, http.port);
  if (state.free) return ok('http', `${where} is free to listen on`);
  return fail(
    'http',
    `cannot listen on ${where}: ${state.code}`,
    listenFix(
      state.code,
      'http.host',
      'http.port',
      `${RUNNING}; else another program holds it (sudo ss -ltnp 'sport = :${http.port}' names it): set http.port to a free port`,
    ),
  );
}

export interface BrokerFacts {
  /** mqtt.url; '' for the embedded broker. */
  readonly url: string;
  /** mqtt.broker: where the embedded broker listens. */
  readonly broker: { readonly host: string; readonly port: number };
}

/**
 * The mqtt line: the configured broker answers a TCP connect, or the embedded broker's port is free.
 * @example await checkBroker({ url: 'mqtt://192.168.1.10', broker: { host: '127.0.0.1', port: 1883 } })
 */
export async function checkBroker(facts: BrokerFacts): Promise<CheckResult> {
  if (facts.url === '') return checkEmbeddedBroker(facts.broker);
  const url = new URL(facts.url);
  // The URL may carry a password: show only where it points.
  const where = `${url.protocol}//${url.host}`;
  const probe = urlProbe(facts.url, BROKER_PORTS);
  if (probe === undefined) {
    return fail(
      'mqtt',
      `mqtt.url ${where} names no host and port to connect to`,
      'edgecam config check says what to write',
    );
  }
  if (await probe(new AbortController().signal)) {
    return ok(
      'mqtt',
      `broker ${where} answers (a TCP connect; credentials and TLS are tried when edgecam connects)`,
    );
  }
  return fail(
    'mqtt',
    `broker ${where} does not answer a TCP connect within a second`,
    'start the broker, or set mqtt.url to one this board reaches (nc -vz HOST PORT tries it); meanwhile edgecam keeps retrying and keeps messages in its outbox',
  );
}

async function checkEmbeddedBroker(broker: BrokerFacts['broker']): Promise<CheckResult> {
  const where = `${broker.host}:${broker.port}`;
  const state = await portState(broker.host, broker.port);
  if (state.free) return ok('mqtt', `embedded broker (mqtt.url ""): ${where} is free to listen on`);
  return fail(
    'mqtt',
    `embedded broker (mqtt.url ""): cannot listen on ${where}: ${state.code}`,
    listenFix(
      state.code,
      'mqtt.broker.host',
      'mqtt.broker.port',
      `${RUNNING}; else another broker runs there (mosquitto?): set mqtt.url to it (mqtt://${where}), or set mqtt.broker.port to a free port`,
    ),
  );
}
