import path from 'node:path';
import Database from 'libsql';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryBus } from '@/lib/bus/memory-bus';
import { logger } from '@/lib/log/logger';
import { TriageEvaluator } from '@/lib/triage/evaluator';
import { tempDir } from '@/lib/testing/temp-dir';
import { MIGRATIONS } from './schema';
import { openSqliteStore } from './sqlite-store';
import type { Store } from './types';

const T = '2026-01-01T00:00:00.000Z';
const LATER = '2026-01-01T00:10:00.000Z';

/** A finding as versions before migration 4 wrote it: actors as strings, no resolvedBy. */
function oldFinding(id: string, o: { status: 'open' | 'resolved'; resolution?: string; claim?: string; acknowledged?: string; resolvedAt?: string }) {
  return {
    ruleId: 'test.stuck',
    key: `test.stuck:${id}`,
    severity: 'warning',
    title: `stuck ${id}`,
    explanation: '',
    cause: '',
    since: T,
    connectionId: 'lab',
    operationId: null,
    subjectName: id,
    evidence: [],
    remedies: [],
    supersedes: [],
    id,
    status: o.status,
    firstSeenAt: T,
    lastSeenAt: T,
    claim: o.claim ? { by: o.claim, at: T, note: '' } : null,
    acknowledged: o.acknowledged ? { by: o.acknowledged, at: T, note: 'seen' } : null,
    snoozedUntil: null,
    resolvedAt: o.status === 'resolved' ? (o.resolvedAt ?? LATER) : null,
    resolution: o.resolution ?? null,
  };
}

