import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineAdapter } from '@/lib/engines/types';
import { logger } from '@/lib/log/logger';
import type { Operation } from '@/lib/model/operation';
import { CloudHands, realOpenStack } from '@/lib/testing/real-openstack';
import { triageHarness, type TriageHarness } from '@/lib/testing/triage-harness';
import type { Playbook } from '@/lib/triage/playbook';
import { playbookDryRun } from '@/lib/triage/playbook-runner';
import { createOpenStackAdapter } from './adapter';
import { OPENSTACK_PLAYBOOKS } from './triage/playbooks';
import { OPENSTACK_RULES, STUCK_AFTER_MS } from './triage/rules';

/**
 * Cinder attachments through the OpenStack adapter against the real stack
 * (scripts/openstack/up.sh, whose fake compute is told to take 3 s per
 * attach, detach and swap of this test's server): attach and detach watched phase by
 * phase, a swap holding two attachments, a live migration that changes the
 * attachment ids without a false failure, and a stale reservation found by
 * triage and cleaned by its playbook.
 */
describe('OpenStack attachments against a real Cinder', { timeout: 180_000 }, () => {
  let hands: CloudHands;
  let h: TriageHarness;
  let server: { id: string; host: string };
  const volumes: Record<string, string> = {};
  /** the triage's clock, ahead of the wall clock when a test needs a long wait to have passed */
  let skew = 0;

  beforeAll(async () => {
    const env = realOpenStack();
    hands = new CloudHands(env);
    h = triageHarness({
      adapter: createOpenStackAdapter({ insecure: true, authUrl: env.KEYSTONE_URL!, auth: hands.adminAuth(), log: logger }),
      engine: 'openstack',
      rules: OPENSTACK_RULES,
      playbooks: OPENSTACK_PLAYBOOKS as readonly Playbook<EngineAdapter>[],
      triageNow: () => Date.now() + skew,
    });
    server = await hands.server(`pb-vol-${process.pid}`);
    hands.volumeSeconds(server.id, 3);
    for (const v of ['data', 'next', 'stale']) volumes[v] = await hands.volume(`pb-vol-${process.pid}-${v}`);
  }, 120_000);
  afterAll(async () => {
    if (server) await hands.deleteServer(server.id).catch(() => undefined);
    await h?.close();
  });

  const poll = () => h.poll();
  const until = (check: (ops: Operation[]) => Operation | undefined, what: string, timeoutMs?: number) => h.until(check, what, timeoutMs);
  const phases = async (op: Operation) =>
    (await h.store.timeline(op.id)).flatMap((e) => (e.entry.type === 'observed' ? [e.entry.nativePhase] : e.entry.type === 'phase' ? [e.entry.to] : []));
  const onVolume = (volume: string, pred: (o: Operation) => boolean) => (ops: Operation[]) =>
    ops.find((o) => o.kind === 'volume_attachment' && o.subject.id === volume && pred(o));
  const attach = (volume: string) => hands.call('POST', 'compute', `/servers/${server.id}/os-volume_attachments`, { volumeAttachment: { volumeId: volume } });
  const volumeStatus = async (id: string) => (await hands.call('GET', 'volume', `/volumes/${id}`)).volume.status as string;

  it('watches an attach reach attached and a detach end in detached, phase by phase', async () => {
    await attach(volumes.data!);
    const attached = await until(
      onVolume(volumes.data!, (o) => o.state === 'succeeded'),
      'the attach to finish',
    );
    expect(attached.nativePhase).toBe('attached');
    expect(await phases(attached)).toContain('attaching');
    expect(attached.related).toEqual([{ role: 'instance', type: 'instance', id: server.id, name: `pb-vol-${process.pid}` }]);

    await hands.call('DELETE', 'compute', `/servers/${server.id}/os-volume_attachments/${volumes.data}`);
    const detached = await until((ops) => ops.find((o) => o.id === attached.id && o.nativePhase === 'detached'), 'the detach');
    expect(detached.state).toBe('succeeded');
    expect((await phases(detached)).slice(-3)).toEqual(['attached', 'detaching', 'detached']);
    await hands.until('the volume to be available', async () => (await volumeStatus(volumes.data!)) === 'available');
  });

  it('shows a swap as one operation holding both attachments, until the old one is deleted', async () => {
    await attach(volumes.data!);
    await until(
      onVolume(volumes.data!, (o) => o.nativePhase === 'attached' && !o.gone),
      'the attach',
    );
    await hands.call('PUT', 'compute', `/servers/${server.id}/os-volume_attachments/${volumes.data}`, { volumeAttachment: { volumeId: volumes.next } });
    const swapping = await until(
      (ops) => ops.find((o) => o.kind === 'volume_swap' && o.subject.id === server.id && o.state !== 'succeeded'),
      'the swap to show',
    );
    expect(swapping.related.map((r) => r.role)).toEqual(['old attachment', 'new attachment']);
    expect(swapping.details).toMatchObject({ oldVolumeId: volumes.data, newVolumeId: volumes.next });
    const done = await until((ops) => ops.find((o) => o.id === swapping.id && o.state === 'succeeded'), 'the swap to end');
    expect(done.outcome).toMatch(/^swapped: pb-vol-\d+-next replaces pb-vol-\d+-data; the old attachment was deleted$/);
    expect(await volumeStatus(volumes.data!)).toBe('available');
  });

  it('follows a live migration of an instance with a volume: the attachment ids change and nothing is reported failed', async () => {
    await attach(volumes.data!);
    const before = await until(
      onVolume(volumes.data!, (o) => o.nativePhase === 'attached' && !o.gone),
      'the attach',
    );
    const m = (await hands.newestMigration(server.id))?.id ?? 0;
    hands.liveMigrationSeconds(server.id, 6);
    await hands.liveMigrate(server.id, null);
    const running = await until(
      (ops) =>
        ops.find(
          (o) =>
            o.kind === 'live_migration' &&
            o.subject.id === server.id &&
            Number(o.details.migrationId) > m &&
            o.nativePhase === 'running' &&
            o.related.some((r) => r.role === 'destination attachment'),
        ),
      'the migration to show the destination attachment',
    );
    expect(running.related.filter((r) => r.type === 'attachment').map((r) => r.name)).toEqual(
      expect.arrayContaining([`pb-vol-${process.pid}-data`, `pb-vol-${process.pid}-next`]),
    );
    await until((ops) => ops.find((o) => o.id === running.id && o.state === 'succeeded'), 'the migration to complete');
    const handed = await until((ops) => ops.find((o) => o.id === before.id && o.nativePhase === 'replaced'), 'the old attachment to be handed over');
    expect(handed.state).toBe('succeeded');
    expect(handed.details.replacedBy).toMatch(/^[0-9a-f-]{36}$/);
    expect(handed.details.replacedBy).not.toBe(before.details.attachmentId);
    const failed = (await h.store.listOperations({ limit: 500, offset: 0 })).items.filter(
      (o) => o.state === 'failed' && (o.subject.id === server.id || o.related.some((r) => r.id === server.id)),
    );
    expect(failed).toEqual([]);
  });

  it('finds a stale reservation made through the Cinder API and cleans it with its playbook, after a dry run', async () => {
    const made = await hands.call('POST', 'volume', '/attachments', { attachment: { volume_uuid: volumes.stale, instance_uuid: server.id } }, '3.27');
    const id = made.attachment.id as string;
    const op = await until(
      onVolume(volumes.stale!, (o) => o.nativePhase === 'reserved'),
      'the reservation to be listed',
    );
    expect(op.actions.find((a) => a.name === 'delete_attachment')?.enabled).toBe(true);
    skew = STUCK_AFTER_MS + 60_000;
    await poll();
    const [finding] = (await h.store.listFindings({ status: 'open', limit: 20, offset: 0 })).items.filter(
      (f) => f.ruleId === 'openstack.attachment-stuck' && f.operationId === op.id,
    );
    expect(finding).toMatchObject({ operationId: op.id, title: `Attachment of pb-vol-${process.pid}-stale left reserved` });
    expect(finding!.remedies.map((r) => r.playbookId)).toEqual(['openstack.delete-attachment', 'openstack.reset-volume']);
    const plan = await playbookDryRun(h.deps, finding!.id, 'openstack.delete-attachment');
    expect(plan.steps.map((s) => s.request)).toEqual([`DELETE volume /attachments/${id}`]);
    const run = await h.runPlaybook(finding!.id, 'openstack.delete-attachment');
    expect(run).toMatchObject({ status: 'succeeded' });
    await hands.call('GET', 'volume', `/attachments/${id}`, undefined, '3.27', [404]);
    await hands.until('the volume to be available', async () => (await volumeStatus(volumes.stale!)) === 'available');
    await poll();
    expect((await h.store.getFinding(finding!.id))?.status).toBe('resolved');
  });
});
