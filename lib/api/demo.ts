import 'server-only';
import { z } from 'zod';
import { AppError } from '@/lib/errors/app-error';
import { parseInput } from '@/lib/errors/zod-error';
import { isTerminal } from '@/lib/model/operation';
import type { Runtime } from '@/lib/runtime/runtime';

/** Every running simulator's scenarios, each with its engine. */
export function scenarioList(rt: Runtime) {
  return {
    scenarios: [...rt.simulators.values()].flatMap(({ module }) =>
      (module.simulator?.scenarios ?? []).map((s) => ({ ...s, engine: module.kind, engineLabel: module.label })),
    ),
  };
}

export const StartScenarioBody = z.strictObject({
  speed: z.number().positive().max(100).default(1),
  finalizeBy: z.enum(['client', 'operator']).optional(),
});

/** Starts a scenario on the embedded simulator that has it; answers the operation id to open. */
export async function scenarioStart(rt: Runtime, id: string, body: unknown) {
  const options = parseInput(StartScenarioBody, body, 'scenario start');
  if (rt.simulators.size === 0) throw new AppError('unsupported', 'the embedded simulator is off (PHASEBOARD_SIMULATOR=off or engines are configured)');
  const found = [...rt.simulators.entries()].find(([, { module }]) => module.simulator?.scenarios.some((s) => s.id === id));
  if (!found) throw new AppError('not_found', `no scenario "${id}"`);
  const [connectionId, { sim }] = found;
  const matches = sim.startScenario(id, options);
  // Poll now so the operation exists when the browser opens it.
  await rt.collector.connection(connectionId).poller.pollOnce();
  const op = (await rt.store.trackedOperations(connectionId)).find(matches);
  if (!op) throw new AppError('conflict', `scenario ${id} started, but its operation is not listed yet`);
  return { operationId: op.id, nativeId: op.nativeId };
}

export const StageBody = z.strictObject({ quiet: z.boolean() });

/** Whether the stage is quiet, and since when. */
export async function stageGet(rt: Runtime) {
  return { ...rt.stage, simulators: rt.simulators.size };
}

/**
 * A presenter's quiet stage: the background mix of every simulator pauses (what
 * is in flight finishes) and Live shows only what starts from now on; the rest
 * stays in History and search. Turning it off brings the mix back.
 */
export async function stageSet(rt: Runtime, body: unknown) {
  const { quiet } = parseInput(StageBody, body, 'stage');
  if (rt.simulators.size === 0) throw new AppError('unsupported', 'the embedded simulator is off (PHASEBOARD_SIMULATOR=off or engines are configured)');
  if (quiet !== rt.stage.quiet) {
    for (const { sim } of rt.simulators.values()) sim.setMix?.(quiet ? 0 : rt.config.simulator.mix);
    // What the mix started until now is recorded before the line is drawn: an operation is "started" when first seen.
    if (quiet) for (const id of rt.simulators.keys()) await rt.collector.connection(id).poller.refresh();
    rt.stage = { quiet, since: quiet ? new Date().toISOString() : null };
    rt.log.info({ quiet }, quiet ? 'quiet stage: background mix paused' : 'quiet stage ended: background mix resumed');
  }
  return stageGet(rt);
}

export const OutageBody = z.strictObject({ seconds: z.number().int().min(1).max(600) });

/** Every simulated engine stops answering for a while (oVirt: 503; libvirt: its socket refuses): connections degrade, triage says so. */
export async function simulateOutage(rt: Runtime, body: unknown) {
  const { seconds } = parseInput(OutageBody, body, 'outage');
  const able = [...rt.simulators.values()].filter(({ sim }) => sim.outage);
  if (able.length === 0) throw new AppError('unsupported', 'no running simulator can simulate an outage (the embedded simulator is off?)');
  const until = able.map(({ sim }) => sim.outage!(seconds));
  return { until: until[0]! };
}

export const SkipBody = z.strictObject({
  seconds: z.number().int().min(1).max(3600),
  /** only this operation moves ahead (the others keep their pace); every simulated engine otherwise */
  operationId: z.string().max(2048).optional(),
});

/**
 * Moves the simulated engines ahead (an idle upload reaches oVirt's
 * inactivity pause at once), then polls every simulated connection and
 * lets triage look, so the board shows the result when this answers.
 * phaseboard's own clock does not move.
 */
export async function skipAhead(rt: Runtime, body: unknown) {
  const { seconds, operationId } = parseInput(SkipBody, body, 'skip');
  if (!rt.simClock) throw new AppError('unsupported', 'the embedded simulator is off (PHASEBOARD_SIMULATOR=off or engines are configured)');
  let polled = [...rt.simulators.keys()];
  if (operationId !== undefined) {
    const op = await rt.store.getOperation(operationId);
    const sim = op ? rt.simulators.get(op.connectionId)?.sim : undefined;
    if (!op) throw new AppError('not_found', `no operation "${operationId.slice(0, 200)}"`);
    if (!sim?.skip) throw new AppError('unsupported', `${op.connectionId} is not a simulated engine that can skip ahead`);
    if (op.gone || isTerminal(op.state)) throw new AppError('conflict', `${op.subject.name} has ended (${op.nativePhase}); there is nothing to skip`);
    if (!sim.skip(op, seconds * 1000)) throw new AppError('conflict', `${op.subject.name} has nothing running to skip ahead (it is ${op.nativePhase})`);
    polled = [op.connectionId];
  } else rt.simClock.skip(seconds * 1000);
  for (const id of polled) await rt.collector.connection(id).poller.refresh();
  await rt.triage.evaluator.idle();
  return { skippedSeconds: seconds, operationId: operationId ?? null, totalSkippedSeconds: rt.simClock.skippedMs / 1000 };
}
