import 'server-only';
import { randomUUID } from 'node:crypto';
import type { ActionRequestInput, Requested } from '@/lib/actions/request-action';
import type { Bus } from '@/lib/bus/types';
import type { Collector } from '@/lib/collector/collector';
import type { EngineAdapter } from '@/lib/engines/types';
import { AppError, isAppError, publicMessage } from '@/lib/errors/app-error';
import type { Logger } from '@/lib/log/logger';
import type { Operation } from '@/lib/model/operation';
import type { Store } from '@/lib/store/types';
import { actorLabel, type Actor } from '@/lib/model/actor';
import type { Finding } from '@/lib/model/finding';
import type { Playbook, PlannedStep, StepTools } from './playbook';
import type { PlaybookRun, StepPlan } from '@/lib/model/playbook-run';

export interface RunnerDeps {
  store: Store;
  bus: Bus;
  collector: Collector;
  log: Logger;
  /** the playbooks a connection's engine offers (generic ones included) */
  playbooksFor(connectionId: string): readonly Playbook<EngineAdapter>[];
  /** polls the connection and re-evaluates its findings now */
  evaluateNow(connectionId: string): Promise<void>;
  /** runs an operation action through the audited action path (one running per operation) */
  requestAction(input: ActionRequestInput): Promise<Requested>;
  now?: () => number;
}

export interface DryRun {
  finding: Finding;
  operation: Operation | null;
  playbook: { id: string; title: string; description: string };
  steps: StepPlan[];
}

async function prepare(deps: RunnerDeps, findingId: string, playbookId: string) {
  const finding = await deps.store.getFinding(findingId);
  if (!finding) throw new AppError('not_found', `no finding "${findingId}"`);
  const playbook = deps.playbooksFor(finding.connectionId).find((p) => p.id === playbookId);
  if (!playbook) throw new AppError('not_found', `no playbook "${playbookId}" for ${finding.connectionId}`);
  if (!finding.remedies.some((r) => r.playbookId === playbookId)) {
    throw new AppError(
      'conflict',
      `playbook "${playbook.title}" is not a remedy for this finding; offered: ${finding.remedies.map((r) => r.label).join(', ') || 'none'}`,
    );
  }
  const operation = finding.operationId ? await deps.store.getOperation(finding.operationId) : null;
  return { finding, playbook, operation, steps: playbook.plan(finding, operation) };
}

const planOf = ({ title, request, changes, precondition, manual }: PlannedStep<unknown>): StepPlan => ({ title, request, changes, precondition, manual });

/** What the playbook would do: every request and every entity it changes. Sends nothing. */
export async function playbookDryRun(deps: RunnerDeps, findingId: string, playbookId: string): Promise<DryRun> {
  const { finding, playbook, operation, steps } = await prepare(deps, findingId, playbookId);
  return { finding, operation, playbook: { id: playbook.id, title: playbook.title, description: playbook.description }, steps: steps.map(planOf) };
}

/**
 * Starts a playbook run and answers it at once; steps run in the background,
 * each after its precondition is checked against the engine again. The first
 * failing check or step stops the run and says why.
 */
export async function startPlaybook(deps: RunnerDeps, input: { findingId: string; playbookId: string; actor: Actor; note?: string }): Promise<PlaybookRun> {
  const now = () => new Date((deps.now ?? Date.now)()).toISOString();
  const { finding, playbook, steps } = await prepare(deps, input.findingId, input.playbookId);
  if (finding.status !== 'open') throw new AppError('conflict', `the finding is already resolved: ${finding.resolution ?? ''}`.trim());
  const run: PlaybookRun = {
    id: randomUUID(),
    findingId: finding.id,
    operationId: finding.operationId,
    playbookId: playbook.id,
    title: playbook.title,
    actor: input.actor,
    params: input.note ? { note: input.note } : {},
    status: 'running',
    startedAt: now(),
    finishedAt: null,
    message: null,
    steps: steps.map((s) => ({
      ...planOf(s),
      manual: s.manual ?? false,
      state: { status: 'pending', startedAt: null, finishedAt: null, message: null, log: [] },
    })),
  };
  const save = async () => {
    await deps.store.savePlaybookRun(run);
    deps.bus.publish([{ type: 'playbook', run: structuredClone(run) }]);
  };
  // The store refuses a second running run of the same finding (conflict), from any process.
  await save();
  await deps.store.addFindingNote({
    findingId: finding.id,
    at: run.startedAt,
    by: input.actor,
    kind: 'playbook',
    text: `started "${playbook.title}"${input.note ? `: ${input.note}` : ''}`,
  });
  void execute(deps, run, steps, save, now, playbook.observesOnly ?? false).catch(async (e: unknown) => {
    deps.log.error({ err: e, run: run.id }, 'playbook run crashed');
    if (run.status === 'running') await finishRun(deps, run, 'failed', `crashed: ${publicMessage(e)}`, save, now).catch(() => undefined);
  });
  return structuredClone(run);
}

