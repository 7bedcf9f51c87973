import { z } from 'zod';
import { Actor } from './actor';

export const Severity = z.enum(['critical', 'warning', 'info']);
export type Severity = z.infer<typeof Severity>;

export const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** One fact that shows the problem: a timeline point or an engine field. */
export const Evidence = z.object({
  label: z.string(),
  value: z.string(),
  /** when the fact was true or recorded */
  at: z.string().nullable(),
  /** the timeline event it points at, if any */
  seq: z.number().int().nullable(),
});
export type Evidence = z.infer<typeof Evidence>;

/** A remediation a rule offers, ranked: 1 is the safest that helps. */
export const Remedy = z.object({
  playbookId: z.string(),
  label: z.string(),
  rank: z.number().int().positive(),
  /** why this helps and what it costs, in plain words */
  why: z.string(),
});
export type Remedy = z.infer<typeof Remedy>;

/** What a rule reports for one subject at one instant. */
export const FindingDraft = z.object({
  ruleId: z.string(),
  /** stable identity: the same problem on the same subject is one finding */
  key: z.string(),
  severity: Severity,
  /** what is wrong, in plain words */
  title: z.string(),
  explanation: z.string(),
  /** the likely cause */
  cause: z.string(),
  /** since when the problem holds (from the evidence, not from when we noticed) */
  since: z.string(),
  connectionId: z.string(),
  operationId: z.string().nullable(),
  subjectName: z.string(),
  evidence: z.array(Evidence),
  remedies: z.array(Remedy),
  /** generic rules this finding makes redundant for the same operation */
  supersedes: z.array(z.string()).default([]),
});
export type FindingDraft = z.input<typeof FindingDraft>;
export type ParsedFindingDraft = z.infer<typeof FindingDraft>;

export const Mark = z.object({ by: Actor, at: z.string(), note: z.string() });
export type Mark = z.infer<typeof Mark>;

/**
 * How a finding was resolved, for decisions (`resolution` says it in words,
 * for people): its condition stopped holding (perhaps while a playbook run
 * was running), a playbook run fixed it, or a person marked it resolved.
 */
export const ResolvedBy = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('condition_cleared'),
    /** the playbook run that was running when it cleared; null when none was (or it is not known) */
    duringRunId: z.string().nullable(),
  }),
  z.object({ kind: z.literal('playbook'), runId: z.string(), title: z.string(), actor: Actor }),
  z.object({ kind: z.literal('person'), actor: Actor, note: z.string() }),
]);
export type ResolvedBy = z.infer<typeof ResolvedBy>;

export const Finding = FindingDraft.extend({
  id: z.string(),
  status: z.enum(['open', 'resolved']),
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
  claim: Mark.nullable(),
  acknowledged: Mark.nullable(),
  snoozedUntil: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  /** how it was resolved, in words for people (decisions read `resolvedBy`) */
  resolution: z.string().nullable(),
  /** how it was resolved; null while open */
  resolvedBy: ResolvedBy.nullable(),
  /**
   * The first finding of the incident this one belongs to: findings on the same
   * subject that follow one another (idle → paused by the engine → disk left
   * locked) are one story. Null when it started its own.
   */
  incident: z.string().nullable().default(null),
});
export type Finding = z.infer<typeof Finding>;

/** The journal of a finding: who did what to it, and what it went through. */
export const FindingNote = z.object({
  findingId: z.string(),
  at: z.string(),
  by: Actor,
  kind: z.enum(['opened', 'claimed', 'released', 'acknowledged', 'snoozed', 'note', 'playbook', 'resolved', 'reopened']),
  text: z.string(),
});
export type FindingNote = z.infer<typeof FindingNote>;

/** Most severe first, then oldest first. */
export function compareFindings(a: Pick<Finding, 'severity' | 'since'>, b: Pick<Finding, 'severity' | 'since'>): number {
  return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.since.localeCompare(b.since);
}
