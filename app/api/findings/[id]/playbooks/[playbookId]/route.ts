import { findingDryRun, findingRunPlaybook } from '@/lib/api/triage';
import { route } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

type Params = { id: string; playbookId: string };

/** The dry run: each request the playbook will send and each entity it will change. Sends nothing. */
export const GET = route<Params>({ role: 'viewer' }, ({ rt, params }) => findingDryRun(rt, params.id, params.playbookId));

/** Runs it (body `{ "confirm": true }`); answers the run, whose steps then go on live. */
export const POST = route<Params>({ role: 'operator', status: 202 }, ({ rt, params, body, actor }) =>
  findingRunPlaybook(rt, params.id, params.playbookId, body, actor),
);
