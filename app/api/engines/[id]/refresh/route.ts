import { engineRefresh } from '@/lib/api/engines';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

/** Polls the connection now and lets triage look at the result; answers once both are done. */
export const POST = route<{ id: string }>({ role: 'operator' }, ({ rt, params }) => engineRefresh(rt, params.id));
