import { userCreate, userList } from '@/lib/api/access';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

export const GET = route({ role: 'admin' }, ({ rt }) => userList(rt));

/** body `{ "username", "role", "password"? }`: without a password, log in with a login link */
export const POST = route({ role: 'admin', status: 201 }, ({ rt, body, actor }) => userCreate(rt, body, actor));
