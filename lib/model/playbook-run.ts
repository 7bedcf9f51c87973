import { z } from 'zod';
import { Actor } from './actor';

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
  actor: Actor,
  params: z.record(z.string(), z.unknown()),
  /** interrupted: phaseboard stopped while it ran */
  status: z.enum(['running', 'succeeded', 'failed', 'interrupted']),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  message: z.string().nullable(),
  steps: z.array(StepPlan.extend({ state: StepState })),
});
export type PlaybookRun = z.infer<typeof PlaybookRun>;
