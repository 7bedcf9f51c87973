import { skipAhead } from '@/lib/api/demo';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

/** The simulated engines move ahead by `seconds`; answers once the board has seen it. */
export const POST = route({ role: 'admin' }, ({ rt, body }) => skipAhead(rt, body));
