import 'server-only';
import { randomUUID } from 'node:crypto';
import type { Bus } from '@/lib/bus/types';
import type { CycleView } from '@/lib/collector/poller';
import type { Logger } from '@/lib/log/logger';
import type { OperationKind } from '@/lib/model/operation';
import type { Store } from '@/lib/store/types';
import { PhaseExpectations, type PhaseDefaults } from './expectations';
import { actorLabel, PHASEBOARD } from '@/lib/model/actor';
import { FindingDraft, type Finding, type FindingNote, type ParsedFindingDraft, type ResolvedBy } from '@/lib/model/finding';
import { GENERIC_RULES } from './generic-rules';
import type { RuleContext, TriageRule } from './rule';

export interface EvaluatorOptions {
  store: Store;
  bus: Bus;
  log: Logger;
  /** engine rules per connection id */
  rulesFor: (connectionId: string) => readonly TriageRule[];
  now?: () => number;
  /** seconds without progress before the generic stall rule fires */
  stallAfterS?: number;
  /** seconds a phase may last per state until history teaches better */
  expectedPhaseS?: PhaseDefaults;
  /** each finding as it opens (notifications) */
  onOpened?: (finding: Finding) => void;
}

const DAY_MS = 24 * 3600_000;
const RELEARN_MS = 60_000;
/** A finding whose only change is a growing duration is rewritten at most this often. */
const REFRESH_MS = 15_000;
/** A resolved finding is put down to a playbook run that succeeded this recently. */
const PLAYBOOK_CREDIT_MS = 10 * 60_000;
/** A finding on a subject whose last finding cleared less than this ago continues that incident. */
const INCIDENT_GAP_MS = 30 * 60_000;

/**
 * Runs every rule after each collector cycle and keeps findings in step:
 * opens what rules report, updates what changed, and resolves what they no
 * longer report, saying how. One evaluation per connection at a time; cycles
 * that arrive meanwhile collapse into one more.
 */
export class TriageEvaluator {
  private readonly expectations: PhaseExpectations;
  private learnedAt = 0;
  private readonly busy = new Map<string, { pending: CycleView | null; done: Promise<void> }>();
  private readonly now: () => number;

  /** each live phase's deadline, fixed when first asked: operation id, phase and its start → expected ms */
  private readonly deadlines = new Map<string, { ms: number; source: 'history' | 'default' }>();

  constructor(private readonly o: EvaluatorOptions) {
    this.now = o.now ?? Date.now;
    this.expectations = new PhaseExpectations(o.expectedPhaseS);
  }

  /** Hook for the collector: never throws, never blocks the poll. */
  onCycle = (view: CycleView): void => {
    const slot = this.busy.get(view.connectionId);
    if (slot) {
      slot.pending = view;
      return;
    }
    const entry = { pending: null as CycleView | null, done: Promise.resolve() };
    this.busy.set(view.connectionId, entry);
    entry.done = (async () => {
      let next: CycleView | null = view;
      while (next) {
        const current = next;
        entry.pending = null;
        await this.evaluate(current).catch((e: unknown) => this.o.log.error({ err: e, connection: current.connectionId }, 'triage evaluation failed'));
        next = entry.pending;
      }
      this.busy.delete(view.connectionId);
    })();
  };