async function execute(
  deps: RunnerDeps,
  run: PlaybookRun,
  steps: PlannedStep<EngineAdapter>[],
  save: () => Promise<void>,
  now: () => string,
  observesOnly: boolean,
) {
  const finding = (await deps.store.getFinding(run.findingId))!;
  const { adapter, poller } = deps.collector.connection(finding.connectionId);
  const finish = (status: 'succeeded' | 'failed', message: string) => finishRun(deps, run, status, message, save, now);

  for (const [i, step] of steps.entries()) {
    const state = run.steps[i]!.state;
    state.status = 'running';
    state.startedAt = now();
    await save();
    const operation = run.operationId ? await deps.store.getOperation(run.operationId) : null;
    const tools: StepTools<EngineAdapter> = {
      adapter,
      operation,
      action: async (name, params = {}) => {
        if (!run.operationId) throw new AppError('conflict', 'this finding has no operation to act on');
        const r = await deps.requestAction({
          operationId: run.operationId,
          action: name,
          params,
          idempotencyKey: `playbook:${run.id}:${i}`,
          actor: run.actor,
          playbook: { runId: run.id, title: run.title },
        });
        state.log.push(`${name} requested (action run ${r.run.id})`);
        await save();
        return r.done;
      },
      log: (line) => {
        state.log.push(line);
        void save();
      },
      refresh: async () => {
        await poller.pollOnce();
        if (run.operationId) await poller.recheck(run.operationId);
      },
    };
    const why = await step.check(tools).catch((e: unknown) => `the check itself failed: ${stepError(deps, run, i, 'check', e)}`);
    if (why !== null) {
      state.status = 'failed';
      state.finishedAt = now();
      state.message = `precondition no longer holds: ${why}`;
      await finish('failed', `stopped at step ${i + 1} (${step.title}): ${why}`);
      return;
    }
    try {
      state.message = await step.run(tools);
      state.status = 'succeeded';
      state.finishedAt = now();
      await save();
    } catch (e) {
      const message = stepError(deps, run, i, 'run', e);
      state.status = 'failed';
      state.finishedAt = now();
      state.message = message;
      await finish('failed', `step ${i + 1} (${step.title}) failed: ${message}`);
      return;
    }
  }
  // Triage looks once more, and the fix is credited, before the run says it is done: whoever sees the run
  // finished sees the finding as it ends up.
  await deps.evaluateNow(finding.connectionId).catch(() => undefined);
  if (!observesOnly) await creditFix(deps, run);
  await finish('succeeded', `${steps.length} step(s) done`);
}

/**
 * A step's failure in words an operator can act on: the engine's or the
 * client's own message, never a bare "internal error"; and always logged,
 * with the stack, for whoever looks at the server.
 */
function stepError(deps: Pick<RunnerDeps, 'log'>, run: PlaybookRun, index: number, phase: 'check' | 'run', e: unknown): string {
  deps.log.error({ err: e, runId: run.id, playbook: run.playbookId, step: index + 1, phase }, 'playbook step failed');
  if (isAppError(e)) return publicMessage(e);
  return e instanceof Error && e.message ? e.message : String(e);
}

/** Ends a run: pending steps are skipped, the journal says how it went. */
async function finishRun(deps: RunnerDeps, run: PlaybookRun, status: 'succeeded' | 'failed', message: string, save: () => Promise<void>, now: () => string) {
  for (const s of run.steps) if (s.state.status === 'pending') s.state.status = 'skipped';
  run.status = status;
  run.message = message;
  run.finishedAt = now();
  await save();
  await deps.store.addFindingNote({
    findingId: run.findingId,
    at: run.finishedAt,
    by: run.actor,
    kind: 'playbook',
    text: `"${run.title}" ${status}: ${message}`,
  });
}

/**
 * The finding may have cleared mid-run (a step's own refresh sees it first);
 * once a playbook that acts has succeeded, the fix is its doing.
 */
export async function creditFix(deps: Pick<RunnerDeps, 'store' | 'bus'>, run: PlaybookRun) {
  const f = await deps.store.getFinding(run.findingId);
  if (f?.status !== 'resolved' || f.resolvedBy?.kind !== 'condition_cleared' || f.resolvedBy.duringRunId !== run.id) return;
  const fixed: Finding = {
    ...f,
    resolution: `fixed by playbook "${run.title}" run by ${actorLabel(run.actor)}`,
    resolvedBy: { kind: 'playbook', runId: run.id, title: run.title, actor: run.actor },
  };
  await deps.store.saveFinding(fixed);
  deps.bus.publish([{ type: 'finding', finding: fixed }]);
}
