import { operationRate } from '@/lib/api/operations';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

/** The operation's rate over time (its throughput chart). */
export const GET = route<{ id: string }>({ role: 'viewer' }, ({ rt, params }) => operationRate(rt, params.id));
