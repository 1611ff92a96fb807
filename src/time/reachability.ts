import { stat } from 'node:fs/promises';
import { Socket } from 'node:net';
import type { ReachabilityProbe } from './probed-wait.js';

/**
 * The cheap probes of waitOrReachable: a TCP connect to a host and port (a broker, an IP camera),
 * or a stat of a path (a local video device). None of them logs; a connect is closed as soon as
 * it is made, before a byte is sent.
 */

/** How long a connect may take before the host counts as unreachable for this probe, ms. */
export const CONNECT_TIMEOUT_MS = 1000;

/**
 * Succeeds when a TCP connection to `host`:`port` opens within `timeoutMs`.
 * @example await tcpProbe('127.0.0.1', 1883)(signal) // true while a broker listens there
 */
export function tcpProbe(host: string, port: number, timeoutMs = CONNECT_TIMEOUT_MS): ReachabilityProbe {
  return (signal) =>
    new Promise<boolean>((resolve) => {
      const socket = new Socket();
      const finish = (reachable: boolean) => {
        signal.removeEventListener('abort', onAbort);
        socket.destroy();
        resolve(reachable);
      };
      const onAbort = () => finish(false);
      if (signal.aborted) return finish(false);
      signal.addEventListener('abort', onAbort, { once: true });
      socket.setTimeout(timeoutMs, () => finish(false));
      socket.once('connect', () => finish(true));
      socket.once('error', () => finish(false));
      socket.connect(port, host);
    });
}

/**
 * A tcpProbe for a URL's host and port (the scheme's port from `defaultPorts` when the URL has
 * none), or undefined for a URL it cannot probe (unknown scheme, not a URL).
 * @example urlProbe('mqtts://broker', { 'mqtts:': 8883 }) // probes broker:8883
 */
export function urlProbe(
  url: string,
  defaultPorts: Readonly<Record<string, number>>,
): ReachabilityProbe | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const port = parsed.port !== '' ? Number(parsed.port) : defaultPorts[parsed.protocol];
  // URL keeps an IPv6 literal in brackets, which net.connect does not take.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (port === undefined || host === '') return undefined;
  return tcpProbe(host, port);
}

/**
 * Succeeds while `path` exists (a video device that was unplugged comes back as its node).
 * @example await pathProbe('/dev/video0')(signal)
 */
export function pathProbe(path: string): ReachabilityProbe {
  return async () => {
    try {
      await stat(path);
      return true;
    } catch {
      return false;
    }
  };
}
