import { notificationsGet } from '@/lib/api/notify';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

export const GET = route({ role: 'viewer' }, ({ rt, principal }) => notificationsGet(rt, principal));
