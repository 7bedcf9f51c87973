import { simulateOutage } from '@/lib/api/demo';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

/** body `{ "seconds": n }`: the embedded engine is unreachable for that long */
export const POST = route({ role: 'admin' }, ({ rt, body }) => simulateOutage(rt, body));
