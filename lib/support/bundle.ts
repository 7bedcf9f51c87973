import 'server-only';
import pkg from '@/package.json';
import { redactConfig } from '@/lib/config/redact';
import { AppError, publicMessage } from '@/lib/errors/app-error';
import type { Collector } from '@/lib/collector/collector';
import type { PhaseboardConfig } from '@/lib/config/load-config';
import type { ConnectionFacts } from '@/lib/model/connection';
import type { Store } from '@/lib/store/types';

export interface BundleSources {
  store: Store;
  collector: Collector;
  connections: readonly ConnectionFacts[];
  config: PhaseboardConfig;
  startedAt: string;
}

/**
 * Everything support needs about one operation, in one JSON file: the
 * operation, its timeline, findings with their journals, action and playbook
 * runs, the engine and phaseboard versions, and the config without secrets.
 */
export async function buildSupportBundle(rt: BundleSources, operationId: string) {
  const { store } = rt;
  const operation = await store.getOperation(operationId);
  if (!operation) throw new AppError('not_found', `no operation "${operationId}"`);
  const [timeline, actionRuns, findingPage, playbookRuns] = await Promise.all([
    store.timeline(operationId),
    store.listActionRuns(operationId),
    store.listFindings({ operationId, limit: 500, offset: 0 }),
    store.listPlaybookRuns({ operationId }),
  ]);
  const findings = await Promise.all(findingPage.items.map(async (f) => ({ ...f, journal: await store.findingNotes(f.id) })));
  const connection = rt.connections.find((c) => c.id === operation.connectionId) ?? null;
  const status = rt.collector.statuses().find((s) => s.id === operation.connectionId) ?? null;
  let engineVersion: { product: string; version: string } | { error: string } | null = null;
  try {
    const adapter = rt.collector.connection(operation.connectionId).adapter;
    engineVersion = adapter.describeEngine ? await adapter.describeEngine() : null;
  } catch (e) {
    engineVersion = { error: publicMessage(e) };
  }
  return {
    kind: 'phaseboard-support-bundle',
    // 2: actors are objects (kind, id, name), not names; findings say how they were resolved (resolvedBy)
    formatVersion: 2,
    generatedAt: new Date().toISOString(),
    phaseboard: { version: pkg.version, node: process.version, platform: `${process.platform}/${process.arch}`, startedAt: rt.startedAt },
    engine: { connection, status, version: engineVersion },
    operation,
    timeline,
    findings,
    actionRuns,
    playbookRuns,
    config: redactConfig(rt.config),
  };
}
