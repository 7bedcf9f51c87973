import { tokenRevoke } from '@/lib/api/access';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

export const DELETE = route<{ id: string }>({ role: 'admin' }, ({ params, actor }) => tokenRevoke(params.id, actor));
