import { timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { isLoopbackHost } from '../config/loopback.js';
import { EdgecamError } from '../errors.js';
import type { Readiness } from './readiness.js';

/**
 * The health HTTP server (node:http): /healthz (alive, event loop responsive), /readyz (every
 * registered part ready, with a JSON body that says which is not), /metrics (Prometheus text).
 * Other routes (the live view, images, control) are added by the daemon with route(); those, and
 * /metrics unless metricsOpen, need `Authorization: Bearer <http.token>` when a token is set.
 */

export interface HealthServerOptions {
  readonly host: string;
  readonly port: number;
  /** Bearer token for protected routes; "" for none (allowed on loopback only). */
  readonly token: string;
  /** /metrics without the token. */
  readonly metricsOpen: boolean;
  readonly registry: Registry;
  readonly readiness: Readiness;
  readonly logger?: Logger;
  /** /healthz fails when the event loop fell this far behind (default 5000 ms). */
  readonly maxEventLoopLagMs?: number;
}

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** How often the event loop lag is sampled. */
const LAG_SAMPLE_MS = 500;

/** `Bearer <token>`, the scheme in any case (RFC 9110 section 11.1: schemes are case-insensitive). */
const BEARER = /^bearer +(.*)$/is;

/**
 * Starts the server; throws EDGECAM_ERR_HTTP_LISTEN when the address is taken, and
 * EDGECAM_ERR_ARGUMENT when a non-loopback host has no token.
 * @example const http = await HealthServer.start({ host: '127.0.0.1', port: 8080, token: '', metricsOpen: false, registry, readiness })
 */
export class HealthServer {
  readonly #routes = new Map<string, { handler: RouteHandler; open: boolean }>();
  readonly #token: Buffer | undefined;
  #lagMs = 0;
  #lagTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly server: Server,
    private readonly options: HealthServerOptions,
  ) {
    this.#token = options.token === '' ? undefined : Buffer.from(options.token);
    this.route('/healthz', (_req, res) => this.#healthz(res), { open: true });
    this.route('/readyz', (_req, res) => this.#readyz(res), { open: true });
    this.route('/metrics', (_req, res) => this.#metrics(res), { open: options.metricsOpen });
    this.route(
      '/',
      (_req, res) => json(res, 200, { name: 'edgecam', endpoints: ['/healthz', '/readyz', '/metrics'] }),
      {
        open: true,
      },
    );
  }

  static async start(options: HealthServerOptions): Promise<HealthServer> {
    if (options.token === '' && !isLoopbackHost(options.host)) {
      throw new EdgecamError(
        'EDGECAM_ERR_ARGUMENT',
        `http.host ${options.host} serves the network and http.token is empty. Fix: set http.token, or keep http.host: 127.0.0.1`,
      );
    }
    const server = createServer();
    const health = new HealthServer(server, options);
    server.on('request', (req, res) => health.#handle(req, res));
    server.listen(options.port, options.host);
    try {
      await once(server, 'listening');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new EdgecamError(
        'EDGECAM_ERR_HTTP_LISTEN',
        `cannot serve health on ${options.host}:${options.port}: ${(err as Error).message}. Fix: ${
          code === 'EADDRINUSE'
            ? 'another program uses the port: set http.port to a free one (0 picks one)'
            : 'set http.host to an address of this machine'
        }`,
        { cause: err },
      );
    }
    server.on('error', (err) => options.logger?.error({ err }, 'health HTTP server error'));
    health.#sampleLag();
    return health;
  }

  /** The port it listens on (useful with port 0). */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** http://host:port */
  get url(): string {
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return `http://${host}:${this.port}`;
  }

  /**
   * Adds a route; `open: false` (the default) requires the token when one is set. A path ending
   * in `*` matches every path that starts with what comes before it (`/cameras/*`), so routes
   * with an id in them need no registration per id; an exact path wins over it.
   */
  route(path: string, handler: RouteHandler, options: { open?: boolean } = {}): void {
    this.#routes.set(path, { handler, open: options.open ?? false });
  }

  /** Stops listening and closes open connections. */
  async stop(): Promise<void> {
    if (this.#lagTimer !== undefined) clearTimeout(this.#lagTimer);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0]!;
    const route = this.#routes.get(path) ?? this.#prefixRoute(path);
    if (route === undefined) {
      json(res, 404, { error: `no route ${path}` });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      json(res, 405, { error: 'use GET' });
      return;
    }
    if (!route.open && !this.#authorized(req)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      json(res, 401, { error: 'send Authorization: Bearer <http.token>' });
      return;
    }
    Promise.resolve()
      .then(() => route.handler(req, res))
      .catch((err: unknown) => {
        this.options.logger?.error({ err, path }, 'health route failed');
        if (!res.headersSent) json(res, 500, { error: 'internal error' });
        else res.destroy();
      });
  }

  /** The `<prefix>*` route that `path` falls under; the longest prefix wins. */
  #prefixRoute(path: string): { handler: RouteHandler; open: boolean } | undefined {
    let found: { handler: RouteHandler; open: boolean } | undefined;
    let foundLength = 0;
    for (const [key, route] of this.#routes) {
      const prefix = key.slice(0, -1);
      if (key.endsWith('*') && path.startsWith(prefix) && prefix.length >= foundLength) {
        found = route;
        foundLength = prefix.length;
      }
    }
    return found;
  }

  #authorized(req: IncomingMessage): boolean {
    if (this.#token === undefined) return true;
    const header = req.headers.authorization ?? '';
    const given = Buffer.from(BEARER.exec(header)?.[1] ?? '');
    return given.length === this.#token.length && timingSafeEqual(given, this.#token);
  }

  #healthz(res: ServerResponse): void {
    const max = this.options.maxEventLoopLagMs ?? 5000;
    const lag = Math.round(this.#lagMs);
    if (lag > max) json(res, 503, { status: 'event loop blocked', eventLoopLagMs: lag, limitMs: max });
    else json(res, 200, { status: 'ok', eventLoopLagMs: lag });
  }

  #readyz(res: ServerResponse): void {
    const report = this.options.readiness.report();
    json(res, report.ready ? 200 : 503, report);
  }

  async #metrics(res: ServerResponse): Promise<void> {
    const text = await this.options.registry.metrics();
    res.writeHead(200, { 'Content-Type': this.options.registry.contentType });
    res.end(text);
  }

  /** A timer that should fire every LAG_SAMPLE_MS: how late it fires is the event loop's lag. */
  #sampleLag(): void {
    const expected = Date.now() + LAG_SAMPLE_MS;
    this.#lagTimer = setTimeout(() => {
      this.#lagMs = Math.max(0, Date.now() - expected);
      this.#sampleLag();
    }, LAG_SAMPLE_MS).unref();
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(text);
}
