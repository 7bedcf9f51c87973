import { ownPasswordChange } from '@/lib/api/access';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

/** body `{ "currentPassword", "newPassword" }`: any logged-in user changes their own password */
export const POST = route({ role: 'viewer' }, ({ rt, principal, body }) => ownPasswordChange(rt, principal, body));