/** A store file at schema version 3 with records the way that version wrote them. */
function storeAtVersion3(dir: string): void {
  const db = new Database(path.join(dir, 'phaseboard.db'));
  for (const statements of MIGRATIONS.slice(0, 3)) for (const sql of statements as readonly string[]) db.exec(sql);
  db.exec('PRAGMA user_version = 3');
  // better-auth's users: alice has a user of her own; bob has none (he came through the trusted proxy).
  db.exec('CREATE TABLE auth_users (id TEXT PRIMARY KEY, name TEXT NOT NULL, username TEXT)');
  db.prepare('INSERT INTO auth_users (id, name, username) VALUES (?, ?, ?)').run('u-alice', 'Alice A.', 'alice');

  const run = (id: string, actor: string, key: string | null, status: string, at: string) =>
    db
      .prepare(
        'INSERT INTO action_runs (id, operation_id, action, actor, idempotency_key, request_hash, status, requested_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        id,
        'lab:t1',
        'finalize',
        actor,
        key,
        'h',
        status,
        at,
        JSON.stringify({
          id,
          operationId: 'lab:t1',
          action: 'finalize',
          idempotencyKey: key,
          requestHash: 'h',
          actor,
          params: {},
          status,
          requestedAt: at,
          finishedAt: at,
          message: 'done',
        }),
      );
  run('a-alice', 'alice', 'k1', 'succeeded', T);
  run('a-playbook', 'alice (playbook "Resume the transfer")', 'playbook:p-1:0', 'succeeded', T);
  run('a-token', 'token:ci', null, 'failed', T);
  const event = (seq: number, entry: object) =>
    db.prepare('INSERT INTO events (seq, operation_id, at, entry) VALUES (?, ?, ?, ?)').run(seq, 'lab:t1', T, JSON.stringify(entry));
  event(1, { type: 'action_requested', action: 'finalize', runId: 'a-alice', actor: 'alice' });
  event(2, { type: 'action_requested', action: 'finalize', runId: 'a-playbook', actor: 'alice (playbook "Resume the transfer")' });
  event(3, { type: 'phase', from: 'a', to: 'b', state: 'running' });

  db.prepare('INSERT INTO playbook_runs (id, finding_id, operation_id, started_at, status, data) VALUES (?, ?, ?, ?, ?, ?)').run(
    'p-1',
    'f-playbook',
    null,
    T,
    'succeeded',
    JSON.stringify({
      id: 'p-1',
      findingId: 'f-playbook',
      operationId: null,
      playbookId: 'x.resume',
      title: 'Resume the transfer',
      actor: 'alice',
      params: {},
      status: 'succeeded',
      startedAt: T,
      finishedAt: LATER,
      message: '1 step(s) done',
      steps: [],
    }),
  );
  db.prepare('INSERT INTO playbook_runs (id, finding_id, operation_id, started_at, status, data) VALUES (?, ?, ?, ?, ?, ?)').run(
    'p-2',
    'f-cleared',
    null,
    T,
    'failed',
    JSON.stringify({
      id: 'p-2',
      findingId: 'f-cleared',
      operationId: null,
      playbookId: 'connection.check',
      title: 'Test the connection now',
      actor: 'token:ci',
      params: {},
      status: 'failed',
      startedAt: T,
      finishedAt: '2026-01-01T00:20:00.000Z',
      message: 'failed',
      steps: [],
    }),
  );

  const finding = (f: ReturnType<typeof oldFinding>) =>
    db
      .prepare(
        'INSERT INTO findings (id, finding_key, status, severity_rank, connection_id, operation_id, since, resolved_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(f.id, f.key, f.status, 1, f.connectionId, f.operationId, f.since, f.resolvedAt, JSON.stringify(f));
  finding(oldFinding('f-hand', { status: 'resolved', resolution: 'marked resolved by bob: ticket 42', claim: 'bob' }));
  finding(oldFinding('f-playbook', { status: 'resolved', resolution: 'fixed by playbook "Resume the transfer" run by alice' }));
  finding(
    oldFinding('f-cleared', { status: 'resolved', resolution: 'condition cleared while playbook "Test the connection now" (run by token:ci) was running' }),
  );
  finding(oldFinding('f-open', { status: 'open', claim: 'token:ci', acknowledged: 'alice' }));
  let noteId = 0;
  const note = (findingId: string, by: string, kind: string, text: string) =>
    db
      .prepare('INSERT INTO finding_notes (id, finding_id, at, data) VALUES (?, ?, ?, ?)')
      .run(++noteId, findingId, T, JSON.stringify({ findingId, at: T, by, kind, text }));
  note('f-hand', 'phaseboard', 'opened', 'warning: stuck f-hand');
  note('f-hand', 'bob', 'claimed', 'claimed');
  note('f-hand', 'bob', 'resolved', 'ticket 42');
  note('f-playbook', 'phaseboard', 'resolved', 'fixed by playbook "Resume the transfer" run by alice');
  note('f-cleared', 'phaseboard', 'resolved', 'condition cleared …');

  db.prepare('INSERT INTO watches (operation_id, data) VALUES (?, ?)').run('lab:t1', JSON.stringify({ operationId: 'lab:t1', by: 'token:ci', at: T }));
  const token = (id: string, name: string, createdBy: string, provisioned: boolean) =>
    db
      .prepare('INSERT INTO api_tokens (id, name, token_hash, revoked_at, data) VALUES (?, ?, ?, ?, ?)')
      .run(
        id,
        name,
        `hash-${id}`,
        null,
        JSON.stringify({ id, name, role: 'admin', createdBy, createdAt: T, expiresAt: null, lastUsedAt: null, revokedAt: null, provisioned }),
      );
  token('t-prov', 'provisioned', 'PHASEBOARD_ADMIN_TOKEN', true);
  token('t-ci', 'ci', 'alice', false);
  db.prepare('INSERT INTO connection_configs (id, data) VALUES (?, ?)').run(
    'kvm1',
    JSON.stringify({ id: 'kvm1', engine: 'libvirt', config: { id: 'kvm1', engine: 'libvirt', uri: 'qemu:///system' }, addedBy: 'phaseboard', addedAt: T }),
  );
  db.close();
}

describe('migration 4: typed actors', () => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('turns old actor strings into actors and fills resolvedBy of old resolved findings', async () => {
    const dir = tempDir();
    storeAtVersion3(dir);
    store = openSqliteStore(dir);
    const alice = { kind: 'user', id: 'u-alice', name: 'alice' };
    const bob = { kind: 'proxy', name: 'bob' };
    const ci = { kind: 'token', id: 't-ci', name: 'ci' };

    const runs = await store.listActionRuns('lab:t1');
    expect(Object.fromEntries(runs.map((r) => [r.id, { actor: r.actor, playbook: r.playbook }]))).toEqual({
      'a-alice': { actor: alice, playbook: null },
      'a-playbook': { actor: alice, playbook: { runId: 'p-1', title: 'Resume the transfer' } },
      'a-token': { actor: ci, playbook: null },
    });
    // The key scope column holds actor keys now: alice's key from before the upgrade is still hers.
    const again = await store.createActionRun({ ...runs.find((r) => r.id === 'a-alice')!, id: 'a-again', status: 'running' });
    expect(again).toMatchObject({ created: false, run: { id: 'a-alice' } });
    const proxied = await store.createActionRun({
      ...runs.find((r) => r.id === 'a-alice')!,
      id: 'a-proxy',
      status: 'running',
      actor: { kind: 'proxy', name: 'alice' },
    });
    expect(proxied).toMatchObject({ created: true, run: { id: 'a-proxy' } });

    expect((await store.timeline('lab:t1')).map((e) => e.entry)).toEqual([
      { type: 'action_requested', action: 'finalize', runId: 'a-alice', actor: alice, playbook: null },
      { type: 'action_requested', action: 'finalize', runId: 'a-playbook', actor: alice, playbook: { runId: 'p-1', title: 'Resume the transfer' } },
      { type: 'phase', from: 'a', to: 'b', state: 'running' },
    ]);
    expect((await store.getPlaybookRun('p-1'))?.actor).toEqual(alice);

    expect(await store.getFinding('f-hand')).toMatchObject({
      claim: { by: bob },
      resolution: 'marked resolved by bob: ticket 42',
      resolvedBy: { kind: 'person', actor: bob, note: 'ticket 42' },
    });
    expect((await store.getFinding('f-playbook'))?.resolvedBy).toEqual({ kind: 'playbook', runId: 'p-1', title: 'Resume the transfer', actor: alice });
    expect((await store.getFinding('f-cleared'))?.resolvedBy).toEqual({ kind: 'condition_cleared', duringRunId: 'p-2' });
    expect(await store.getFinding('f-open')).toMatchObject({ claim: { by: ci }, acknowledged: { by: alice }, resolvedBy: null });
    expect((await store.findingNotes('f-hand')).map((n) => n.by)).toEqual([{ kind: 'phaseboard' }, bob, bob]);

    expect((await store.getWatch('lab:t1'))?.by).toEqual(ci);
    expect(Object.fromEntries((await store.listApiTokens()).map((t) => [t.id, t.createdBy]))).toEqual({ 't-prov': { kind: 'phaseboard' }, 't-ci': alice });
    expect((await store.listConnectionConfigs())[0]?.addedBy).toEqual({ kind: 'phaseboard' });
  });

  it('keeps a finding someone resolved by hand quiet afterwards, by resolvedBy', async () => {
    const dir = tempDir();
    storeAtVersion3(dir);
    store = openSqliteStore(dir);
    const stillStuck = (id: string) => ({ ...oldFinding(id, { status: 'open' }), severity: 'warning' as const });
    const evaluator = new TriageEvaluator({
      store,
      bus: createMemoryBus(),
      log: logger,
      rulesFor: () => [{ id: 'test.stuck', evaluate: () => [stillStuck('f-hand'), stillStuck('f-cleared'), stillStuck('f-open')] }],
    });
    await evaluator.evaluate({
      connectionId: 'lab',
      engine: 'ovirt',
      status: { id: 'lab', engine: 'ovirt', status: 'ok', lastSuccessAt: T, lastError: null, consecutiveFailures: 0 },
      live: [],
    });
    // f-hand was marked resolved by bob: it stays resolved; f-cleared merely cleared: it opens again.
    const open = (await store.listFindings({ status: 'open', limit: 10, offset: 0 })).items.map((f) => f.key);
    expect(open.sort()).toEqual(['test.stuck:f-cleared', 'test.stuck:f-open']);
  });

  it('opens a new store at the latest version', async () => {
    const dir = tempDir();
    await openSqliteStore(dir).close();
    const db = new Database(path.join(dir, 'phaseboard.db'));
    expect((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(MIGRATIONS.length);
    expect((db.prepare('PRAGMA table_info(action_runs)').all() as { name: string }[]).map((c) => c.name)).toContain('actor_key');
    db.close();
  });
});
