import { findingMark } from '@/lib/api/triage';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

/** claim, release, acknowledge, snooze, note, resolve */
export const POST = route<{ id: string; verb: string }>({ role: 'operator' }, ({ rt, params, body, principal }) =>
  findingMark(rt, params.id, params.verb, body, principal),
);
