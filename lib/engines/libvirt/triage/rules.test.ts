import { describe, expect, it } from 'vitest';
import { at, operation, ruleContext } from '@/lib/testing/operations';
import { LIBVIRT_PLAYBOOKS } from './playbooks';
import { LIBVIRT_RULES, notConverging } from './rules';

const MiB = 1024 ** 2;
const rule = (id: string) => LIBVIRT_RULES.find((r) => r.id === id)!;

const migration = (remaining: number[], dirtyRate: number, bandwidth: number, iteration = remaining.length) =>
  operation({
    id: 'lv:vm1/migration/1',
    kind: 'live_migration',
    subject: { type: 'vm', id: 'vm1', name: 'vm1' },
    nativePhase: `iteration ${iteration}`,
    details: {
      domain: 'vm1',
      iteration,
      remainingPerIteration: remaining,
      dirtyRate,
      memoryBandwidth: bandwidth,
      elapsedMs: 90_000,
      postcopyActive: false,
    },
  });

describe('libvirt triage rules', () => {
  it('tells a migration that does not converge from one that does', () => {
    expect(notConverging([64 * MiB, 30 * MiB, 12 * MiB], 1 * MiB, 8 * MiB)).toBe(false);
    expect(notConverging([64 * MiB, 40 * MiB, 39 * MiB, 40 * MiB], 1 * MiB, 8 * MiB)).toBe(true);
    expect(notConverging([64 * MiB, 50 * MiB], 12 * MiB, 8 * MiB)).toBe(true);
  });

  it('flags a stuck migration with its evidence and ranked remedies, and leaves a converging one alone', () => {
    const r = rule('libvirt.migration-not-converging');
    const [f] = r.evaluate(ruleContext(100_000, { live: [migration([64 * MiB, 40 * MiB, 39 * MiB, 40 * MiB], 12 * MiB, 8 * MiB)] }));
    expect(f).toMatchObject({
      severity: 'warning',
      title: 'Migration of vm1 is not converging',
      cause: 'dirty rate 12.0 MiB/s against a bandwidth of 8.0 MiB/s',
    });
    expect(f?.evidence[0]?.value).toBe('64.0 MiB → 40.0 MiB → 39.0 MiB → 40.0 MiB');
    expect(f?.remedies.map((x) => x.playbookId)).toEqual(['libvirt.raise-bandwidth', 'libvirt.postcopy', 'libvirt.abort-and-retry']);
    expect(r.evaluate(ruleContext(100_000, { live: [migration([64 * MiB, 30 * MiB, 12 * MiB], 1 * MiB, 8 * MiB)] }))).toEqual([]);
    // too early to say
    expect(r.evaluate(ruleContext(100_000, { live: [migration([64 * MiB, 64 * MiB], 12 * MiB, 8 * MiB)] }))).toEqual([]);
  });

  it('flags a copy left ready without pivot for ten minutes', () => {
    const r = rule('libvirt.copy-ready-unpivoted');
    const copy = operation({
      kind: 'block_copy',
      state: 'ready',
      nativePhase: 'ready',
      phaseChangedAt: at(0),
      details: { domain: 'vm1', disk: 'vda', source: '/a.qcow2', destination: '/b.qcow2' },
    });
    expect(r.evaluate(ruleContext(9 * 60_000, { live: [copy] }))).toEqual([]);
    const [f] = r.evaluate(ruleContext(11 * 60_000, { live: [copy] }));
    expect(f?.title).toBe('Block copy of vm01-disk has been ready for 11m 00s without a pivot');
    expect(f?.remedies.map((x) => x.playbookId)).toEqual(['libvirt.pivot', 'libvirt.cancel-copy']);
  });

  it('plans a bandwidth raise to twice what is in use, at least 64 MiB/s', () => {
    const pb = LIBVIRT_PLAYBOOKS.find((p) => p.id === 'libvirt.raise-bandwidth')!;
    const op = migration([64 * MiB, 40 * MiB, 39 * MiB], 12 * MiB, 48 * MiB);
    const [step] = pb.plan({} as never, op);
    expect(step).toMatchObject({ title: 'Set the maximum bandwidth to 96 MiB/s', request: 'virsh migrate-setspeed --domain=vm1 --bandwidth=96' });
  });
});
