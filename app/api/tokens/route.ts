import { tokenCreate, tokenList } from '@/lib/api/access';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

/** Tokens by name and role: never their secrets. */
export const GET = route({ role: 'admin' }, ({ rt }) => tokenList(rt));

/** body `{ "name", "role", "expiresInDays"? }`: answers the secret, once */
export const POST = route({ role: 'admin', status: 201 }, ({ rt, body, actor }) => tokenCreate(rt, body, actor));
