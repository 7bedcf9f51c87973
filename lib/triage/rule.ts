import 'server-only';
import type { EngineAdapter } from '@/lib/engines/types';
import type { EngineKind, Operation } from '@/lib/model/operation';
import type { ConnectionStatus } from '@/lib/store/types';
import type { ActionRun } from '@/lib/model/action-run';
import type { FindingDraft } from '@/lib/model/finding';
import type { Playbook } from './playbook';

/** What a rule sees of one engine connection after a collector cycle. */
export interface RuleContext {
  now: number;
  engine: EngineKind;
  connection: ConnectionStatus;
  /** operations the engine lists now */
  live: readonly Operation[];
  /** operations that ended or vanished recently (a day), newest first */
  recentlyEnded: readonly Operation[];
  /** action runs of this connection's operations from the last day */
  recentRuns: readonly ActionRun[];
  /**
   * How long the operation's current phase may last, learned from history or
   * the default: fixed when the phase starts, so a deadline never moves
   * under an operation that sits in it (and a finding does not flap as history grows).
   */
  expectedPhase(op: Pick<Operation, 'id' | 'kind' | 'nativePhase' | 'state' | 'phaseChangedAt'>): { ms: number; source: 'history' | 'default' };
  /** seconds without progress before the generic stall rule fires */
  stallAfterS: number;
}

/**
 * A rule is a pure look at the context: it reports what is wrong now. The
 * evaluator opens, updates and resolves findings from what rules report.
 */
export interface TriageRule {
  id: string;
  evaluate(ctx: RuleContext): FindingDraft[];
}

/** What an engine adds to triage; lives beside its adapter. */
export interface EngineTriage<A extends EngineAdapter = EngineAdapter> {
  rules: readonly TriageRule[];
  playbooks: readonly Playbook<A>[];
}
