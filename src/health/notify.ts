import type { Logger } from 'pino';

/**
 * sd_notify: datagrams to systemd's NOTIFY_SOCKET (READY=1, WATCHDOG=1, STATUS=...), sent with
 * unix-dgram (a native optional dependency) rather than a `systemd-notify` process per ping.
 * Without NOTIFY_SOCKET (not under systemd, Type= not notify) every send is a no-op; so is it,
 * after one warning, when unix-dgram did not build or the socket is abstract (@...), which it
 * cannot address.
 */

export interface Notifier {
  /** True when messages go somewhere. */
  readonly active: boolean;
  send(message: string): void;
  close(): void;
}

const inactive: Notifier = { active: false, send() {}, close() {} };

/**
 * A notifier for NOTIFY_SOCKET in `env`.
 * @example const notifier = await createNotifier(process.env, logger); notifier.send('READY=1')
 */
export async function createNotifier(
  env: NodeJS.ProcessEnv = process.env,
  logger?: Logger,
): Promise<Notifier> {
  const path = env.NOTIFY_SOCKET;
  if (path === undefined || path === '') return inactive;
  if (path.startsWith('@')) {
    logger?.warn(
      { path },
      'NOTIFY_SOCKET is an abstract socket, which edgecam cannot address: no systemd notifications',
    );
    return inactive;
  }
  let dgram: typeof import('unix-dgram');
  try {
    dgram = await import('unix-dgram');
  } catch (err) {
    logger?.warn(
      { err },
      'unix-dgram is not available (it did not build): no systemd notifications or watchdog pings',
    );
    return inactive;
  }
  const socket = dgram.createSocket('unix_dgram');
  socket.on('error', (err: Error) => logger?.warn({ err, path }, 'systemd notification failed'));
  return {
    active: true,
    send(message) {
      const buf = Buffer.from(message);
      socket.send(buf, 0, buf.length, path, (err) => {
        if (err) logger?.warn({ err, path }, 'systemd notification failed');
      });
    },
    close() {
      socket.close();
    },
  };
}
