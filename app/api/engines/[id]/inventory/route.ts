import { engineInventory } from '@/lib/api/engines';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

export const GET = route<{ id: string }>({ role: 'viewer' }, ({ rt, params }) => engineInventory(rt, params.id));
