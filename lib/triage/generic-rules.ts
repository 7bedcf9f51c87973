import 'server-only';
import { formatDuration } from '@/lib/format/durations';
import { requestedByLabel } from '@/lib/model/action-run';
import type { Operation } from '@/lib/model/operation';
import type { FindingDraft } from '@/lib/model/finding';
import { isoAt } from '@/lib/triage/draft';
import type { RuleContext, TriageRule } from './rule';

const noun = (op: Operation) => op.kind.replace(/_/g, ' ');

/** A running operation whose progress has not moved for stallAfterS. */
export const noProgressRule: TriageRule = {
  id: 'no-progress',
  evaluate(ctx) {
    const out: FindingDraft[] = [];
    for (const op of ctx.live) {
      const p = op.progress;
      if (op.state !== 'running' || !p || (p.total !== null && p.done >= p.total)) continue;
      // progress counts from the later of its last move and the phase change (a resume restarts the clock)
      const since = Math.max(Date.parse(op.progressAt ?? op.phaseChangedAt), Date.parse(op.phaseChangedAt));
      const idle = ctx.now - since;
      if (idle < ctx.stallAfterS * 1000) continue;
      out.push({
        ruleId: 'no-progress',
        key: `no-progress:${op.id}`,
        severity: idle >= ctx.stallAfterS * 5000 ? 'critical' : 'warning',
        title: `No progress while ${op.nativePhase}`,
        explanation: `The ${noun(op)} is ${op.nativePhase} but has not moved for ${formatDuration(idle)} (since ${isoAt(since)}).`,
        cause: 'Whatever feeds the operation stopped: the client, the network, or the storage behind it.',
        since: isoAt(since),
        connectionId: op.connectionId,
        operationId: op.id,
        subjectName: op.subject.name,
        evidence: [
          { label: 'done', value: `${p.done} of ${p.total ?? '?'} ${p.unit}`, at: op.progressAt, seq: null },
          { label: 'phase', value: op.nativePhase, at: op.phaseChangedAt, seq: null },
        ],
        remedies: [],
      });
    }
    return out;
  },
};

/** A phase that has lasted past what history (or the default) expects. */
export const phaseOverdueRule: TriageRule = {
  id: 'phase-overdue',
  evaluate(ctx) {
    const out: FindingDraft[] = [];
    for (const op of ctx.live) {
      // Moving data has its own stall rule; paused and ready wait for people on purpose.
      const timed = op.state === 'pending' || op.state === 'finalizing' || (op.state === 'running' && op.progress === null);
      if (!timed) continue;
      const expected = ctx.expectedPhase(op);
      const elapsed = ctx.now - Date.parse(op.phaseChangedAt);
      if (elapsed <= expected.ms) continue;
      out.push({
        ruleId: 'phase-overdue',
        key: `phase-overdue:${op.id}`,
        severity: elapsed > expected.ms * 3 ? 'critical' : 'warning',
        title: `${op.nativePhase} longer than expected (${formatDuration(expected.ms)})`,
        explanation: `The ${noun(op)} entered ${op.nativePhase} at ${op.phaseChangedAt} and is still there after ${formatDuration(elapsed)}.`,
        cause: 'The engine has not moved the operation on; it may be waiting on a host or a storage task.',
        since: isoAt(Date.parse(op.phaseChangedAt) + expected.ms),
        connectionId: op.connectionId,
        operationId: op.id,
        subjectName: op.subject.name,
        evidence: [
          { label: 'phase entered', value: op.nativePhase, at: op.phaseChangedAt, seq: null },
          {
            label: 'expected at most',
            value: `${formatDuration(expected.ms)} (${expected.source === 'history' ? 'learned from history' : 'default'})`,
            at: null,
            seq: null,
          },
        ],
        remedies: [],
      });
    }
    return out;
  },
};

/** The engine connection fails its polls. */
export const connectionDegradedRule: TriageRule = {
  id: 'connection-degraded',
  evaluate(ctx: RuleContext) {
    const c = ctx.connection;
    if (c.status !== 'degraded') return [];
    const since = c.lastSuccessAt ?? isoAt(ctx.now);
    return [
      {
        ruleId: 'connection-degraded',
        key: `connection-degraded:${c.id}`,
        severity: c.consecutiveFailures >= 3 ? 'critical' : 'warning',
        title: `Engine connection ${c.id} is failing`,
        explanation: `${c.consecutiveFailures} polls in a row failed; phaseboard retries with backoff and keeps what it recorded.`,
        cause: c.lastError ?? 'the engine did not answer',
        since,
        connectionId: c.id,
        operationId: null,
        subjectName: c.id,
        evidence: [
          { label: 'last error', value: c.lastError ?? '—', at: null, seq: null },
          { label: 'last success', value: c.lastSuccessAt ?? 'never', at: c.lastSuccessAt, seq: null },
        ],
        remedies: [
          {
            playbookId: 'connection.check',
            label: 'Test the connection now',
            rank: 1,
            why: 'One list call: shows whether the engine answers again, and the error if not.',
          },
        ],
      },
    ];
  },
};

/** An action phaseboard sent that failed, until a later run of it succeeds or the operation succeeds. */
export const actionFailedRule: TriageRule = {
  id: 'action-failed',
  evaluate(ctx) {
    const ops = new Map([...ctx.live, ...ctx.recentlyEnded].map((op) => [op.id, op]));
    const out: FindingDraft[] = [];
    for (const run of ctx.recentRuns) {
      if (run.status !== 'failed') continue;
      const op = ops.get(run.operationId);
      if (!op || op.state === 'succeeded') continue;
      const later = ctx.recentRuns.some(
        (r) => r.operationId === run.operationId && r.action === run.action && r.status === 'succeeded' && r.requestedAt > run.requestedAt,
      );
      if (later) continue;
      out.push({
        ruleId: 'action-failed',
        key: `action-failed:${run.id}`,
        severity: op.state === 'failed' ? 'critical' : 'warning',
        title: `${run.action} failed on ${op.subject.name}`,
        explanation: `${requestedByLabel(run)} asked to ${run.action} at ${run.requestedAt}; it ended: ${run.message ?? 'failed'}.`,
        cause: run.message ?? 'the engine refused or did not finish the action',
        since: run.finishedAt ?? run.requestedAt,
        connectionId: op.connectionId,
        operationId: op.id,
        subjectName: op.subject.name,
        evidence: [
          { label: 'action run', value: `${run.action} by ${requestedByLabel(run)}: ${run.message ?? 'failed'}`, at: run.finishedAt, seq: null },
          { label: 'operation', value: `${op.nativePhase} (${op.state})`, at: op.phaseChangedAt, seq: null },
        ],
        remedies: [],
      });
    }
    return out;
  },
};

export const GENERIC_RULES: readonly TriageRule[] = [noProgressRule, phaseOverdueRule, connectionDegradedRule, actionFailedRule];
