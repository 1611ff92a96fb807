import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImageFile } from '../../src/cli/image-file.js';
import { conv2d } from '../../src/kernels/conv2d.js';
import { kernels, resolveKernel } from '../../src/kernels/library.js';
import { toUint8 } from '../../src/kernels/uint8.js';
import { FRUITS, runCli } from './cli-helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edgecam-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('edgecam kernel list', () => {
  it('prints every library kernel with its matrix', async () => {
    const r = await runCli(['kernel', 'list']);
    expect(r.code).toBe(0);
    expect(kernels.length).toBeGreaterThanOrEqual(13);
    for (const k of kernels) expect(r.stdout).toContain(`${k.name} (${k.width}x${k.height})`);
    // The outline matrix, row by row.
    const outline = r.stdout.slice(r.stdout.indexOf('outline ('));
    expect(outline).toMatch(/-1\s+-1\s+-1\n\s+-1\s+8\s+-1\n\s+-1\s+-1\s+-1/);
  });
});

describe('edgecam kernel apply', () => {
  it('writes an 8-bit PNG equal to conv2d + clamp on the decoded image', async () => {
    const out = join(dir, 'sobel.png');
    const r = await runCli(['kernel', 'apply', FRUITS, out, '--gray', '--kernel', 'sobel-left']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const gray = await readImageFile(FRUITS, { gray: true });
    const expected = toUint8(conv2d(gray, resolveKernel('sobel-left')), { kind: 'clamp' });
    const written = await readImageFile(out);
    expect(written).toMatchObject({ width: 512, height: 480, channels: 1 });
    expect(Buffer.compare(written.data, expected.data)).toBe(0);
  });

  it('writes raw Float32 with a sidecar that matches conv2d exactly, chains left to right', async () => {
    const out = join(dir, 'chain.f32');
    const r = await runCli([
      'kernel',
      'apply',
      FRUITS,
      out,
      '--kernel',
      'gaussian5,outline',
      '--padding',
      'reflect',
    ]);
    expect(r.code).toBe(0);
    const meta = JSON.parse(await readFile(`${out}.json`, 'utf8'));
    expect(meta).toMatchObject({ width: 512, height: 480, channels: 3 });
    const rgb = await readImageFile(FRUITS);
    const opts = { padding: 'same', border: 'reflect' } as const;
    const expected = conv2d(conv2d(rgb, resolveKernel('gaussian5'), opts), resolveKernel('outline'), opts);
    const bytes = await readFile(out);
    const got = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    expect(got.length).toBe(expected.data.length);
    expect(
      Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(Buffer.from(expected.data.buffer)),
    ).toBe(true);
  });

  it('honours valid and full padding and stride in the output size', async () => {
    const twoByTwo = join(dir, 'two.json');
    await writeFile(
      twoByTwo,
      JSON.stringify({
        weights: [
          [1, 1],
          [1, 1],
        ],
        normalize: true,
      }),
    );
    const cases: [string[], number, number][] = [
      [['-k', 'box3', '--padding', 'valid'], 510, 478],
      [['-k', 'box3', '--padding', 'full'], 514, 482],
      [['-k', 'box3', '--padding', '2'], 514, 482],
      [['--kernel-file', twoByTwo, '--padding', 'valid', '--stride', '2'], 256, 240],
    ];
    for (const [i, [flags, w, h]] of cases.entries()) {
      const out = join(dir, `size-${i}.f32`);
      const r = await runCli(['kernel', 'apply', FRUITS, out, '--gray', ...flags]);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(await readFile(`${out}.json`, 'utf8'))).toMatchObject({
        width: w,
        height: h,
        channels: 1,
      });
    }
  });

  it('reads a JSON kernel file', async () => {
    const file = join(dir, 'ridge.json');
    await writeFile(
      file,
      JSON.stringify({
        name: 'ridge',
        weights: [
          [0, -1, 0],
          [-1, 4, -1],
          [0, -1, 0],
        ],
      }),
    );
    const r = await runCli([
      'kernel',
      'apply',
      FRUITS,
      join(dir, 'ridge.png'),
      '--gray',
      '--kernel-file',
      file,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('ridge');
  });

  it('writes an edge map', async () => {
    const out = join(dir, 'edges.png');
    const r = await runCli(['kernel', 'edges', FRUITS, out, '--norm', 'L1', '--threshold', '80']);
    expect(r.code, r.stderr).toBe(0);
    expect((await sharp(out).metadata()).channels).toBe(1);
    const { data } = await readImageFile(out);
    expect(new Set(data)).toEqual(new Set([0, 255]));
  });
});

describe('edgecam kernel apply: user errors are one clear line and a non-zero exit', () => {
  const cases: { name: string; args: (d: string) => string[] | Promise<string[]>; match: RegExp }[] = [
    {
      name: 'unreadable image',
      args: (d) => ['kernel', 'apply', join(d, 'missing.jpg'), join(d, 'o.png'), '-k', 'box3'],
      match: /Cannot read image .*missing\.jpg.*EDGECAM_ERR_IMAGE_READ/,
    },
    {
      name: 'a file that is not an image',
      args: async (d) => {
        await writeFile(join(d, 'text.jpg'), 'not a jpeg');
        return ['kernel', 'apply', join(d, 'text.jpg'), join(d, 'o.png'), '-k', 'box3'];
      },
      match: /Cannot read image .*text\.jpg/,
    },
    {
      name: 'unknown kernel',
      args: (d) => ['kernel', 'apply', FRUITS, join(d, 'o.png'), '-k', 'sobel-lft'],
      match: /did you mean 'sobel-left'/,
    },
    {
      name: 'kernel file that is not JSON',
      args: async (d) => {
        await writeFile(join(d, 'bad.json'), '{ weights: ');
        return ['kernel', 'apply', FRUITS, join(d, 'o.png'), '--kernel-file', join(d, 'bad.json')];
      },
      match: /bad\.json.*not valid JSON/,
    },
    {
      name: 'kernel file with ragged rows',
      args: async (d) => {
        await writeFile(
          join(d, 'ragged.json'),
          JSON.stringify({
            weights: [
              [1, 2, 3],
              [4, 5],
            ],
          }),
        );
        return ['kernel', 'apply', FRUITS, join(d, 'o.png'), '--kernel-file', join(d, 'ragged.json')];
      },
      match: /ragged\.json.*row/i,
    },
    {
      name: 'impossible stride',
      args: (d) => [
        'kernel',
        'apply',
        FRUITS,
        join(d, 'o.png'),
        '-k',
        'box3',
        '--padding',
        'valid',
        '--stride',
        '4',
      ],
      match: /I=512.*F=3.*P=0.*S=4/,
    },
    {
      name: 'bad padding word',
      args: (d) => ['kernel', 'apply', FRUITS, join(d, 'o.png'), '-k', 'box3', '--padding', 'mirror'],
      match: /--padding must be one of valid, zero, edge, reflect, full/,
    },
    {
      name: 'an output folder that does not exist',
      args: (d) => ['kernel', 'apply', FRUITS, join(d, 'no', 'such', 'o.png'), '-k', 'box3'],
      match: /Cannot write .*o\.png.*EDGECAM_ERR_IMAGE_WRITE/,
    },
    {
      name: 'no kernel',
      args: (d) => ['kernel', 'apply', FRUITS, join(d, 'o.png')],
      match: /No kernel given/,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const r = await runCli(await c.args(dir));
      expect(r.code).not.toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(c.match);
    });
  }
});
