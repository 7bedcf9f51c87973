import 'server-only';
import { z } from 'zod';
import { AppError } from '@/lib/errors/app-error';
import { actorLabel, sameActor, type Actor } from '@/lib/model/actor';
import type { Finding, FindingNote } from '@/lib/model/finding';

/** What people do to a finding so two of them don't work the same task. */
export const MarkBody = {
  claim: z.strictObject({ note: z.string().max(2000).default('') }),
  release: z.strictObject({ note: z.string().max(2000).default('') }),
  acknowledge: z.strictObject({ note: z.string().max(2000).default('') }),
  snooze: z.strictObject({
    minutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60),
    note: z.string().max(2000).default(''),
  }),
  note: z.strictObject({ note: z.string().trim().min(1, 'a note needs text').max(2000) }),
  resolve: z.strictObject({ note: z.string().trim().min(1, 'say how it was resolved').max(2000) }),
};
export type MarkVerb = keyof typeof MarkBody;
export const MARK_VERBS = Object.keys(MarkBody) as MarkVerb[];

type Bodies = { [V in MarkVerb]: z.infer<(typeof MarkBody)[V]> };

/**
 * Applies one mark; answers the finding as it is now and the journal line.
 * Refuses what would step on someone: only the holder of a claim, or an
 * admin (`mayOverride`), releases it.
 */
export function applyMark<V extends MarkVerb>(
  f: Finding,
  verb: V,
  body: Bodies[V],
  actor: Actor,
  now: number,
  mayOverride = false,
): { finding: Finding; note: FindingNote } {
  const at = new Date(now).toISOString();
  const text = (body as { note?: string }).note ?? '';
  const note = (kind: FindingNote['kind'], line: string): FindingNote => ({ findingId: f.id, at, by: actor, kind, text: line });
  if (f.status === 'resolved' && verb !== 'note')
    throw new AppError('conflict', `the finding is resolved (${f.resolution ?? 'no reason recorded'}); only notes can be added`);
  switch (verb) {
    case 'claim':
      if (f.claim && !sameActor(f.claim.by, actor))
        throw new AppError('conflict', `already claimed by ${actorLabel(f.claim.by)} at ${f.claim.at}${f.claim.note ? `: ${f.claim.note}` : ''}`);
      return { finding: { ...f, claim: { by: actor, at, note: text } }, note: note('claimed', text || 'claimed') };
    case 'release': {
      if (!f.claim) throw new AppError('conflict', 'nobody has claimed this finding');
      const holder = actorLabel(f.claim.by);
      if (!sameActor(f.claim.by, actor) && !mayOverride)
        throw new AppError('conflict', `claimed by ${holder} at ${f.claim.at}; only ${holder} or an admin can release it`);
      return { finding: { ...f, claim: null }, note: note('released', text || `released ${holder}'s claim`) };
    }
    case 'acknowledge':
      return { finding: { ...f, acknowledged: { by: actor, at, note: text } }, note: note('acknowledged', text || 'acknowledged') };
    case 'snooze': {
      const minutes = (body as Bodies['snooze']).minutes;
      const until = new Date(now + minutes * 60_000).toISOString();
      return { finding: { ...f, snoozedUntil: until }, note: note('snoozed', `snoozed until ${until}${text ? `: ${text}` : ''}`) };
    }
    case 'note':
      return { finding: f, note: note('note', text) };
    case 'resolve':
      return {
        finding: {
          ...f,
          status: 'resolved',
          resolvedAt: at,
          resolution: `marked resolved by ${actorLabel(actor)}: ${text}`,
          resolvedBy: { kind: 'person', actor, note: text },
        },
        note: note('resolved', text),
      };
  }
  throw new AppError('invalid_input', `unknown mark "${String(verb)}"`);
}

export function isSnoozed(f: Pick<Finding, 'snoozedUntil'>, now: number): boolean {
  return f.snoozedUntil !== null && Date.parse(f.snoozedUntil) > now;
}
