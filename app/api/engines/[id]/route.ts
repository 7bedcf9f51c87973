import { engineRemove } from '@/lib/api/engines';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

/** Removes a connection added from the UI (config-file ones are changed in the file). */
export const DELETE = route<{ id: string }>({ role: 'admin' }, ({ rt, params, actor }) => engineRemove(rt, params.id, actor));
