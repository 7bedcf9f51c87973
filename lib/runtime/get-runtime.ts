import { startRuntime, type Runtime } from './runtime';

// Route bundles and instrumentation do not share module state; the process
// does. One runtime per process, kept on globalThis.
const holder = globalThis as typeof globalThis & { __phaseboardRuntime?: Promise<Runtime> };

export function getRuntime(): Promise<Runtime> {
  holder.__phaseboardRuntime ??= startRuntime();
  return holder.__phaseboardRuntime;
}
