import 'server-only';
import { z } from 'zod';
import { AppError } from '@/lib/errors/app-error';
import { fromZodError } from '@/lib/errors/zod-error';
import { operationId } from '@/lib/model/operation';
import { getRuntime } from '@/lib/runtime/get-runtime';
import { SIM_CONNECTION_ID, SIM_LIBVIRT_ID } from '@/lib/runtime/runtime';
import { LIBVIRT_SCENARIOS } from '@/lib/sim/libvirt/scenarios';
import { SCENARIOS } from '@/lib/sim/ovirt/scenarios';

export function scenarioList() {
  return {
    scenarios: [
      ...SCENARIOS.map((s) => ({
        id: s.id,
        engine: 'ovirt' as const,
        title: s.title,
        description: s.description,
        direction: s.direction,
        finalizeBy: s.finalizeBy,
        legacyRemoval: s.legacyRemoval,
      })),
      ...LIBVIRT_SCENARIOS.map((s) => ({
        id: s.id,
        engine: 'libvirt' as const,
        title: s.title,
        description: s.description,
        direction: s.job,
        finalizeBy: null,
        legacyRemoval: false,
      })),
    ],
  };
}

export const StartScenarioBody = z
  .object({
    speed: z.number().positive().max(100).default(1),
    finalizeBy: z.enum(['client', 'operator']).optional(),
  })
  .strict();

/** Starts a scenario on the embedded simulator; answers the operation id to open. */
export async function scenarioStart(id: string, body: unknown) {
  const parsed = StartScenarioBody.safeParse(body ?? {});
  if (!parsed.success) throw fromZodError(parsed.error, 'scenario start');
  const rt = await getRuntime();
  if (!rt.sim || !rt.simLibvirt) throw new AppError('unsupported', 'the embedded simulator is off (PHASEBOARD_SIMULATOR=off or engines are configured)');
  if (LIBVIRT_SCENARIOS.some((s) => s.id === id)) {
    const domain = rt.simLibvirt.startScenario(id, { speed: parsed.data.speed });
    // Poll now so the operation exists when the browser opens it.
    await rt.collector.connection(SIM_LIBVIRT_ID).poller.pollOnce();
    const op = (await rt.store.trackedOperations(SIM_LIBVIRT_ID)).find((o) => o.details.domain === domain.name);
    if (!op) throw new AppError('conflict', `scenario ${id} started on ${domain.name}, but its operation is not listed yet`);
    return { operationId: op.id, transferId: null };
  }
  if (!SCENARIOS.some((s) => s.id === id)) throw new AppError('not_found', `no scenario "${id}"`);
  const t = rt.sim.engine.startScenario(id, parsed.data);
  // Poll now so the operation exists when the browser opens it.
  await rt.collector.connection(SIM_CONNECTION_ID).poller.pollOnce();
  return { operationId: operationId(SIM_CONNECTION_ID, t.id), transferId: t.id };
}

export const OutageBody = z.strictObject({ seconds: z.number().int().min(1).max(600) });

/** The simulated engine answers 503 for a while: the connection degrades, triage says so. */
export async function simulateOutage(body: unknown) {
  const parsed = OutageBody.safeParse(body ?? {});
  if (!parsed.success) throw fromZodError(parsed.error, 'outage');
  const rt = await getRuntime();
  if (!rt.sim) throw new AppError('unsupported', 'the embedded simulator is off (PHASEBOARD_SIMULATOR=off or engines are configured)');
  return { until: rt.sim.startOutage(parsed.data.seconds) };
}
