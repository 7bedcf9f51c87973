import { stageGet, stageSet } from '@/lib/api/demo';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

/** Whether a presenter has quieted the stage (the board reads it to hide what came before). */
export const GET = route({ role: 'viewer' }, ({ rt }) => stageGet(rt));

/** body `{ "quiet": true | false }`: pause or resume the simulators' background mix */
export const POST = route({ role: 'admin' }, ({ rt, body }) => stageSet(rt, body));