  /** Waits for any evaluation in progress (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.busy.values()].map((b) => b.done));
  }

  async evaluate(view: CycleView): Promise<Finding[]> {
    const now = this.now();
    const since = new Date(now - DAY_MS).toISOString();
    const [recentlyEnded, recentRuns] = await Promise.all([
      this.o.store.endedOperations(view.connectionId, since),
      this.o.store.recentActionRuns(view.connectionId, since),
    ]);
    await this.relearn(
      now,
      [...view.live, ...recentlyEnded].map((op) => op.kind),
    );
    const ctx: RuleContext = {
      now,
      engine: view.engine,
      connection: view.status,
      live: view.live,
      recentlyEnded,
      recentRuns,
      expectedPhase: (op) => {
        const key = `${op.id}\u0000${op.nativePhase}\u0000${op.phaseChangedAt}`;
        let deadline = this.deadlines.get(key);
        if (!deadline) {
          deadline = { ms: this.expectations.expectedMs(op.kind, op.nativePhase, op.state), source: this.expectations.source(op.kind, op.nativePhase) };
          this.deadlines.set(key, deadline);
        }
        return deadline;
      },
      stallAfterS: this.o.stallAfterS ?? 60,
    };
    const drafts = this.runRules([...GENERIC_RULES, ...this.o.rulesFor(view.connectionId)], ctx);
    // deadlines of phases that are over are not needed again
    const current = new Set(view.live.map((op) => `${op.id}\u0000${op.nativePhase}\u0000${op.phaseChangedAt}`));
    for (const key of this.deadlines.keys()) if (key.startsWith(`${view.connectionId}:`) && !current.has(key)) this.deadlines.delete(key);
    return this.reconcile(view.connectionId, drafts, now);
  }

  private runRules(rules: readonly TriageRule[], ctx: RuleContext): ParsedFindingDraft[] {
    const drafts: ParsedFindingDraft[] = [];
    for (const rule of rules) {
      try {
        for (const d of rule.evaluate(ctx)) drafts.push(FindingDraft.parse(d));
      } catch (e) {
        // One broken rule must not hide the others' findings.
        this.o.log.error({ err: e, rule: rule.id }, 'triage rule failed');
      }
    }
    // An engine rule that explains an operation better silences the generic ones.
    const silenced = new Set(drafts.flatMap((d) => d.supersedes.map((r) => `${r}|${d.operationId}`)));
    return drafts.filter((d) => !silenced.has(`${d.ruleId}|${d.operationId}`));
  }

  private async reconcile(connectionId: string, drafts: ParsedFindingDraft[], now: number): Promise<Finding[]> {
    const at = new Date(now).toISOString();
    const open = new Map((await this.o.store.openFindings(connectionId)).map((f) => [f.key, f]));
    const changed: Finding[] = [];
    const notes: FindingNote[] = [];
    const openedNow = new Map<string, Finding>();
    for (const d of drafts) {
      const current = open.get(d.key);
      if (current) {
        open.delete(d.key);
        const material = current.severity !== d.severity || current.remedies.length !== d.remedies.length || current.cause !== d.cause;
        const stale = now - Date.parse(current.lastSeenAt) >= REFRESH_MS;
        if (material || (stale && (current.title !== d.title || JSON.stringify(current.evidence) !== JSON.stringify(d.evidence)))) {
          changed.push({ ...current, ...d, since: current.since, lastSeenAt: at });
        }
        continue;
      }
      const latest = await this.o.store.latestFinding(d.key);
      // Someone marked it resolved by hand: they own it; the same key stays quiet.
      if (latest?.status === 'resolved' && latest.resolvedBy?.kind === 'person') continue;
      // What happened to the same subject just before is the same incident (idle → paused → locked).
      const before =
        openedNow.get(d.subjectName) ?? (await this.o.store.lastFindingOn(connectionId, d.subjectName, new Date(now - INCIDENT_GAP_MS).toISOString()));
      const finding: Finding = {
        ...d,
        incident: before ? (before.incident ?? before.id) : null,
        id: randomUUID(),
        status: 'open',
        firstSeenAt: at,
        lastSeenAt: at,
        claim: null,
        acknowledged: null,
        snoozedUntil: null,
        resolvedAt: null,
        resolution: null,
        resolvedBy: null,
      };
      changed.push(finding);
      openedNow.set(d.subjectName, finding);
      notes.push({ findingId: finding.id, at, by: PHASEBOARD, kind: 'opened', text: `${d.severity}: ${d.title}` });
    }
    for (const f of open.values()) {
      const { resolution, resolvedBy } = await this.resolutionOf(f, now);
      changed.push({ ...f, status: 'resolved', resolvedAt: at, resolution, resolvedBy });
      notes.push({ findingId: f.id, at, by: PHASEBOARD, kind: 'resolved', text: resolution });
    }
    for (const f of changed) await this.o.store.saveFinding(f);
    for (const n of notes) await this.o.store.addFindingNote(n);
    for (const n of notes) if (n.kind === 'opened') this.o.onOpened?.(changed.find((f) => f.id === n.findingId)!);
    if (changed.length > 0) this.o.bus.publish(changed.map((finding) => ({ type: 'finding' as const, finding })));
    return changed;
  }

  /** How a finding stopped holding: a playbook's doing, or what the subject did; in words and as a value. */
  private async resolutionOf(f: Finding, now: number): Promise<{ resolution: string; resolvedBy: ResolvedBy }> {
    const runs = await this.o.store.listPlaybookRuns({ findingId: f.id });
    const credit = runs.find((r) => r.status === 'succeeded' && r.finishedAt && now - Date.parse(r.finishedAt) <= PLAYBOOK_CREDIT_MS);
    if (credit) {
      return {
        resolution: `fixed by playbook "${credit.title}" run by ${actorLabel(credit.actor)}`,
        resolvedBy: { kind: 'playbook', runId: credit.id, title: credit.title, actor: credit.actor },
      };
    }
    const active = runs.find((r) => r.status === 'running');
    const resolvedBy: ResolvedBy = { kind: 'condition_cleared', duringRunId: active?.id ?? null };
    const during = active ? ` while playbook "${active.title}" (run by ${actorLabel(active.actor)}) was running` : '';
    if (!f.operationId) return { resolution: `condition cleared${during}: the engine answers again`, resolvedBy };
    const op = await this.o.store.getOperation(f.operationId);
    if (!op) return { resolution: `condition cleared${during}`, resolvedBy };
    return {
      resolution: `condition cleared${during}: ${op.subject.name} is now ${op.nativePhase} (${op.state})${op.outcome ? `, ${op.outcome}` : ''}`,
      resolvedBy,
    };
  }

  private async relearn(now: number, kinds: OperationKind[]): Promise<void> {
    if (now - this.learnedAt < RELEARN_MS) return;
    this.learnedAt = now;
    const samples = [];
    for (const kind of new Set(kinds)) {
      for (const events of await this.o.store.recentTimelines(kind, 20_000)) samples.push({ kind, events });
    }
    this.expectations.learn(samples);
  }
}
