import { describe, expect, it } from 'vitest';
import { TRANSFER_PHASES } from './constants';
import { PHASE_STATE, phaseState, transferSnapshot } from './normalize';
import { OvirtImageTransfer } from './parse';

describe('oVirt phase normalization', () => {
  it('maps every documented phase, keeping cleanup phases non-terminal', () => {
    expect(Object.keys(PHASE_STATE).sort()).toEqual([...TRANSFER_PHASES].sort());
    expect(phaseState('initializing')).toBe('pending');
    expect(phaseState('transferring')).toBe('running');
    expect(phaseState('resuming')).toBe('running');
    expect(phaseState('paused_system')).toBe('paused');
    expect(phaseState('paused_user')).toBe('paused');
    expect(phaseState('cancelled_user')).toBe('finalizing');
    expect(phaseState('cancelled_system')).toBe('finalizing');
    expect(phaseState('finalizing_success')).toBe('finalizing');
    expect(phaseState('finalizing_failure')).toBe('finalizing');
    expect(phaseState('finalizing_cleanup')).toBe('finalizing');
    expect(phaseState('finished_success')).toBe('succeeded');
    expect(phaseState('finished_failure')).toBe('failed');
    expect(phaseState('finished_cleanup')).toBe('cancelled');
  });

  it('calls a phase it does not know unknown, and keeps the native word', () => {
    const t = OvirtImageTransfer.parse({ id: 't1', phase: 'brand_new_phase', disk: { id: 'd1' } });
    const s = transferSnapshot(t);
    expect(s.state).toBe('unknown');
    expect(s.nativePhase).toBe('brand_new_phase');
  });

  it('accepts numbers and booleans sent as JSON strings, with the disk inlined', () => {
    const t = OvirtImageTransfer.parse({
      id: 't1',
      phase: 'transferring',
      direction: 'upload',
      active: 'true',
      transferred: '536870912',
      inactivity_timeout: '60',
      disk: { id: 'd1', name: 'vm1-disk', status: 'locked', provisioned_size: '1073741824', initial_size: '1073741824' },
    });
    const s = transferSnapshot(t);
    expect(t.active).toBe(true);
    expect(s.progress).toEqual({ unit: 'bytes', done: 536870912, total: 1073741824 });
    expect(s.subject).toEqual({ type: 'disk', id: 'd1', name: 'vm1-disk' });
    expect(s.details.diskStatus).toBe('locked');
  });

  it('rejects a transfer whose numbers are not numbers, naming the field', () => {
    expect(OvirtImageTransfer.safeParse({ id: 't', phase: 'transferring', transferred: 'lots' }).error?.issues[0]?.path).toEqual(['transferred']);
  });
});
