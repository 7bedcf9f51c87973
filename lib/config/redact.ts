import 'server-only';
import type { PhaseboardConfig } from './load-config';

/**
 * The config as a support bundle may show it: connection facts and settings,
 * never a password or key. CA certificates are public but long; their size is enough.
 */
export function redactConfig(config: PhaseboardConfig) {
  return {
    source: config.source,
    dataDir: config.dataDir,
    simulator: config.simulator,
    triage: config.triage,
    engines: config.engines.map((e) =>
      e.engine === 'libvirt'
        ? { id: e.id, engine: e.engine, uri: e.uri, pollIntervalMs: e.pollIntervalMs, timeoutMs: e.timeoutMs }
        : {
            id: e.id,
            engine: e.engine,
            url: e.url,
            username: e.username,
            password: '[redacted]',
            passwordFile: e.passwordFile ?? null,
            caFile: e.caFile ?? null,
            ca: e.ca ? `[PEM, ${e.ca.length} characters]` : null,
            pollIntervalMs: e.pollIntervalMs,
            timeoutMs: e.timeoutMs,
          },
    ),
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
