import 'server-only';
import { startRuntime, type Runtime } from './runtime';

// Route bundles and instrumentation do not share module state; the process
// does. One runtime per process, kept on globalThis.
const holder = globalThis as typeof globalThis & {
  __phaseboardRuntime?: Promise<Runtime>;
  /** called by the server (scripts/start.mjs) on SIGTERM */
  __phaseboardStop?: () => Promise<void>;
};

export function getRuntime(): Promise<Runtime> {
  if (!holder.__phaseboardRuntime) {
    holder.__phaseboardRuntime = startRuntime();
    holder.__phaseboardStop = async () => (await holder.__phaseboardRuntime)?.stop();
  }
  return holder.__phaseboardRuntime;
}
