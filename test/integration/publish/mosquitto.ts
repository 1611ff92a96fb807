import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { missingTool } from '../system-tools.js';

/**
 * Debian's mosquitto, started by a test on free loopback ports with a generated config: an
 * optional password file (mosquitto_passwd) and an optional TLS listener whose certificates
 * openssl makes here. Real broker, real TLS, real authentication.
 */

const run = promisify(execFile);

/**
 * Why the tests that start mosquitto (and its mosquitto_passwd) cannot run here, or undefined.
 * @example beforeEach(({ skip }) => { if (noMosquitto !== undefined) skip(noMosquitto); })
 */
export const noMosquitto = missingTool('mosquitto');
/** Why the tests that need makeCerts (openssl) cannot run here, or undefined. */
export const noOpenssl = missingTool('openssl');

/** A free loopback TCP port (bound, read, released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Certs {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
  /** A CA that did not sign the broker's certificate. */
  readonly otherCa: string;
}

/** Makes a CA, a server certificate for 127.0.0.1/localhost signed by it, and an unrelated CA. */
export async function makeCerts(dir: string): Promise<Certs> {
  const p = (name: string) => join(dir, name);
  const subj = (cn: string) => ['-subj', `/CN=${cn}`];
  for (const ca of ['ca', 'other-ca']) {
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-keyout',
      p(`${ca}.key`),
      '-out',
      p(`${ca}.pem`),
      ...subj(`edgecam test ${ca}`),
    ]);
  }
  await run('openssl', [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    p('server.key'),
    '-out',
    p('server.csr'),
    ...subj('localhost'),
  ]);
  await writeFile(p('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    p('server.csr'),
    '-CA',
    p('ca.pem'),
    '-CAkey',
    p('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-out',
    p('server.pem'),
    '-extfile',
    p('san.ext'),
  ]);
  return { ca: p('ca.pem'), cert: p('server.pem'), key: p('server.key'), otherCa: p('other-ca.pem') };
}

export interface MosquittoOptions {
  /** user -> password; anonymous clients are refused when given. */
  readonly users?: Readonly<Record<string, string>>;
  /** Adds a TLS listener with these certificates. */
  readonly certs?: Certs;
  /** Reuse ports (a restart). */
  readonly port?: number;
  readonly tlsPort?: number;
}

export interface Mosquitto {
  readonly port: number;
  readonly tlsPort: number | undefined;
  readonly url: string;
  readonly log: () => string;
  /** Stops it (SIGTERM) and waits for the exit. */
  stop(): Promise<void>;
}

/** Starts mosquitto and waits until it accepts connections. */
export async function startMosquitto(options: MosquittoOptions = {}): Promise<Mosquitto> {
  const dir = await mkdtemp('/tmp/edgecam-mosquitto-');
  const port = options.port ?? (await freePort());
  const tlsPort = options.certs === undefined ? undefined : (options.tlsPort ?? (await freePort()));
  const lines = [
    `user ${userInfo().username}`,
    'per_listener_settings false',
    'persistence false',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    // The default (1000 per client) drops QoS 1 past it; tests count every message (mosquitto.conf(5), max_queued_messages).
    'max_queued_messages 100000',
    `listener ${port} 127.0.0.1`,
  ];
  if (options.users !== undefined) {
    const file = join(dir, 'passwd');
    await writeFile(file, '');
    for (const [user, password] of Object.entries(options.users))
      await run('mosquitto_passwd', ['-b', file, user, password]);
    lines.push('allow_anonymous false', `password_file ${file}`);
  } else {
    lines.push('allow_anonymous true');
  }
  if (options.certs !== undefined) {
    lines.push(
      `listener ${tlsPort} 127.0.0.1`,
      `cafile ${options.certs.ca}`,
      `certfile ${options.certs.cert}`,
      `keyfile ${options.certs.key}`,
    );
  }
  const conf = join(dir, 'mosquitto.conf');
  await writeFile(conf, `${lines.join('\n')}\n`);
  // Debian installs it in /usr/sbin, which is not on a normal user's PATH.
  const binary = existsSync('/usr/sbin/mosquitto') ? '/usr/sbin/mosquitto' : 'mosquitto';
  const child: ChildProcess = spawn(binary, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  const exited = once(child, 'exit');
  await waitForPort(
    port,
    () => child.exitCode !== null,
    () => log,
  );
  return {
    port,
    tlsPort,
    url: `mqtt://127.0.0.1:${port}`,
    log: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Waits until mosquitto listens; gives up after a minute (a hang: a busy machine is slow, not that slow). */
async function waitForPort(port: number, dead: () => boolean, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (dead()) throw new Error(`mosquitto exited: ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1');
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`mosquitto did not listen on ${port}: ${log()}`);
}
