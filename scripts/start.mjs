// `npm start`: `edgecam run --announce` (the live-view URL and a mosquitto_sub command as the first
// lines on stdout, then the JSON logs), on config/default.yaml unless `npm start -- --config FILE`;
// dist/ is built first only when the sources changed since the last build (scripts/build-stamp.mjs).
// package.json runs this as `MALLOC_ARENA_MAX=2 ... exec node ... scripts/start.mjs`: with `exec`, the
// shell npm starts becomes this node process, so the SIGTERM or SIGINT npm forwards reaches the
// daemon itself. Without it, dash forks node, dies of the signal alone, and leaves the daemon
// running under PID 1. The daemon then runs in this same process: no second one to forward to.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from './build.mjs';

const code = await build(join(dirname(fileURLToPath(import.meta.url)), '..'), { ifStale: true });
if (code !== 0) process.exit(code);
// The CLI parses process.argv when imported: this makes it `edgecam run --announce [args...]`.
process.argv.splice(2, 0, 'run', '--announce');
await import('../dist/cli.js');
