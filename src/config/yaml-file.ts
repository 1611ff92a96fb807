import { readFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { isMapping, type PathSegment } from './key-path.js';
import type { ConfigProblem } from './problem.js';

/** A position in the config file, 1-based. */
export interface FilePosition {
  readonly line: number;
  readonly column: number;
}

/** A parsed config file: its data, any syntax problems, and a way back from key paths to lines. */
export interface ConfigText {
  /** The top-level mapping, with empty (null) mapping values removed; {} when unusable. */
  readonly data: Record<string, unknown>;
  /** Syntax problems (the file cannot be used) and a wrong top level (it can, as {}). */
  readonly syntaxProblems: ConfigProblem[];
  readonly shapeProblems: ConfigProblem[];
  /**
   * The position of the deepest node along `path` that the file has; undefined when the file
   * has not even the first key (the value came from the defaults).
   */
  locate(path: readonly PathSegment[]): FilePosition | undefined;
}

const SYNTAX_FIXES: Record<string, string> = {
  DUPLICATE_KEY: 'remove one of the two entries with this key',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  BAD_INDENT: 'line up the keys of one mapping at the same indentation, and close every [ and {',
  MULTIPLE_DOCS: 'keep one document in the file (remove the extra ---)',
};
const DEFAULT_SYNTAX_FIX =
  'check the indentation and quoting around that position (quote values that contain ": " or " #")';

/**
 * Reads a config file; an unreadable file is a problem, not a throw.
 * @example const { text, problem } = await readConfigFile('config/default.yaml')
 */
export async function readConfigFile(file: string): Promise<{ text?: string; problem?: ConfigProblem }> {
  try {
    return { text: await readFile(file, 'utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const fix =
      code === 'ENOENT'
        ? 'check the path, or leave out the file to use the packaged defaults (config/default.yaml)'
        : code === 'EACCES'
          ? 'make the file readable by the user edgecam runs as'
          : code === 'EISDIR'
            ? 'name a YAML file, not a directory'
            : 'check that the file exists and can be read';
    return {
      problem: {
        path: '',
        value: file,
        message: `cannot read the file (${code ?? (err as Error).message})`,
        fix,
      },
    };
  }
}

/**
 * Parses config YAML, keeping node positions so that problems can name a line and column.
 * Empty mapping values (`mqtt:` with every key commented out) count as absent: they take the defaults.
 * @example parseConfigText('http:\n  port: 9000\n').data // { http: { port: 9000 } }
 */
export function parseConfigText(text: string): ConfigText {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number): FilePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const lines = text.split(/\r?\n/);
  const syntaxProblems: ConfigProblem[] = doc.errors.map((err) => {
    const { line, column } = position(err.pos[0]);
    return {
      path: '',
      value: lines[line - 1]?.trim() || undefined,
      message: `YAML syntax error at line ${line}, column ${column}: ${err.message.split('\n')[0]}`,
      fix: SYNTAX_FIXES[err.code] ?? DEFAULT_SYNTAX_FIX,
      line,
      column,
    };
  });
  const locate = (path: readonly PathSegment[]): FilePosition | undefined => {
    let node: unknown = doc.contents;
    let offset = path.length === 0 ? (node as Node | null)?.range?.[0] : undefined;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === segment);
        if (pair === undefined) break;
        offset = (pair.key as Node).range?.[0] ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment] as Node | undefined;
        if (item === undefined) break;
        offset = item.range?.[0] ?? offset;
        node = item;
      } else break;
    }
    return offset === undefined ? undefined : position(offset);
  };
  if (syntaxProblems.length > 0) return { data: {}, syntaxProblems, shapeProblems: [], locate };
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return { data: {}, syntaxProblems, shapeProblems: [], locate };
  if (!isMapping(value)) {
    const shapeProblems: ConfigProblem[] = [
      {
        path: '',
        value,
        message: `the file must hold a mapping of keys (device:, http:, cameras:, ...) but holds ${Array.isArray(value) ? 'a list' : 'a single value'}`,
        fix: 'start from config/default.yaml and change the keys you need',
        ...locate([]),
      },
    ];
    return { data: {}, syntaxProblems, shapeProblems, locate };
  }
  return { data: dropEmptyValues(value), syntaxProblems, shapeProblems: [], locate };
}

function dropEmptyValues(map: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(map)) {
    if (value === null) continue;
    const kept = isMapping(value)
      ? dropEmptyValues(value)
      : Array.isArray(value)
        ? value.map(dropInItems)
        : value;
    // defineProperty, so that a "__proto__" key stays a key (and is reported as unknown).
    Object.defineProperty(out, key, { value: kept, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function dropInItems(value: unknown): unknown {
  return isMapping(value) ? dropEmptyValues(value) : value;
}
