import 'server-only';
import type { AnyEngineModule } from '@/lib/engines/module';
import { engineModule, ENGINES } from '@/lib/engines/registry';
import type { PhaseboardConfig } from './load-config';

/**
 * The config as a support bundle may show it: connection facts and settings,
 * never a password or key (each engine redacts its own connections).
 */
export function redactConfig(config: PhaseboardConfig, engines: readonly AnyEngineModule[] = ENGINES) {
  return {
    source: config.source,
    dataDir: config.dataDir,
    simulator: config.simulator,
    triage: config.triage,
    engines: config.engines.map((e) => engineModule(e.engine, engines).redact(e)),
    engineSettings: config.engineSettings,
    webhooks: config.webhooks.map((w) => ({
      id: w.id,
      url: w.url,
      events: w.events,
      secret: '[redacted]',
      secretFile: w.secretFile ?? null,
      caFile: w.caFile ?? null,
      maxAttempts: w.maxAttempts,
    })),
  };
}
