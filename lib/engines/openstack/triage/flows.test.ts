import { afterEach, describe, expect, it } from 'vitest';
import type { EngineAdapter } from '@/lib/engines/types';
import { logger } from '@/lib/log/logger';
import { triageHarness } from '@/lib/testing/triage-harness';
import type { Playbook } from '@/lib/triage/playbook';
import { playbookDryRun } from '@/lib/triage/playbook-runner';
import { createOpenStackAdapter } from '../adapter';
import { SimCloud } from '../sim/cloud';
import { OpenStackSimServer } from '../sim/server';
import { OPENSTACK_PLAYBOOKS } from './playbooks';
import { OPENSTACK_RULES, STUCK_AFTER_MS } from './rules';

/** Findings and playbooks end to end on the simulated cloud: collector → triage → dry run → playbook → the engine → resolved. */
describe('OpenStack triage on the simulated cloud', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup() {
    let t = Date.parse('2026-03-01T10:00:00Z');
    const now = () => t;
    const cloud = new SimCloud(now);
    const sim = new OpenStackSimServer({ username: 'admin', password: 'p', project: 'demo', cloud });
    const authUrl = await sim.start();
    const auth = { type: 'password' as const, username: 'admin', password: 'p', userDomain: 'Default', project: 'demo', projectDomain: 'Default' };
    const h = triageHarness({
      adapter: createOpenStackAdapter({ insecure: true, authUrl, auth, log: logger, now }),
      engine: 'openstack',
      rules: OPENSTACK_RULES,
      playbooks: OPENSTACK_PLAYBOOKS as readonly Playbook<EngineAdapter>[],
      now,
      fastMs: 1000,
    });
    cleanups.push(
      () => sim.stop(),
      () => h.close(),
    );
    return { cloud, store: h.store, poll: h.poll, deps: h.deps, finished: h.runPlaybook, advance: (ms: number) => void (t += ms) };
  }

  it('an instance left deleting by a message-bus outage (seed 002): found, reset to error by its playbook, and told as failed', async () => {
    const { cloud, store, poll, deps, finished, advance } = await setup();
    const { nativeId } = cloud.startScenario('stuck-deleting');
    await poll();
    const op = (await store.listOperations({ limit: 100, offset: 0 })).items.find((o) => o.nativeId === nativeId)!;
    expect(op).toMatchObject({ kind: 'instance_task', nativePhase: 'deleting', state: 'running' });
    advance(STUCK_AFTER_MS + 60_000);
    await poll();
    const [finding] = (await store.listFindings({ status: 'open', limit: 20, offset: 0 })).items.filter((f) => f.ruleId === 'openstack.task-stuck');
    expect(finding).toMatchObject({ severity: 'critical', title: `${op.subject.name} stuck in task deleting`, operationId: op.id });
    expect(finding!.explanation).toMatch(/message bus dies mid-operation/);
    const plan = await playbookDryRun(deps, finding!.id, 'openstack.reset-state');
    expect(plan.steps.map((s) => [s.request, s.manual])).toEqual([
      [`POST compute /servers/${op.subject.id}/action {"os-resetState":{"state":"error"}}`, false],
      [`openstack server delete ${op.subject.id}`, true],
    ]);
    const run = await finished(finding!.id, 'openstack.reset-state');
    expect(run.status).toBe('succeeded');
    await poll();
    const after = await store.getOperation(op.id);
    expect(after).toMatchObject({ gone: true, state: 'failed', outcome: `task deleting ended with instance ${op.subject.name} in ERROR` });
    expect((await store.getFinding(finding!.id))?.status).toBe('resolved');
  });

  it('a migration record left running with no task on its instance is found, and the way out is a hand step', async () => {
    const { cloud, store, poll, advance } = await setup();
    const { nativeId } = cloud.startScenario('stuck-migration-record');
    await poll();
    advance(30 * 60_000);
    await poll();
    const op = (await store.listOperations({ limit: 100, offset: 0 })).items.find((o) => o.nativeId === nativeId)!;
    expect(op.details.taskState).toBeNull();
    const [finding] = (await store.listFindings({ status: 'open', limit: 20, offset: 0 })).items.filter((f) => f.ruleId === 'openstack.record-without-task');
    expect(finding).toMatchObject({ operationId: op.id });
    // the generic "no progress" and "overdue" findings give way to the specific one
    expect((await store.listFindings({ status: 'open', limit: 20, offset: 0 })).items.filter((f) => f.operationId === op.id).map((f) => f.ruleId)).toEqual([
      'openstack.record-without-task',
    ]);
  });

  it('a resize left unconfirmed is found, and confirming it from the playbook resolves it', async () => {
    const { cloud, store, poll, finished } = await setup();
    const { nativeId } = cloud.startScenario('resize-unconfirmed');
    await poll();
    const [finding] = (await store.listFindings({ status: 'open', limit: 20, offset: 0 })).items.filter((f) => f.ruleId === 'openstack.resize-unconfirmed');
    expect(finding?.title).toMatch(/^Resize of .+ has waited 2h/);
    const run = await finished(finding!.id, 'openstack.confirm');
    expect(run.status).toBe('succeeded');
    const op = (await store.listOperations({ limit: 100, offset: 0 })).items.find((o) => o.nativeId === nativeId)!;
    expect(['confirming', 'confirmed']).toContain(op.nativePhase);
    expect((await store.getFinding(finding!.id))?.status).toBe('resolved');
  });
});
