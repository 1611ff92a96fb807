// Starts a worker thread's .ts module when edgecam runs from its TypeScript sources (vitest, tsx):
// Node 20 cannot load .ts files itself and ignores --import in a worker's execArgv, so this
// registers tsx's loader first. startWorker (worker-thread.ts) passes the module's URL as the
// worker's one argument. The published package runs the compiled workers directly and never
// loads this file.
import { register } from 'tsx/esm/api';

register();
// Taken off process.argv, so that the worker sees the arguments it would see compiled.
const [entry] = process.argv.splice(2, 1);
await import(entry);
