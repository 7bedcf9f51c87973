import { describe, expect, it } from 'vitest';
import { at, operation, ruleContext } from '@/lib/testing/operations';
import { OPENSTACK_PLAYBOOKS } from './playbooks';
import { OPENSTACK_RULES, RECORD_WITHOUT_TASK_MS, STUCK_AFTER_MS, UNCONFIRMED_AFTER_MS } from './rules';

const rule = (id: string) => OPENSTACK_RULES.find((r) => r.id === id)!;
const novaTime = (ms: number) =>
  at(ms)
    .replace('Z', '')
    .replace(/\.(\d{3})$/, '.$1000');

const migration = (over: { kind?: 'live_migration' | 'cold_migration' | 'resize'; phase: string; taskState: string | null; updatedMs: number }) =>
  operation({
    id: 'os:migration:7',
    engine: 'openstack',
    nativeId: 'migration:7',
    kind: over.kind ?? 'live_migration',
    subject: { type: 'instance', id: 'i-1', name: 'db01' },
    nativePhase: over.phase,
    state: over.phase === 'finished' ? 'ready' : 'running',
    progress: null,
    details: { migrationId: 7, sourceHost: 'compute-1', destinationHost: 'compute-2', taskState: over.taskState, updatedAt: novaTime(over.updatedMs) },
  });

describe('OpenStack triage rules', () => {
  it('flags a record in progress whose instance has no task, once it has sat long enough, and not one that is moving', () => {
    const r = rule('openstack.record-without-task');
    const stale = migration({ phase: 'running', taskState: null, updatedMs: 0 });
    expect(r.evaluate(ruleContext(RECORD_WITHOUT_TASK_MS - 1000, { live: [stale] }))).toEqual([]);
    const [f] = r.evaluate(ruleContext(RECORD_WITHOUT_TASK_MS + 1000, { live: [stale] }));
    expect(f).toMatchObject({ severity: 'warning', title: 'Live migration record stuck in running; nothing runs on db01', since: at(0) });
    expect(f!.remedies.map((x) => x.playbookId)).toEqual(['openstack.recheck-migration', 'openstack.close-stale-record']);
    // a task on the instance means a service works on it: slow, not stale
    expect(r.evaluate(ruleContext(RECORD_WITHOUT_TASK_MS * 3, { live: [migration({ phase: 'running', taskState: 'migrating', updatedMs: 0 })] }))).toEqual([]);
  });

  it('flags a move left unconfirmed past the window, with confirm first', () => {
    const r = rule('openstack.resize-unconfirmed');
    const waiting = migration({ kind: 'resize', phase: 'finished', taskState: null, updatedMs: 0 });
    expect(r.evaluate(ruleContext(UNCONFIRMED_AFTER_MS - 1000, { live: [waiting] }))).toEqual([]);
    const [f] = r.evaluate(ruleContext(UNCONFIRMED_AFTER_MS + 60_000, { live: [waiting] }));
    expect(f?.title).toBe('Resize of db01 has waited 1h 01m for a confirm');
    expect(f!.explanation).toMatch(/resize_confirm_window/);
    expect(f!.remedies.map((x) => x.playbookId)).toEqual(['openstack.confirm', 'openstack.revert']);
  });

  it('a move whose record no service ever touched (a lost message) is critical, and its way out is reset-state', () => {
    const r = rule('openstack.move-never-started');
    const accepted = operation({
      ...migration({ phase: 'accepted', taskState: 'migrating', updatedMs: 0 }),
      details: { migrationId: 7, sourceHost: 'compute-1', destinationHost: null, taskState: 'migrating', updatedAt: null, createdAt: novaTime(0) },
    });
    expect(r.evaluate(ruleContext(5 * 60_000, { live: [accepted] }))).toEqual([]);
    const [f] = r.evaluate(ruleContext(11 * 60_000, { live: [accepted] }));
    expect(f).toMatchObject({ severity: 'critical', title: 'Live migration of db01 never started (accepted for 11m 00s)', since: at(0) });
    expect(f!.remedies.map((x) => x.playbookId)).toEqual(['openstack.reset-state']);
    expect(f!.supersedes).toContain('openstack.record-without-task');
  });

  it("past the cloud's own auto-confirm window, a finished move is a finding well before an hour", () => {
    const r = rule('openstack.resize-unconfirmed');
    const waiting = operation({ ...migration({ kind: 'resize', phase: 'finished', taskState: null, updatedMs: 0 }) });
    waiting.details.autoConfirmS = 300;
    expect(r.evaluate(ruleContext(9 * 60_000, { live: [waiting] }))).toEqual([]);
    const [f] = r.evaluate(ruleContext(11 * 60_000, { live: [waiting] }));
    expect(f!.explanation).toMatch(/This cloud confirms by itself after 5m 00s \(resize_confirm_window\), and that time has passed/);
  });

  it("without the admin role a long migration's task is not called stuck; a stuck delete still is", () => {
    const r = rule('openstack.task-stuck');
    const task = (phase: string) =>
      operation({
        id: `os:task:i-1:${phase}`,
        kind: 'instance_task',
        nativePhase: phase,
        subject: { type: 'instance', id: 'i-1', name: 'db01' },
        details: { taskState: phase, vmState: 'active', status: 'ACTIVE', host: 'compute-1', updatedAt: novaTime(0), migrationsVisible: false },
      });
    expect(r.evaluate(ruleContext(STUCK_AFTER_MS * 2, { live: [task('migrating')] }))).toEqual([]);
    expect(r.evaluate(ruleContext(STUCK_AFTER_MS * 2, { live: [task('deleting')] }))).toHaveLength(1);
  });

  it('every remedy names a playbook that exists, and each dry run shows the request it sends', () => {
    const ids = new Set(OPENSTACK_PLAYBOOKS.map((p) => p.id));
    const op = migration({ kind: 'resize', phase: 'finished', taskState: null, updatedMs: 0 });
    const findings = OPENSTACK_RULES.flatMap((r) =>
      r.evaluate(ruleContext(UNCONFIRMED_AFTER_MS * 2, { live: [op, migration({ phase: 'running', taskState: null, updatedMs: 0 })] })),
    );
    expect(findings.length).toBe(2);
    for (const f of findings) for (const rem of f.remedies) expect(ids.has(rem.playbookId)).toBe(true);
    const confirm = OPENSTACK_PLAYBOOKS.find((p) => p.id === 'openstack.confirm')!.plan(findings[1] as never, op);
    expect(confirm[0]!.request).toBe('POST compute /servers/i-1/action {"confirmResize":null}');
    const close = OPENSTACK_PLAYBOOKS.find((p) => p.id === 'openstack.close-stale-record')!.plan(findings[0] as never, op);
    expect(close.map((s) => s.manual)).toEqual([false, true, true, false]);
    expect(close[2]!.request).toMatch(/UPDATE migrations SET status='error'.*WHERE id=7 AND instance_uuid='i-1'/);
  });
});
