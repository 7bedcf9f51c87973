import { operationCsv } from '@/lib/api/operations';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

/** The board's view (same filters as /api/operations) as a CSV download. */
export const GET = route({ role: 'viewer' }, ({ rt, query }) => operationCsv(rt, query));
