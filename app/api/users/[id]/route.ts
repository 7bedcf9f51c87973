import { userRemove, userUpdate } from '@/lib/api/access';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

/** body `{ "role"?, "disabled"?, "password"? }` */
export const PATCH = route<{ id: string }>({ role: 'admin' }, ({ rt, params, body, principal }) => userUpdate(rt, params.id, body, principal));

export const DELETE = route<{ id: string }>({ role: 'admin' }, ({ rt, params, principal }) => userRemove(rt, params.id, principal));
