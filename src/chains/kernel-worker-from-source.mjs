// Starts kernel-worker.ts when edgecam runs from its TypeScript sources (vitest, tsx): Node 20
// cannot load .ts files itself and ignores --import in a worker's execArgv, so this registers
// tsx's loader first. The published package runs the compiled kernel-worker.js directly.
import { register } from 'tsx/esm/api';

register();
await import(new URL('./kernel-worker.ts', import.meta.url).href);
