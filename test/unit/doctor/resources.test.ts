import { statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDisk, checkMemory, formatBytes, parseMeminfo } from '../../../src/doctor/resources.js';
import { board, tempDir, writeTree } from './helpers.js';

describe('doctor: memory (/proc/meminfo)', () => {
  it('is ok on a 4 GB Pi 4', async () => {
    expect(await checkMemory(`${board('pi4')}/proc`)).toEqual({
      name: 'memory',
      status: 'ok',
      found: '3.2 GiB available of 3.7 GiB',
    });
  });

  it("fails below the daemon's 250 MB (a Pi Zero 2 W with a desktop running)", async () => {
    const r = await checkMemory(`${board('low-memory')}/proc`);
    expect(r.status).toBe('fail');
    expect(r.found).toBe('177 MiB available of 418 MiB: the daemon takes about 250 MB');
    expect(r.fix).toMatch(/multi-user\.target/);
  });

  it('warns with little left beside the daemon', async () => {
    const root = await tempDir();
    await writeTree(root, { meminfo: 'MemTotal:  1000000 kB\nMemAvailable:  400000 kB\n' });
    expect((await checkMemory(root)).status).toBe('warn');
  });

  it('warns when MemAvailable cannot be read', async () => {
    const root = await tempDir();
    await writeTree(root, { meminfo: 'MemTotal:  1000000 kB\nMemFree:  400000 kB\n' });
    expect((await checkMemory(root)).found).toMatch(/no MemAvailable/);
    expect((await checkMemory('/nonexistent')).status).toBe('warn');
  });

  it('parses kB into bytes and prints MiB and GiB', () => {
    expect(parseMeminfo('MemTotal:  2048 kB\nMemAvailable:    1024 kB\n')).toEqual({
      total: 2048 * 1024,
      available: 1024 * 1024,
    });
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GiB');
    expect(formatBytes(300 * 1024 ** 2)).toBe('300 MiB');
  });
});

describe('doctor: disk (free space for stateDir)', () => {
  it('measures the file system stateDir will be made on, relative to the working folder', async () => {
    const cwd = await tempDir();
    const r = await checkDisk({ stateDir: 'state/edgecam', cwd, outboxBytes: 1 });
    expect(r.status).toBe('ok');
    expect(r.found).toMatch(
      new RegExp(`free for stateDir ${join(cwd, 'state/edgecam')} \\(on ${cwd}; created at start\\)$`),
    );
  });

  it('fails when the outbox alone could not fit, and warns below four outboxes', async () => {
    const dir = await tempDir();
    const fs = await statfs(dir);
    const free = fs.bavail * fs.bsize;
    const full = await checkDisk({ stateDir: dir, cwd: '/', outboxBytes: free * 4 });
    expect(full.status).toBe('fail');
    expect(full.found).toMatch(/mqtt\.outbox\.maxBytes/);
    expect(full.fix).toMatch(/lower mqtt\.outbox\.maxBytes/);
    // Half the free space: room for the outbox, not for four.
    expect((await checkDisk({ stateDir: dir, cwd: '/', outboxBytes: free / 2 })).status).toBe('warn');
  });
});
