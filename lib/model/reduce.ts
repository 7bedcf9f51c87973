import type { Details, EngineKind, Operation, OperationState } from './operation';
import { isTerminal, operationId } from './operation';
import type { OperationSnapshot, Resolution } from './snapshot';

/** What can happen to an operation; the collector and action runner emit these. */
export type OperationEvent =
  | { type: 'observed'; at: string; connectionId: string; engine: EngineKind; snapshot: OperationSnapshot }
  | { type: 'changed'; at: string; snapshot: OperationSnapshot; rate: number | null }
  | { type: 'vanished'; at: string }
  | { type: 'resolved'; at: string; resolution: Resolution }
  | { type: 'outcome'; message: string };

const RATE_SMOOTHING = 0.5;

/**
 * The one place an Operation changes. Pure: the caller persists the result and
 * the timeline entries it decides to keep.
 */
export function reduceOperation(op: Operation | undefined, ev: OperationEvent): Operation {
  if (ev.type === 'observed') {
    const s = ev.snapshot;
    return {
      id: operationId(ev.connectionId, s.nativeId),
      connectionId: ev.connectionId,
      engine: ev.engine,
      nativeId: s.nativeId,
      kind: s.kind,
      subject: s.subject,
      nativePhase: s.nativePhase,
      state: s.state,
      progress: s.progress ? { ...s.progress, stalled: s.progress.stalled ?? null, rate: null, etaSeconds: null } : null,
      details: s.details,
      related: s.related,
      startedAt: s.startedAt ?? ev.at,
      phaseChangedAt: ev.at,
      progressAt: s.progress ? ev.at : null,
      endedAt: isTerminal(s.state) ? ev.at : null,
      gone: false,
      outcome: null,
      actions: [],
      needsYou: null,
      pipeline: [],
      attempt: 1,
      attemptOf: null,
      version: 0,
    };
  }
  if (!op) throw new Error(`event ${ev.type} for an operation never observed`);
  switch (ev.type) {
    case 'changed': {
      const s = ev.snapshot;
      const phaseChanged = s.nativePhase !== op.nativePhase;
      const moved = s.progress !== null && s.progress.done !== op.progress?.done;
      const rate = smoothRate(op.progress?.rate ?? null, ev.rate);
      // a stalled operation has no honest ETA: "not converging" takes its place
      const stalled = s.progress?.stalled ?? null;
      const progress = s.progress ? { ...s.progress, stalled, rate, etaSeconds: stalled ? null : eta(s.progress, rate) } : op.progress;
      return {
        ...op,
        subject: s.subject,
        nativePhase: s.nativePhase,
        state: s.state,
        details: { ...op.details, ...s.details },
        related: s.related.length > 0 ? s.related : op.related,
        progress: isTerminal(s.state) && progress ? { ...progress, rate: null, etaSeconds: null } : progress,
        phaseChangedAt: phaseChanged ? ev.at : op.phaseChangedAt,
        progressAt: moved ? ev.at : op.progressAt,
        endedAt: isTerminal(s.state) ? (op.endedAt ?? ev.at) : null,
        gone: false,
      };
    }
    case 'vanished':
      return { ...op, gone: true };
    case 'resolved':
      return {
        ...op,
        state: ev.resolution.state as OperationState,
        details: { ...op.details, ...(ev.resolution.details ?? ({} as Details)) },
        endedAt: op.endedAt ?? ev.at,
        outcome: ev.resolution.message,
        progress: op.progress ? { ...op.progress, rate: null, etaSeconds: null } : null,
      };
    case 'outcome':
      return { ...op, outcome: ev.message };
  }
}

function smoothRate(previous: number | null, sample: number | null): number | null {
  if (sample === null) return previous;
  // A stall shows at once as 0 rather than decaying towards it.
  if (previous === null || sample === 0) return sample;
  return previous * (1 - RATE_SMOOTHING) + sample * RATE_SMOOTHING;
}

function eta(p: { done: number; total: number | null }, rate: number | null): number | null {
  if (p.total === null || rate === null || rate <= 0) return null;
  return Math.max(0, (p.total - p.done) / rate);
}
