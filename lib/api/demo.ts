import 'server-only';
import { z } from 'zod';
import { AppError } from '@/lib/errors/app-error';
import { parseInput } from '@/lib/errors/zod-error';
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

export const OutageBody = z.strictObject({ seconds: z.number().int().min(1).max(600) });

/** Every simulated engine stops answering for a while (oVirt: 503; libvirt: its socket refuses): connections degrade, triage says so. */
export async function simulateOutage(rt: Runtime, body: unknown) {
  const { seconds } = parseInput(OutageBody, body, 'outage');
  const able = [...rt.simulators.values()].filter(({ sim }) => sim.outage);
  if (able.length === 0) throw new AppError('unsupported', 'no running simulator can simulate an outage (the embedded simulator is off?)');
  const until = able.map(({ sim }) => sim.outage!(seconds));
  return { until: until[0]! };
}
