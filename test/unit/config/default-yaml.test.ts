import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { configSchema, DEFAULT_CONFIG_FILE, envName, loadConfig } from '../../../src/config/index.js';
import { keyPaths } from '../../../src/config/schema-walk.js';

const text = readFileSync(DEFAULT_CONFIG_FILE, 'utf8');
const lines = text.split('\n');
const lineCounter = new LineCounter();
const doc = parseDocument(text, { lineCounter });

/** The 0-based line of the key at a concrete path (list items by index), or undefined. */
function keyLine(path: readonly (string | number)[]): number | undefined {
  let node: unknown = doc.contents;
  let line: number | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === segment);
      if (pair === undefined) return undefined;
      line = lineCounter.linePos((pair.key as Node).range![0]).line - 1;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      if (node === undefined) return undefined;
    } else return undefined;
  }
  return line;
}

/** The comment on a key's line and the block of comment lines right above it. */
function commentAt(line: number): string {
  const block: string[] = [];
  for (let i = line - 1; i >= 0 && /^\s*#/.test(lines[i]!); i--) block.unshift(lines[i]!);
  const own = lines[line]!.match(/\s#.*$/)?.[0] ?? '';
  return [...block, own].join('\n').trim();
}

// Steps inside a camera's inline chain are the same steps as under kernels.chains, documented there.
// A source's keys (one set per kind) and the optional crop are documented in comments, since the
// default camera is one kind and has no crop.
const inComments = /^cameras\[\]\.(source\.(?!kind$)|crop($|\.))/;
const allPaths = keyPaths(configSchema).filter((p) => !/^cameras\[\]\.(preprocess|edges)\[\]/.test(p));
const paths = allPaths.filter((p) => !inComments.test(p));
const isLeaf = (path: string) => !paths.some((p) => p.startsWith(`${path}.`) || p.startsWith(`${path}[]`));

describe('config/default.yaml', () => {
  it('loads to exactly the schema defaults, but for its camera: the sign model on its sample replay', async () => {
    const { cameras, ...rest } = await loadConfig({ file: DEFAULT_CONFIG_FILE, env: {} });
    const { cameras: emptyFileCameras, ...defaults } = configSchema.parse({});
    expect(rest).toEqual(defaults);
    // An empty file gets a synthetic camera and no model (it works from any folder) ...
    expect(emptyFileCameras[0]).toMatchObject({ id: 'demo', source: { kind: 'synthetic' }, model: '' });
    // ... while the shipped file replays models/signs/samples through models/signs for `npm start`.
    expect(cameras).toHaveLength(1);
    expect(cameras[0]).toMatchObject({
      id: 'demo',
      source: { kind: 'file', path: 'models/signs/samples', loop: true },
      model: 'models/signs',
      threshold: 0.67,
    });
    expect(cameras[0]!.preprocess).toEqual([]);
  });

  it('walks a schema with both concrete keys and chain step keys', () => {
    expect(paths).toContain('mqtt.broker.port');
    expect(paths).toContain('cameras[].source.kind');
    expect(paths).toContain('kernels.chains.*[].stride');
    expect(paths).toContain('kernels.chains.*[].kernel.weights');
  });

  it.each(paths.filter((p) => !p.includes('*')))(
    'documents %s with a comment (and its env variable)',
    (path) => {
      const segments = path.split(/\.|(?=\[\])/).map((s) => (s === '[]' ? 0 : s));
      const line = keyLine(segments);
      expect(line, `${path} is not a key in default.yaml`).toBeDefined();
      expect(commentAt(line!), `${path} has no comment`).not.toBe('');
      if (isLeaf(path)) {
        // The variable may sit in the comment of the key or of a parent (source.kind's is on source).
        const comments = segments.map((_, i) => keyLine(segments.slice(0, i + 1))).map((l) => commentAt(l!));
        expect(comments.join('\n'), `${path} does not name ${envName(segments)}`).toContain(
          envName(segments),
        );
      }
    },
  );

  it.each(allPaths.filter((p) => inComments.test(p)))('documents camera key %s in a comment', (path) => {
    const key = path.split('.').pop()!;
    expect(lines.some((l) => new RegExp(`^\\s*#.*\\b${key}:`).test(l))).toBe(true);
  });

  it.each(paths.filter((p) => p.includes('*')))('documents chain step key %s in a comment', (path) => {
    const key = path.split(/\.|\[\]/).pop()!;
    expect(lines.some((l) => new RegExp(`^\\s*#.*\\b${key}:`).test(l))).toBe(true);
  });
});
