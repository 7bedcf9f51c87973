import type { EngineKind } from '@/lib/model/operation';
import type { EngineTriage } from '@/lib/triage/rule';
import { ovirtTriage } from './ovirt/triage';
import type { EngineAdapter } from './types';

/** Each engine's triage rules and playbooks, beside its adapter. */
const TRIAGE: Partial<Record<EngineKind, EngineTriage<EngineAdapter>>> = {
  // The oVirt playbooks read through the oVirt adapter's client; only oVirt connections reach them.
  ovirt: ovirtTriage as unknown as EngineTriage<EngineAdapter>,
};

export function engineTriage(engine: EngineKind): EngineTriage<EngineAdapter> {
  return TRIAGE[engine] ?? { rules: [], playbooks: [] };
}
