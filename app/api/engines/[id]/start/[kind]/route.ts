import { engineStart } from '@/lib/api/engines';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

/** block_copy or live_migration; 400 names the bad field, 502 carries libvirt's refusal */
export const POST = route<{ id: string; kind: string }>({ role: 'operator', status: 202 }, ({ rt, params, body, actor }) =>
  engineStart(rt, params.id, params.kind, body, actor),
);
