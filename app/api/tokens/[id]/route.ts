import { tokenRevoke } from '@/lib/api/access';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

export const DELETE = route<{ id: string }>({ role: 'admin' }, ({ rt, params, actor }) => tokenRevoke(rt, params.id, actor));
