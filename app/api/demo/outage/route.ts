import { simulateOutage } from '@/lib/api/demo';
import { readJsonBody, respond } from '@/lib/api/respond';

export const dynamic = 'force-dynamic';

/** body `{ "seconds": n }`: the embedded engine is unreachable for that long */
export async function POST(req: Request) {
  return respond(async () => simulateOutage(await readJsonBody(req)));
}
