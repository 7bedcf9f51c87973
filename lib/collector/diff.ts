import 'server-only';
import type { Operation } from '@/lib/model/operation';
import { isTerminal } from '@/lib/model/operation';
import { reduceOperation } from '@/lib/model/reduce';
import type { OperationSnapshot } from '@/lib/model/snapshot';
import type { EngineKind } from '@/lib/model/operation';
import type { NewTimelineEntry } from '@/lib/store/types';

export interface DiffInput {
  connectionId: string;
  engine: EngineKind;
  known: ReadonlyMap<string, Operation>;
  snapshots: readonly OperationSnapshot[];
  /** previous progress sample per operation id, for the rate */
  samples: Map<string, { done: number; at: number }>;
  now: number;
}

export interface DiffResult {
  changed: Operation[];
  entries: NewTimelineEntry[];
  /** known, not terminal, and no longer listed: resolve through the adapter */
  vanished: Operation[];
  /** terminal and no longer listed: just mark gone */
  retired: Operation[];
}

/**
 * Compares what the engine lists now with what we know and says what changed.
 * Pure; the poller commits the result. A snapshot equal to what the store
 * already holds yields nothing, so a restart never duplicates a phase change.
 */
export function diffSnapshots(input: DiffInput): DiffResult {
  const at = new Date(input.now).toISOString();
  const out: DiffResult = { changed: [], entries: [], vanished: [], retired: [] };
  const seen = new Set<string>();
  for (const s of input.snapshots) {
    const id = `${input.connectionId}:${s.nativeId}`;
    seen.add(id);
    const known = input.known.get(id);
    const logged = logLines(id, known, s);
    out.entries.push(...logged);
    if (!known) {
      const op = reduceOperation(undefined, { type: 'observed', at, connectionId: input.connectionId, engine: input.engine, snapshot: s });
      out.changed.push(op);
      out.entries.push({ operationId: id, at, entry: { type: 'observed', nativePhase: s.nativePhase, state: s.state } });
      if (s.progress) input.samples.set(id, { done: s.progress.done, at: input.now });
      continue;
    }
    const rate = rateSample(input.samples, id, s, input.now);
    if (!differs(known, s, rate)) continue;
    const op = reduceOperation(known, { type: 'changed', at, snapshot: s, rate });
    out.changed.push(op);
    if (s.nativePhase !== known.nativePhase) {
      out.entries.push({ operationId: id, at, entry: { type: 'phase', from: known.nativePhase, to: s.nativePhase, state: s.state } });
    }
  }
  for (const op of input.known.values()) {
    if (seen.has(op.id) || op.gone) continue;
    if (isTerminal(op.state)) out.retired.push(op);
    else out.vanished.push(op);
    input.samples.delete(op.id);
  }
  return out;
}

/** The engine's log lines not yet recorded (those above the operation's details.logSerial), as timeline points at the engine's time; the snapshot's details then carry the new mark. */
function logLines(id: string, known: Operation | undefined, s: OperationSnapshot): NewTimelineEntry[] {
  if (!s.log?.length) return [];
  const mark = typeof known?.details.logSerial === 'number' ? known.details.logSerial : 0;
  const fresh = s.log.filter((l) => l.seq > mark);
  s.details = { ...s.details, logSerial: Math.max(mark, ...s.log.map((l) => l.seq)) };
  return fresh.map((l) => ({ operationId: id, at: l.at, entry: { type: 'engine_fact' as const, data: { logSerial: l.seq }, text: l.text } }));
}

function rateSample(samples: Map<string, { done: number; at: number }>, id: string, s: OperationSnapshot, now: number): number | null {
  if (!s.progress) return null;
  const prev = samples.get(id);
  samples.set(id, { done: s.progress.done, at: now });
  if (!prev || now <= prev.at) return null;
  return Math.max(0, ((s.progress.done - prev.done) * 1000) / (now - prev.at));
}

function differs(known: Operation, s: OperationSnapshot, rate: number | null): boolean {
  if (known.gone || s.nativePhase !== known.nativePhase || s.state !== known.state) return true;
  if (s.subject.name !== known.subject.name) return true;
  if ((s.progress?.done ?? null) !== (known.progress?.done ?? null)) return true;
  if ((s.progress?.total ?? null) !== (known.progress?.total ?? null)) return true;
  // A stalled transfer: let the rate fall to zero once, then stay quiet.
  if (rate === 0 && (known.progress?.rate ?? 0) > 0) return true;
  for (const [k, v] of Object.entries(s.details)) if (known.details[k] !== v) return true;
  return false;
}
