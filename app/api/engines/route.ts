import { engineAdd, engineList } from '@/lib/api/engines';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

export const GET = route({ role: 'viewer' }, () => engineList());

/** body `{ "id": "kvm1", "engine": "libvirt", "uri": "qemu+ssh://root@kvm1/system" }`: checked, tried, then kept */
export const POST = route({ role: 'admin', status: 201 }, ({ body, actor }) => engineAdd(body, actor));
