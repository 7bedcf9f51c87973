import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryBus } from '@/lib/bus/memory-bus';
import { ConnectionPoller } from '@/lib/collector/poller';
import { logger } from '@/lib/log/logger';
import type { Operation } from '@/lib/model/operation';
import { openSqliteStore } from '@/lib/store/sqlite-store';
import type { Store } from '@/lib/store/types';
import { createDomain, realLibvirt, virsh, virshBackground, type RealLibvirt } from '@/lib/testing/real-libvirt';
import { tempDir } from '@/lib/testing/temp-dir';
import { createLibvirtAdapter, type LibvirtAdapter } from './adapter';
import { Virsh } from './virsh';

/**
 * The libvirt adapter against real libvirtd and QEMU (scripts/libvirt/up.sh):
 * block copy, pivot, cancel before and after ready, a throttled copy's
 * progress, live migration between two daemons, and an abort.
 */
describe('libvirt adapter against real libvirtd + QEMU', { timeout: 90_000 }, () => {
  let env: RealLibvirt;
  let adapter: LibvirtAdapter;
  let store: Store;
  let poller: ConnectionPoller;
  let unsubscribe = () => {};

  beforeAll(() => {
    env = realLibvirt();
    adapter = createLibvirtAdapter({ uri: env.srcUri, log: logger });
    store = openSqliteStore(tempDir());
    poller = new ConnectionPoller({
      connectionId: 'real',
      engine: 'libvirt',
      adapter,
      store,
      bus: createMemoryBus(),
      log: logger,
      fastMs: 500,
      slowMs: 10_000,
    });
    // As the collector does: events become facts in the timelines they concern.
    unsubscribe = adapter.subscribe!(
      () => {},
      (fact) => void poller.recordFact(fact),
    );
  });
  afterAll(async () => {
    unsubscribe();
    await adapter.close();
    await store?.close();
  });

  /** Polls (as the collector does) until the check passes; answers the stored operation. */
  async function until(check: (ops: Operation[]) => Operation | undefined, what: string, timeoutMs = 30_000): Promise<Operation> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      await poller.pollOnce();
      const ops = (await store.listOperations({ limit: 100, offset: 0 })).items;
      const hit = check(ops);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 300));
    }
    throw new Error(`timed out waiting for ${what}`);
  }
  const run = (op: Operation, action: 'pivot' | 'cancel') =>
    adapter.performAction(op, { action, params: {}, correlationId: 'test', log: () => {}, history: () => poller.history(op.id) });

  it('block copy: copying with rising progress, then ready, then pivot moves the domain to the copy', async () => {
    const { domain, disk } = createDomain(env, 'pivot');
    const target = path.join(path.dirname(disk), 'copy.qcow2');
    virsh(env.srcUri, 'blockcopy', domain, 'vda', target, '--transient-job', '--bandwidth', '16');
    const copying = await until((ops) => ops.find((o) => o.details.domain === domain && o.nativePhase === 'copying'), 'copying');
    expect(copying).toMatchObject({ kind: 'block_copy', state: 'running', details: { disk: 'vda', destination: target, source: disk, bandwidthMiBs: 16 } });
    const first = copying.progress!.done;
    const later = await until((ops) => ops.find((o) => o.id === copying.id && (o.progress?.done ?? 0) > first), 'progress to rise');
    expect(later.progress!.total).toBe(64 * 1024 * 1024);
    const ready = await until((ops) => ops.find((o) => o.id === copying.id && o.state === 'ready'), 'ready');
    expect(adapter.describeActions(ready).find((a) => a.name === 'pivot')?.enabled).toBe(true);
    const result = await run(ready, 'pivot');
    expect(result).toMatchObject({ ok: true, message: `pivoted: ${domain} vda now runs on ${target}` });
    expect(virsh(env.srcUri, 'domblklist', domain)).toContain(target);
  });

  it('cancel before ready abandons the copy; pivot is refused by libvirt with its reason', async () => {
    const { domain, disk } = createDomain(env, 'early');
    const target = path.join(path.dirname(disk), 'copy.qcow2');
    virsh(env.srcUri, 'blockcopy', domain, 'vda', target, '--transient-job', '--bandwidth', '1');
    const copying = await until((ops) => ops.find((o) => o.details.domain === domain && o.nativePhase === 'copying' && (o.progress?.done ?? 0) > 0), 'copying');
    expect(adapter.describeActions(copying).find((a) => a.name === 'pivot')).toMatchObject({
      enabled: false,
      reason: 'pivot needs the job to be ready (in sync); it is copying',
    });
    await expect(adapter.virsh.run(['blockjob', domain, 'vdb', '--pivot'])).rejects.toThrow(/libvirt qemu:\/\/\/system: .*vdb/);
    const result = await run(copying, 'cancel');
    expect(result).toMatchObject({ ok: true, message: `cancelled before ready: the copy ${target} is abandoned (incomplete); ${domain} stays on ${disk}` });
    expect(virsh(env.srcUri, 'domblklist', domain)).toContain(disk);
  });

  it('cancel after ready leaves a point-in-time copy and the domain on its source; a vanished job resolves the same way', async () => {
    const { domain, disk } = createDomain(env, 'late');
    const target = path.join(path.dirname(disk), 'copy.qcow2');
    virsh(env.srcUri, 'blockcopy', domain, 'vda', target, '--transient-job', '--bandwidth', '64');
    const ready = await until((ops) => ops.find((o) => o.details.domain === domain && o.state === 'ready'), 'ready');
    // Cancelled outside phaseboard: the poller sees it vanish and asks the adapter how it ended.
    virsh(env.srcUri, 'blockjob', domain, 'vda', '--abort');
    const ended = await until((ops) => ops.find((o) => o.id === ready.id && o.gone), 'the job to vanish');
    expect(ended).toMatchObject({
      state: 'cancelled',
      outcome: `cancelled after ready: ${target} is left as a point-in-time copy; ${domain} stays on ${disk}`,
    });
    expect(virsh(env.srcUri, 'domblklist', domain)).toContain(disk);
  });

  it('live migration to a second libvirtd: progress, then completed with its figures', async () => {
    const { domain } = createDomain(env, 'migrate');
    const migration = virshBackground(env.srcUri, 'migrate', '--live', '--p2p', '--unsafe', '--bandwidth', '16', domain, env.dstUri, 'tcp://127.0.0.1:49200');
    const active = await until(
      (ops) =>
        ops.find((o) => o.kind === 'live_migration' && o.details.domain === domain && (o.progress?.done ?? 0) > 0 && Number(o.details.memoryBandwidth) > 0),
      'the migration with its bandwidth',
    );
    expect(active.progress!.total).toBeGreaterThan(64 * 1024 * 1024);
    expect(active.details).toMatchObject({ iteration: 1, pageSize: 4096 });
    expect((await migration).code).toBe(0);
    const done = await until((ops) => ops.find((o) => o.id === active.id && o.gone), 'the migration to end');
    expect(done.state).toBe('succeeded');
    // the figures come from libvirt's job-completed event
    expect(done.outcome).toMatch(/^migrated in \d+\.\d s, \d+\.\d MiB sent, \d+ iterations, downtime \d+ ms$/);
    expect(virsh(env.dstUri, 'list', '--name')).toContain(domain);
  });

  it('a migration slowed and then aborted from phaseboard ends cancelled and the domain keeps running on the source', async () => {
    const { domain } = createDomain(env, 'abort');
    const migration = virshBackground(env.srcUri, 'migrate', '--live', '--p2p', '--unsafe', '--bandwidth', '2', domain, env.dstUri, 'tcp://127.0.0.1:49210');
    const active = await until(
      (ops) => ops.find((o) => o.kind === 'live_migration' && o.details.domain === domain && (o.progress?.done ?? 0) > 0),
      'the migration',
    );
    // bandwidth can be changed while it runs (checked by libvirt's own migrate-getspeed)
    expect(() => adapter.checkParams!('set_bandwidth', { bandwidthMiBs: 0 })).toThrow(/set_bandwidth params: bandwidthMiBs: /);
    const speed = await adapter.performAction(active, {
      action: 'set_bandwidth',
      params: { bandwidthMiBs: 3 },
      correlationId: 'test',
      log: () => {},
      history: () => poller.history(active.id),
    });
    expect(speed).toMatchObject({ ok: true, message: 'maximum bandwidth set to 3 MiB/s' });
    expect(virsh(env.srcUri, 'migrate-getspeed', domain).trim()).toBe('3');
    expect(await run(active, 'cancel')).toMatchObject({ ok: true });
    const result = await migration;
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/canceled by client/);
    const ended = await until((ops) => ops.find((o) => o.id === active.id && o.gone), 'the migration to end');
    expect(ended).toMatchObject({ state: 'cancelled', outcome: `migration aborted; ${domain} keeps running on the source` });
    expect(virsh(env.srcUri, 'list', '--name')).toContain(domain);
  });

  it("a migration libvirt refuses at once fails with libvirt's reason, to whoever started it", async () => {
    const { domain } = createDomain(env, 'refused');
    await expect(
      adapter.start!('live_migration', { domain, destinationUri: 'qemu+unix:///system?socket=/nonexistent/libvirt-sock', unsafe: true }, () => {}),
    ).rejects.toThrow(/^libvirt qemu:\/\/\/system: .*\/nonexistent\/libvirt-sock/);
    expect(virsh(env.srcUri, 'list', '--name')).toContain(domain);
  });

  it('a domain destroyed between the list and the batched look leaves its part empty; the rest of the poll goes on', async () => {
    const { domain } = createDomain(env, 'gone');
    const batch = new Virsh({ uri: env.srcUri, timeoutMs: 15_000 });
    virsh(env.srcUri, 'destroy', domain);
    // the gone domain last: virsh would exit with its failure
    const [list, xml, job] = await batch.batch([
      ['list', '--name'],
      ['dumpxml', domain],
      ['domjobinfo', domain],
    ]);
    expect(list).not.toContain(domain);
    expect(xml).toBe('');
    expect(job).toBe('');
  });
});
