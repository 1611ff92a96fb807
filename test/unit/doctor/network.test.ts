import { once } from 'node:events';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { checkBroker, checkHttpPort, portState } from '../../../src/doctor/network.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A server listening on a free port of 127.0.0.1: a port in use, or a broker that answers. */
async function listening(): Promise<number> {
  const server = createServer((socket) => socket.destroy());
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on (one that was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('doctor: http (the port of health, metrics and the live view)', () => {
  it('is ok when the port is free, and leaves it free', async () => {
    const port = await closedPort();
    expect(await checkHttpPort({ host: '127.0.0.1', port })).toEqual({
      name: 'http',
      status: 'ok',
      found: `127.0.0.1:${port} is free to listen on`,
    });
    expect(await portState('127.0.0.1', port)).toEqual({ free: true });
  });

  it('fails when another program holds the port, saying it may be edgecam itself', async () => {
    const port = await listening();
    const r = await checkHttpPort({ host: '127.0.0.1', port });
    expect(r.status).toBe('fail');
    expect(r.found).toBe(`cannot listen on 127.0.0.1:${port}: EADDRINUSE`);
    expect(r.fix).toMatch(/edgecam already runs.*set http\.port to a free port/);
  });

  it('fails when http.host is not an address of this machine', async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): no machine has it.
    const r = await checkHttpPort({ host: '192.0.2.1', port: 8080 });
    expect(r.status).toBe('fail');
    expect(r.found).toMatch(/EADDRNOTAVAIL/);
    expect(r.fix).toMatch(/set http\.host to an address of this machine/);
  });

  it('fails on a port below 1024 without root', async ({ skip }) => {
    if (process.getuid?.() === 0) skip('root may listen on any port: this runs as root');
    const r = await checkHttpPort({ host: '127.0.0.1', port: 80 });
    expect(r.status).toBe('fail');
    expect(r.fix).toMatch(/above 1023/);
  });
});

describe('doctor: mqtt (the broker)', () => {
  const broker = { host: '127.0.0.1', port: 1883 };

  it('is ok when the broker of mqtt.url answers a TCP connect, and shows no password', async () => {
    const port = await listening();
    const r = await checkBroker({ url: `mqtt://edgecam:s3cret@127.0.0.1:${port}`, broker });
    expect(r.status).toBe('ok');
    expect(r.found).toMatch(new RegExp(`^broker mqtt://127\\.0\\.0\\.1:${port} answers`));
    expect(JSON.stringify(r)).not.toContain('s3cret');
  });

  it('fails when the broker does not answer', async () => {
    const port = await closedPort();
    const r = await checkBroker({ url: `mqtt://127.0.0.1:${port}`, broker });
    expect(r.status).toBe('fail');
    expect(r.found).toMatch(/does not answer a TCP connect/);
    expect(r.fix).toMatch(/set mqtt\.url/);
  });

  it('checks that the embedded broker can listen when mqtt.url is ""', async () => {
    const free = await closedPort();
    const ok = await checkBroker({ url: '', broker: { host: '127.0.0.1', port: free } });
    expect(ok).toEqual({
      name: 'mqtt',
      status: 'ok',
      found: `embedded broker (mqtt.url ""): 127.0.0.1:${free} is free to listen on`,
    });
    const taken = await listening();
    const r = await checkBroker({ url: '', broker: { host: '127.0.0.1', port: taken } });
    expect(r.status).toBe('fail');
    expect(r.fix).toContain(`set mqtt.url to it (mqtt://127.0.0.1:${taken})`);
  });
});
