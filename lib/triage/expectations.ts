import 'server-only';
import type { OperationKind, OperationState } from '@/lib/model/operation';
import { phaseSpans, type TimelineEvent } from '@/lib/model/timeline';

/** Before history says otherwise: how long a phase in this state may take (config triage.expectedPhaseS). */
export interface PhaseDefaults {
  pending: number;
  finalizing: number;
  running: number;
}
const FALLBACK_MS = 600_000;
/** Fewer finished spans than this and the default stands. */
const MIN_SAMPLES = 5;
/**
 * A phase is overdue past this multiple of its learned median. The median, not
 * a high percentile: the stuck spans this rule exists to catch end up in the
 * history too, and must not teach it that stuck is normal.
 */
const MEDIAN_FACTOR = 3;
/** Never expect less than this: short phases jitter with the poll interval. */
const FLOOR_MS = 15_000;

/**
 * Expected phase durations per (kind, phase), learned from finished spans in
 * the store's history with sane defaults until there is enough of it.
 */
export class PhaseExpectations {
  private learned = new Map<string, number>();

  constructor(private readonly defaultsS: PhaseDefaults = { pending: 120, finalizing: 120, running: 1800 }) {}

  /** Relearns from recent timelines (grouped by operation). */
  learn(samples: { kind: OperationKind; events: TimelineEvent[] }[]): void {
    const durations = new Map<string, number[]>();
    for (const { kind, events } of samples) {
      for (const span of phaseSpans(events)) {
        if (span.endedAt === null) continue;
        const key = `${kind}|${span.phase}`;
        const list = durations.get(key) ?? [];
        list.push(Date.parse(span.endedAt) - Date.parse(span.startedAt));
        durations.set(key, list);
      }
    }
    const learned = new Map<string, number>();
    for (const [key, list] of durations) {
      if (list.length < MIN_SAMPLES) continue;
      list.sort((a, b) => a - b);
      const median = list[Math.floor((list.length - 1) / 2)] ?? 0;
      learned.set(key, Math.max(FLOOR_MS, median * MEDIAN_FACTOR));
    }
    this.learned = learned;
  }

  expectedMs(kind: OperationKind, phase: string, state: OperationState): number {
    const configured = state === 'pending' || state === 'finalizing' || state === 'running' ? this.defaultsS[state] * 1000 : undefined;
    return this.learned.get(`${kind}|${phase}`) ?? configured ?? FALLBACK_MS;
  }

  /** for the finding's evidence: "learned from history" or "default" */
  source(kind: OperationKind, phase: string): 'history' | 'default' {
    return this.learned.has(`${kind}|${phase}`) ? 'history' : 'default';
  }
}
