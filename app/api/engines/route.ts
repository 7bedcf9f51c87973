import { engineAdd, engineList } from '@/lib/api/engines';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

export const GET = route({ role: 'viewer' }, ({ rt }) => engineList(rt));

/** body: one connection, as its engine module's connection schema has it (only addable engines): checked, tried, then kept */
export const POST = route({ role: 'admin', status: 201 }, ({ rt, body, actor }) => engineAdd(rt, body, actor));
