import { operationWatch } from '@/lib/api/notify';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

/** body `{ "watched": true | false }`: be told (browser, webhook) if it fails */
export const POST = route<{ id: string }>({ role: 'operator' }, ({ rt, params, body, actor }) => operationWatch(rt, params.id, body, actor));
