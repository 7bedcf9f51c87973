import 'server-only';
import type { ActionName, Operation } from '@/lib/model/operation';
import type { ActionRun } from '@/lib/model/action-run';
import type { StepPlan } from '@/lib/model/playbook-run';
import type { Finding } from '@/lib/model/finding';

/** What a step may use while it runs. */
export interface StepTools<A> {
  adapter: A;
  /** the operation as the store has it now (null for connection-level findings) */
  operation: Operation | null;
  /** runs an operation action through the audited action path and waits for its end */
  action(name: ActionName, params?: Record<string, unknown>): Promise<ActionRun>;
  log(line: string): void;
  /** polls the connection now and looks again at how a gone operation ended */
  refresh(): Promise<void>;
}

/** A step with its checks: both run against the engine, never against our cache. */
export interface PlannedStep<A> extends StepPlan {
  /** null when the step may run; otherwise why not, in plain words */
  check(tools: StepTools<A>): Promise<string | null>;
  /** does the step; answers one line for the audit, throws to fail */
  run(tools: StepTools<A>): Promise<string>;
}

/**
 * A remediation: a named list of steps for a finding. `plan` is pure (the dry
 * run shows it as is); the runner checks and runs each step in order.
 */
export interface Playbook<A> {
  id: string;
  title: string;
  description: string;
  /** it only reads or waits: its success does not mean it fixed anything */
  observesOnly?: boolean;
  plan(finding: Finding, operation: Operation | null): PlannedStep<A>[];
}
