import { z } from 'zod';
import { Actor, actorLabel } from './actor';
import { ActionName } from './operation';

/** The playbook run a step of which asked for an action. */
export const RequestedByPlaybook = z.object({ runId: z.string(), title: z.string() });
export type RequestedByPlaybook = z.infer<typeof RequestedByPlaybook>;

/** One action someone asked phaseboard to run on an operation: the audit record. */
export const ActionRun = z.object({
  id: z.string(),
  operationId: z.string(),
  action: ActionName,
  /** a repeated submit with the same key (same operation, action and actor) returns this run instead of acting again */
  idempotencyKey: z.string().nullable(),
  /** what was asked (action and params), hashed: a key reused for another request is refused */
  requestHash: z.string(),
  /** who asked: the person (or token) directly, or the one who ran the playbook that asked */
  actor: Actor,
  /** set when a playbook step asked for it (on behalf of `actor`) */
  playbook: RequestedByPlaybook.nullable(),
  params: z.record(z.string(), z.unknown()),
  /** interrupted: phaseboard stopped while it ran; the engine was looked at again after the restart */
  status: z.enum(['running', 'succeeded', 'failed', 'interrupted']),
  requestedAt: z.string(),
  finishedAt: z.string().nullable(),
  message: z.string().nullable(),
});
export type ActionRun = z.infer<typeof ActionRun>;

/** "alice", or "alice (playbook "Resume the transfer")" when a playbook step asked on alice's behalf. */
export function requestedByLabel(r: { actor: Actor; playbook: RequestedByPlaybook | null }): string {
  return r.playbook ? `${actorLabel(r.actor)} (playbook "${r.playbook.title}")` : actorLabel(r.actor);
}
