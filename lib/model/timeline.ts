import { z } from 'zod';
import { Actor } from './actor';
import { RequestedByPlaybook } from './action-run';
import { ActionName, OperationState } from './operation';

/**
 * One persisted entry of an operation's history. Phase changes and their
 * outcome are kept; progress samples are not (they only update the snapshot).
 */
export const TimelineEntry = z.discriminatedUnion('type', [
  z.object({ type: z.literal('observed'), nativePhase: z.string(), state: OperationState }),
  z.object({ type: z.literal('phase'), from: z.string(), to: z.string(), state: OperationState }),
  z.object({ type: z.literal('vanished'), lastPhase: z.string() }),
  z.object({ type: z.literal('resolved'), state: OperationState, message: z.string() }),
  z.object({
    type: z.literal('action_requested'),
    action: ActionName,
    runId: z.string(),
    actor: Actor,
    /** set when a playbook step asked on the actor's behalf */
    playbook: RequestedByPlaybook.nullable(),
  }),
  z.object({ type: z.literal('action_log'), action: ActionName, runId: z.string(), message: z.string() }),
  z.object({
    type: z.literal('action_finished'),
    action: ActionName,
    runId: z.string(),
    ok: z.boolean(),
    message: z.string(),
  }),
  /** phaseboard stopped while the action ran; after the restart the engine was asked how things stand */
  z.object({ type: z.literal('action_interrupted'), action: ActionName, runId: z.string(), engineNow: z.string() }),
  /**
   * Something the engine said that decides how the operation ends (libvirt's
   * block-job and job-completed events): kept here, so the outcome is read
   * back from history and no adapter memory decides it.
   */
  z.object({ type: z.literal('engine_fact'), data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])), text: z.string() }),
]);
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const TimelineEvent = z.object({
  /** global, monotonic store sequence; also the SSE event id */
  seq: z.number().int().positive(),
  operationId: z.string(),
  at: z.string(),
  entry: TimelineEntry,
});
export type TimelineEvent = z.infer<typeof TimelineEvent>;

export interface PhaseSpan {
  phase: string;
  state: OperationState;
  startedAt: string;
  /** null while it is the current phase */
  endedAt: string | null;
}

/** Phases with their start and end, derived from the timeline. */
export function phaseSpans(events: readonly TimelineEvent[]): PhaseSpan[] {
  const spans: PhaseSpan[] = [];
  for (const ev of events) {
    const e = ev.entry;
    if (e.type !== 'observed' && e.type !== 'phase') continue;
    const last = spans.at(-1);
    if (last && last.endedAt === null) last.endedAt = ev.at;
    spans.push({
      phase: e.type === 'observed' ? e.nativePhase : e.to,
      state: e.state,
      startedAt: ev.at,
      endedAt: null,
    });
  }
  const resolved = events.find((ev) => ev.entry.type === 'resolved' || ev.entry.type === 'vanished');
  const last = spans.at(-1);
  if (resolved && last && last.endedAt === null) last.endedAt = resolved.at;
  return spans;
}
