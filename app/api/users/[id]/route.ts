import { userRemove, userUpdate } from '@/lib/api/access';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

/** body `{ "role"?, "disabled"?, "password"? }` */
export const PATCH = route<{ id: string }>({ role: 'admin' }, ({ params, body, principal }) => userUpdate(params.id, body, principal));

export const DELETE = route<{ id: string }>({ role: 'admin' }, ({ params, principal }) => userRemove(params.id, principal));
