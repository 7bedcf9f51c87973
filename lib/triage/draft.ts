import 'server-only';
import type { Evidence } from '@/lib/model/finding';

/** The fields a finding about one operation takes from it. */
export function aboutOperation(op: { connectionId: string; id: string; subject: { name: string } }) {
  return { connectionId: op.connectionId, operationId: op.id, subjectName: op.subject.name };
}

/** One piece of evidence from an engine field or a timeline point. */
export function evidence(label: string, value: unknown, at: string | null = null): Evidence {
  return { label, value: String(value ?? '—'), at, seq: null };
}

export const isoAt = (ms: number) => new Date(ms).toISOString();
