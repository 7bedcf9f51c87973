import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '@/lib/model/timeline';
import { PhaseExpectations } from './expectations';

const T = Date.parse('2026-01-01T00:00:00Z');

/** One operation's timeline: observed in transferring, then finalizing for `ms`, then finished. */
function history(i: number, ms: number): TimelineEvent[] {
  const op = `c:t${i}`;
  const ev = (seq: number, at: number, entry: TimelineEvent['entry']): TimelineEvent => ({ seq, operationId: op, at: new Date(at).toISOString(), entry });
  return [
    ev(1, T, { type: 'observed', nativePhase: 'transferring', state: 'running' }),
    ev(2, T + 10_000, { type: 'phase', from: 'transferring', to: 'finalizing_success', state: 'finalizing' }),
    ev(3, T + 10_000 + ms, { type: 'phase', from: 'finalizing_success', to: 'finished_success', state: 'succeeded' }),
  ];
}

describe('PhaseExpectations', () => {
  it('uses the configured default until five spans are known', () => {
    const e = new PhaseExpectations({ pending: 120, finalizing: 90, running: 1800 });
    e.learn([1, 2, 3, 4].map((i) => ({ kind: 'image_transfer' as const, events: history(i, 10_000) })));
    expect(e.expectedMs('image_transfer', 'finalizing_success', 'finalizing')).toBe(90_000);
    expect(e.source('image_transfer', 'finalizing_success')).toBe('default');
  });

  it('learns three times the median, so earlier stuck spans do not raise the bar', () => {
    const e = new PhaseExpectations();
    const spans = [8000, 9000, 10_000, 11_000, 12_000, 600_000, 900_000];
    e.learn(spans.map((ms, i) => ({ kind: 'image_transfer' as const, events: history(i, ms) })));
    expect(e.expectedMs('image_transfer', 'finalizing_success', 'finalizing')).toBe(33_000);
    expect(e.source('image_transfer', 'finalizing_success')).toBe('history');
  });

  it('never expects less than 15 s: short phases jitter with the poll', () => {
    const e = new PhaseExpectations();
    e.learn([1, 2, 3, 4, 5].map((i) => ({ kind: 'image_transfer' as const, events: history(i, 1000) })));
    expect(e.expectedMs('image_transfer', 'finalizing_success', 'finalizing')).toBe(15_000);
  });
});
