import { z } from 'zod';
import type { ActionName, Operation } from '@/lib/model/operation';
import type { ActionRun } from '@/lib/store/types';
import type { Finding } from './finding';

/** One step as the dry run shows it: the request it sends and what it changes. */
export const StepPlan = z.object({
  title: z.string(),
  /** the engine request, e.g. `POST /ovirt-engine/api/imagetransfers/{id}/resume` */
  request: z.string(),
  /** entities the step changes ("image transfer 1f…", "disk d1 (vm01-disk)"); empty for a read */
  changes: z.array(z.string()),
  /** the precondition checked against the engine right before the step */
  precondition: z.string(),
  /** steps someone runs on the engine host; phaseboard shows them and verifies after */
  manual: z.boolean().default(false),
});
export type StepPlan = z.input<typeof StepPlan>;

export const StepState = z.object({
  status: z.enum(['pending', 'running', 'succeeded', 'failed', 'skipped']),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  message: z.string().nullable(),
  /** progress lines the step logged */
  log: z.array(z.string()),
});
export type StepState = z.infer<typeof StepState>;

export const PlaybookRun = z.object({
  id: z.string(),
  findingId: z.string(),
  operationId: z.string().nullable(),
  playbookId: z.string(),
  title: z.string(),
  actor: z.string(),
  params: z.record(z.string(), z.unknown()),
  /** interrupted: phaseboard stopped while it ran */
  status: z.enum(['running', 'succeeded', 'failed', 'interrupted']),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  message: z.string().nullable(),
  steps: z.array(StepPlan.extend({ state: StepState })),
});
export type PlaybookRun = z.infer<typeof PlaybookRun>;

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
