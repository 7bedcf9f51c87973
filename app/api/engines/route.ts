import { engineAdd, engineList } from '@/lib/api/engines';
import { actorOf, readJsonBody, respond } from '@/lib/api/respond';

export const dynamic = 'force-dynamic';

export function GET() {
  return respond(engineList);
}

/** body `{ "id": "kvm1", "engine": "libvirt", "uri": "qemu+ssh://root@kvm1/system" }`: tried first, then kept */
export async function POST(req: Request) {
  return respond(async () => engineAdd(await readJsonBody(req), actorOf(req)), 201);
}
