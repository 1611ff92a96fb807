// The last step of `npm run build`: dist/cli.js, which tsc wrote as one small module importing
// ~200 others, is replaced by one minified file holding them and the pure-JavaScript packages they
// import (zod, mqtt.js, aedes, pino, prom-client, yaml, commander, ...). The daemon's main thread
// then keeps one short source text in its heap instead of hundreds of long ones: 5 to 8 MB less
// resident memory on the default config (`npm run bench:memory -- --baseline DIR` against a build
// without this step). Not to be confused with `npm run bundle`, the offline
// install tarball.
// Everything else under dist/ stays as tsc wrote it: the library (`edgecam` and `edgecam/backend`
// imports) and the worker threads' entries, which load the modules beside them.
// Stack traces name minified functions; `node --enable-source-maps dist/cli.js` maps them back
// through dist/cli.js.map (not in the offline tarball, which leaves maps out).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';

/**
 * Packages left out of the file, loaded from node_modules at run time as before: those with
 * native binaries or programs found beside their own files (sharp, onnxruntime-node, classic-level
 * under `level`, unix-dgram, ffmpeg), those loaded only for some models, which find their
 * WebAssembly files beside them (onnxruntime-web, TensorFlow.js), and node-webcam, loaded only for
 * a USB camera read through fswebcam.
 */
export const EXTERNAL_PACKAGES = [
  'sharp',
  'onnxruntime-node',
  'onnxruntime-web',
  'classic-level',
  'unix-dgram',
  '@ffmpeg-installer/*',
  '@tensorflow/*',
  'node-webcam',
];

/**
 * What `import.meta.url` becomes in `file` (a module under src/) once it is inside dist/cli.js:
 * the URL of that module's own compiled file under dist/, so that the files it finds beside itself
 * (config/default.yaml, the live page, the wasm kernels, the worker entries, package.json) are
 * found where they were.
 * @example moduleUrlExpression('/r', '/r/src/config/load.ts') // 'new URL("./config/load.js", import.meta.url).href'
 */
export function moduleUrlExpression(root, file) {
  const compiled = relative(join(root, 'src'), file).split('\\').join('/').replace(/\.ts$/, '.js');
  return `new URL(${JSON.stringify(`./${compiled}`)}, import.meta.url).href`;
}

/** esbuild plugin: each module of src/ keeps its own import.meta.url (moduleUrlExpression). */
function ownModuleUrls(root) {
  return {
    name: 'own-module-urls',
    setup(build) {
      const src = join(root, 'src');
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        if (relative(src, args.path).startsWith('..')) return undefined;
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        const url = moduleUrlExpression(root, args.path);
        return { contents: source.replaceAll('import.meta.url', url), loader: 'ts' };
      });
    },
  };
}

/**
 * Writes dist/cli.js (and dist/cli.js.map) under `root` from src/cli.ts. Resolves with the
 * file's size in bytes.
 * @example await bundleCli('/work/edgecam') // 1244394
 */
export async function bundleCli(root) {
  const esbuild = createRequire(join(root, 'package.json'))('esbuild');
  const outfile = join(root, 'dist', 'cli.js');
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [join(root, 'src', 'cli.ts')],
    outfile,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL_PACKAGES,
    // The CommonJS packages inside call require() for Node's modules and the packages left out.
    banner: {
      js: "import { createRequire as __edgecamRequire } from 'node:module';\nconst require = __edgecamRequire(import.meta.url);",
    },
    plugins: [ownModuleUrls(root)],
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'silent',
    metafile: true,
  });
  return result.metafile.outputs[relative(root, outfile).split('\\').join('/')].bytes;
}
