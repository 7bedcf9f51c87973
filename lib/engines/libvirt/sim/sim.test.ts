import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryBus } from '@/lib/bus/memory-bus';
import { ConnectionPoller } from '@/lib/collector/poller';
import { createLibvirtAdapter } from '../adapter';
import { LIBVIRT_PLAYBOOKS } from '../triage/playbooks';
import { LIBVIRT_RULES } from '../triage/rules';
import { logger } from '@/lib/log/logger';
import type { Operation } from '@/lib/model/operation';
import { openSqliteStore } from '@/lib/store/sqlite-store';
import { tempDir } from '@/lib/testing/temp-dir';
import { TriageEvaluator } from '@/lib/triage/evaluator';
import { manualLibvirt } from './manual';
import { SimVirshTransport } from './transport';

/** The libvirt adapter, unchanged, against the simulated virsh; one manual clock for both. */
describe('libvirt flows on the simulator', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  function setup() {
    const { host, adapter, now, tick } = manualLibvirt();
    const store = openSqliteStore(tempDir());
    const bus = createMemoryBus();
    const evaluator = new TriageEvaluator({ store, bus, log: logger, rulesFor: () => LIBVIRT_RULES, now });
    const poller = new ConnectionPoller({
      connectionId: 'sim',
      engine: 'libvirt',
      adapter,
      store,
      bus,
      log: logger,
      fastMs: 1000,
      slowMs: 10_000,
      now,
      onCycle: evaluator.onCycle,
    });
    // As the collector does: events become facts in the timelines they concern.
    cleanups.push(
      adapter.subscribe!(
        () => {},
        (fact) => void poller.recordFact(fact),
      ),
      () => store.close(),
    );
    const run = async (ms: number) => {
      for (let left = ms; left > 0; left -= 1000) {
        tick(Math.min(1000, left));
        await poller.pollOnce();
        await evaluator.idle();
      }
    };
    const ops = async () => (await store.listOperations({ limit: 50, offset: 0 })).items;
    const act = (op: Operation, action: 'pivot' | 'cancel' | 'set_bandwidth' | 'postcopy', params: Record<string, unknown> = {}) =>
      adapter.performAction(op, { action, params, correlationId: 't', log: () => {}, history: () => poller.history(op.id) });
    /** phaseboard restarted: a new adapter (nothing in memory) and poller on the same store and host */
    const restart = async () => {
      await adapter.close();
      const fresh = createLibvirtAdapter({ uri: 'sim+test:///system', log: logger, transport: new SimVirshTransport(host), now, events: false });
      const next = new ConnectionPoller({ connectionId: 'sim', engine: 'libvirt', adapter: fresh, store, bus, log: logger, fastMs: 1000, slowMs: 10_000, now });
      await next.start();
      next.stop();
      return next;
    };
    const advance = (ms: number) => {
      tick(ms);
      host.advance();
    };
    return { host, store, adapter, run, ops, act, restart, advance };
  }

  it('how a migration ended is read back from the store: a restart between the event and the poll changes no outcome', async () => {
    const { host, run, ops, restart, advance } = setup();
    const d = host.startScenario('migration-converging');
    await run(3000);
    expect((await ops()).find((o) => o.kind === 'live_migration')).toMatchObject({ state: 'running' });
    // The migration completes; libvirt's job-completed event is heard (and recorded) before any poll sees the job gone.
    advance(120_000);
    await new Promise((r) => setTimeout(r, 400));
    // phaseboard restarts: the new adapter never heard the event.
    const poller = await restart();
    await poller.pollOnce();
    const m = (await ops()).find((o) => o.kind === 'live_migration');
    expect(m).toMatchObject({ state: 'succeeded', gone: true });
    expect(m?.outcome).toMatch(/^migrated in \d+\.\d s, .* sent, \d+ iterations/);
    expect(m?.outcome).not.toContain('left this host');
    expect(host.domains.has(d.name)).toBe(false);
  });

  it('what a playbook dry run says it will send is what the adapter sends', async () => {
    const { host, adapter, run, ops } = setup();
    const migrating = host.startScenario('migration-not-converging').name;
    const copying = host.startScenario('copy-awaits-pivot').name;
    await run(12_000);
    const sent: string[] = [];
    for (const op of await ops()) {
      for (const pb of LIBVIRT_PLAYBOOKS) {
        for (const step of pb.plan({} as never, op)) {
          if (step.manual) continue;
          const action = /--pivot$/.test(step.request) ? 'pivot' : /migrate-setspeed/.test(step.request) ? 'set_bandwidth' : null;
          if (!action || !op.actions.some((a) => a.name === action && a.enabled)) continue;
          const lines: string[] = [];
          const params = action === 'set_bandwidth' ? { bandwidthMiBs: Number(/--bandwidth=(\d+)/.exec(step.request)![1]) } : {};
          await adapter.performAction(op, { action, params, correlationId: 't', log: (l) => lines.push(l), history: async () => [] });
          expect(lines[0]).toBe(step.request);
          sent.push(step.request);
        }
      }
    }
    expect(sent.sort()).toEqual([
      `virsh blockjob --domain=${copying} --path=vda --pivot`,
      expect.stringMatching(new RegExp(`^virsh migrate-setspeed --domain=${migrating} --bandwidth=\\d+$`)),
    ]);
  });

  it("copy → ready (libvirt's word) → pivot: the domain runs on the copy", async () => {
    const { host, run, ops, act } = setup();
    const d = host.startScenario('copy-awaits-pivot'); // 2 GiB at 200 MiB/s
    await run(3000);
    const [copying] = await ops();
    expect(copying).toMatchObject({
      kind: 'block_copy',
      nativePhase: 'copying',
      state: 'running',
      details: { destination: `/var/lib/libvirt/images/${d.name}-copy.qcow2` },
    });
    expect(copying!.progress!.done).toBeGreaterThan(0);
    await run(10_000);
    const [ready] = await ops();
    expect(ready).toMatchObject({ nativePhase: 'ready', state: 'ready' });
    const result = await act(ready!, 'pivot');
    expect(result).toMatchObject({ ok: true, message: `pivoted: ${d.name} vda now runs on /var/lib/libvirt/images/${d.name}-copy.qcow2` });
  });

  it('tells a copy cancelled before ready from one cancelled after', async () => {
    const { host, run, ops } = setup();
    const early = host.startScenario('copy-cancel-before-ready');
    const late = host.startScenario('copy-cancel-after-ready');
    await run(30_000);
    const byDomain = new Map((await ops()).map((o) => [String(o.details.domain), o]));
    expect(byDomain.get(early.name)).toMatchObject({
      state: 'cancelled',
      gone: true,
      outcome: expect.stringMatching(/^cancelled before ready: the copy .* is abandoned/),
    });
    expect(byDomain.get(late.name)).toMatchObject({
      state: 'cancelled',
      gone: true,
      outcome: expect.stringMatching(/^cancelled after ready: .* is left as a point-in-time copy/),
    });
  });

  it("a converging migration completes with libvirt's figures", async () => {
    const { host, run, ops } = setup();
    host.startScenario('migration-converging');
    await run(5000);
    const [m] = await ops();
    expect(m).toMatchObject({ kind: 'live_migration', state: 'running' });
    await run(20_000);
    const [done] = await ops();
    expect(done).toMatchObject({
      state: 'succeeded',
      gone: true,
      outcome: expect.stringMatching(/^migrated in \d+\.\d s, [\d.]+ GiB sent, 3 iterations, downtime \d+ ms$/),
    });
  });

  it('flags a migration that does not converge; raising the bandwidth lets it finish', async () => {
    const { host, store, run, ops, act } = setup();
    host.startScenario('migration-not-converging'); // 180 MiB/s dirty, 120 MiB/s link
    await run(70_000);
    const findings = (await store.listFindings({ status: 'open', limit: 10, offset: 0 })).items;
    expect(findings.map((f) => f.ruleId)).toEqual(['libvirt.migration-not-converging']);
    expect(findings[0]?.cause).toBe('dirty rate 180.0 MiB/s against a bandwidth of 120.0 MiB/s');
    const [m] = await ops();
    expect(await act(m!, 'set_bandwidth', { bandwidthMiBs: 2000 })).toMatchObject({ ok: true });
    await run(15_000);
    const [done] = await ops();
    expect(done).toMatchObject({ state: 'succeeded', gone: true });
    expect((await store.listFindings({ status: 'open', limit: 10, offset: 0 })).items).toEqual([]);
  });

  it('starts a copy and a migration on an idle domain through the adapter, as on a real host', async () => {
    const { host, run, ops } = setup();
    host.addIdleDomain('sim-vm-a');
    const adapter = createLibvirtAdapter({ uri: 'sim+test:///system', log: logger, transport: new SimVirshTransport(host), events: false });
    const inv = await adapter.inventory!();
    expect(inv.domains).toEqual([
      { name: 'sim-vm-a', disks: [{ target: 'vda', source: '/var/lib/libvirt/images/sim-vm-a.qcow2', format: 'qcow2', busy: false }], migrating: false },
    ]);
    const copy = await adapter.start!(
      'block_copy',
      { domain: 'sim-vm-a', disk: 'vda', target: '/var/lib/libvirt/images/a-copy.qcow2', bandwidthMiBs: 400 },
      () => {},
    );
    expect(copy).toEqual({ message: 'Block Copy started', warnings: [] });
    await run(8000);
    expect((await ops())[0]).toMatchObject({ kind: 'block_copy', state: 'ready', details: { destination: '/var/lib/libvirt/images/a-copy.qcow2' } });
    await expect(adapter.start!('block_copy', { domain: 'sim-vm-a', disk: 'vda', target: '/var/lib/libvirt/images/x.qcow2' }, () => {})).rejects.toThrow(
      /already in active block job/,
    );
    // Another domain's disk, in the same directory, is not a copy destination.
    host.addIdleDomain('sim-vm-b');
    await expect(
      adapter.start!('block_copy', { domain: 'sim-vm-a', disk: 'vda', target: '/var/lib/libvirt/images/sim-vm-b.qcow2', reuseExternal: true }, () => {}),
    ).rejects.toThrow(/^target: \/var\/lib\/libvirt\/images\/sim-vm-b.qcow2 is storage of domain sim-vm-b/);
    // Outside the disk's directory nothing is sent: phaseboard refuses first.
    await expect(
      adapter.start!('block_copy', { domain: 'sim-vm-a', disk: 'vda', target: '/etc/shadow', reuseExternal: true, raw: true }, () => {}),
    ).rejects.toThrow(/^target: \/etc\/shadow is outside the storage directories \(\/var\/lib\/libvirt\/images\)/);
    await expect(adapter.start!('live_migration', { domain: 'sim-vm-a', destinationUri: 'qemu+ext:///system?command=/tmp/x' }, () => {})).rejects.toThrow(
      /^destinationUri: transport "ext" is not allowed/,
    );
    await expect(adapter.start!('block_copy', { domain: '--help', disk: 'vda', target: '/var/lib/libvirt/images/y.qcow2' }, () => {})).rejects.toThrow(
      /^domain: no running domain "--help"/,
    );
    await adapter.start!('live_migration', { domain: 'sim-vm-a', destinationUri: 'qemu+ssh://h2/system', bandwidthMiBs: 1000 }, () => {});
    await run(30_000);
    const migration = (await ops()).find((o) => o.kind === 'live_migration');
    expect(migration).toMatchObject({ state: 'succeeded', gone: true });
  });

  it('a stuck migration aborted from phaseboard ends cancelled, and one switched to post-copy completes', async () => {
    const { host, run, ops, act } = setup();
    const a = host.startScenario('migration-not-converging');
    const b = host.startScenario('migration-not-converging');
    await run(40_000);
    const byDomain = () => ops().then((list) => new Map(list.map((o) => [String(o.details.domain), o])));
    const running = await byDomain();
    expect(running.get(a.name)?.actions.find((x) => x.name === 'postcopy')?.enabled).toBe(true);
    expect(await act(running.get(a.name)!, 'cancel')).toMatchObject({ ok: true, message: 'migration abort requested' });
    expect(await act(running.get(b.name)!, 'postcopy')).toMatchObject({ ok: true, message: 'switched to post-copy' });
    await run(3000);
    const ended = await byDomain();
    expect(ended.get(a.name)).toMatchObject({ state: 'cancelled', outcome: `migration aborted; ${a.name} keeps running on the source` });
    expect(ended.get(b.name)).toMatchObject({ state: 'succeeded', outcome: expect.stringMatching(/^migrated in /) });
    expect(host.domains.has(a.name)).toBe(true);
    expect(host.domains.has(b.name)).toBe(false);
  });
});
