import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineAdapter } from '@/lib/engines/types';
import { logger } from '@/lib/log/logger';
import { CloudHands, realOpenStack } from '@/lib/testing/real-openstack';
import { triageHarness, type TriageHarness } from '@/lib/testing/triage-harness';
import type { Playbook } from '@/lib/triage/playbook';
import { playbookDryRun } from '@/lib/triage/playbook-runner';
import { createOpenStackAdapter } from './adapter';
import { OPENSTACK_PLAYBOOKS } from './triage/playbooks';
import { OPENSTACK_RULES, STUCK_AFTER_MS } from './triage/rules';

/**
 * Seed 002's message-bus outage on the real stack (scripts/openstack/up.sh):
 * the broker drops a delete's message to its compute. It runs alone, after
 * every other test file (vitest.config.ts, *.alone.test.ts): while the
 * compute's queue is unbound, a message another test sends it would be lost too.
 */
describe('a lost message on a real Nova', { timeout: 180_000 }, () => {
  let hands: CloudHands;
  let h: TriageHarness;
  /** the triage's clock, ahead of the wall clock when a test needs a long wait to have passed */
  let skew = 0;

  beforeAll(() => {
    const env = realOpenStack();
    hands = new CloudHands(env);
    h = triageHarness({
      adapter: createOpenStackAdapter({ insecure: true, authUrl: env.KEYSTONE_URL!, auth: hands.adminAuth(), log: logger }),
      engine: 'openstack',
      rules: OPENSTACK_RULES,
      playbooks: OPENSTACK_PLAYBOOKS as readonly Playbook<EngineAdapter>[],
      triageNow: () => Date.now() + skew,
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('an instance left deleting by a lost message (seed 002): found, reset by its playbook, then deleted for real', async () => {
    const doomed = await hands.server(`pb-doomed-${process.pid}`);
    // the delete's message to the compute is dropped by the broker, as in a message-bus outage
    await hands.loseComputeMessages(doomed.host, () => hands.deleteServer(doomed.id));
    const op = await h.until(
      (ops) => ops.find((o) => o.nativeId.startsWith(`task:${doomed.id}:`) && o.nativePhase === 'deleting'),
      'the delete to show as a task',
    );
    // the compute is back and healthy, and still nothing happens
    await new Promise((r) => setTimeout(r, 5000));
    expect((await hands.serverNow(doomed.id))['OS-EXT-STS:task_state']).toBe('deleting');
    skew = STUCK_AFTER_MS + 120_000;
    await h.poll();
    const [finding] = (await h.store.listFindings({ status: 'open', limit: 20, offset: 0 })).items.filter(
      (f) => f.ruleId === 'openstack.task-stuck' && f.operationId === op.id,
    );
    expect(finding).toMatchObject({ severity: 'critical', title: `pb-doomed-${process.pid} stuck in task deleting` });
    const plan = await playbookDryRun(h.deps, finding!.id, 'openstack.reset-state');
    expect(plan.steps.map((s) => s.request)).toEqual([
      `POST compute /servers/${doomed.id}/action {"os-resetState":{"state":"error"}}`,
      `openstack server delete ${doomed.id}`,
    ]);
    const run = await h.runPlaybook(finding!.id, 'openstack.reset-state');
    expect(run).toMatchObject({ status: 'succeeded' });
    const ended = await h.until((ops) => ops.find((o) => o.id === op.id && o.gone && o.outcome !== null), 'the task to end');
    expect(ended).toMatchObject({ state: 'failed', outcome: `task deleting ended with instance pb-doomed-${process.pid} in ERROR` });
    expect((await h.store.getFinding(finding!.id))?.status).toBe('resolved');
    // the step by hand: the delete, sent again with the bus up, goes through
    await hands.deleteServer(doomed.id);
    await hands.until(
      'the instance to be deleted',
      async () => 'itemNotFound' in (await hands.call('GET', 'compute', `/servers/${doomed.id}`, undefined, undefined, [200, 404])),
    );
  });
});
