import 'server-only';
import type { Runtime } from '@/lib/runtime/runtime';
import { z } from 'zod';
import { actorOf, type Actor, type Principal } from '@/lib/model/actor';
import { AppError } from '@/lib/errors/app-error';
import { fromZodError } from '@/lib/errors/zod-error';
import { applyMark, isSnoozed, MARK_VERBS, MarkBody, type MarkVerb } from '@/lib/triage/marks';
import { playbookDryRun, startPlaybook } from '@/lib/triage/playbook-runner';

export const FindingListQuery = z.strictObject({
  /** open: not snoozed; snoozed: open but snoozed; resolved; all */
  view: z.enum(['open', 'snoozed', 'resolved', 'all']).default('open'),
  operation: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

export async function findingList(rt: Runtime, params: URLSearchParams) {
  const parsed = FindingListQuery.safeParse(Object.fromEntries(params));
  if (!parsed.success) throw fromZodError(parsed.error, 'query');
  const q = parsed.data;
  const { store } = rt;
  const now = Date.now();
  if (q.view === 'resolved' || q.view === 'all') {
    const page = await store.listFindings({
      status: q.view === 'resolved' ? 'resolved' : undefined,
      operationId: q.operation,
      limit: q.limit,
      offset: q.offset,
    });
    return { ...page, counts: await counts(rt, now) };
  }
  // Snoozing is a per-finding time; open findings are few, so split them here.
  const open = (await store.listFindings({ status: 'open', operationId: q.operation, limit: 5000, offset: 0 })).items;
  const wanted = open.filter((f) => isSnoozed(f, now) === (q.view === 'snoozed'));
  return { items: wanted.slice(q.offset, q.offset + q.limit), total: wanted.length, counts: await counts(rt, now) };
}

async function counts(rt: Runtime, now: number) {
  const { store } = rt;
  const open = (await store.listFindings({ status: 'open', limit: 5000, offset: 0 })).items;
  const awake = open.filter((f) => !isSnoozed(f, now));
  return { open: awake.length, critical: awake.filter((f) => f.severity === 'critical').length, snoozed: open.length - awake.length };
}

export async function findingGet(rt: Runtime, id: string) {
  const { store, triage } = rt;
  const finding = await store.getFinding(id);
  if (!finding) throw new AppError('not_found', `no finding "${id}"`);
  const [notes, playbookRuns, operation, incident] = await Promise.all([
    store.findingNotes(id),
    store.listPlaybookRuns({ findingId: id }),
    finding.operationId ? store.getOperation(finding.operationId) : Promise.resolve(null),
    store.incidentFindings(finding.incident ?? finding.id),
  ]);
  const playbooks = triage.runner.playbooksFor(finding.connectionId);
  const remedies = [...finding.remedies]
    .sort((a, b) => a.rank - b.rank)
    .map((r) => ({ ...r, description: playbooks.find((p) => p.id === r.playbookId)?.description ?? '' }));
  // the incident's story, first to last, when there is more to it than this finding
  const story = incident.length > 1 ? incident.map((f) => ({ id: f.id, title: f.title, severity: f.severity, status: f.status, since: f.since })) : [];
  return { finding, notes, playbookRuns, operation, remedies, incident: story };
}

export async function findingMark(rt: Runtime, id: string, verb: string, body: unknown, principal: Principal) {
  const actor = actorOf(principal);
  if (!MARK_VERBS.includes(verb as MarkVerb)) throw new AppError('invalid_input', `unknown mark "${verb}"; one of ${MARK_VERBS.join(', ')}`, { field: 'verb' });
  const parsed = MarkBody[verb as MarkVerb].safeParse(body ?? {});
  if (!parsed.success) throw fromZodError(parsed.error, `${verb} body`);
  const { store, bus } = rt;
  const current = await store.getFinding(id);
  if (!current) throw new AppError('not_found', `no finding "${id}"`);
  const { finding, note } = applyMark(current, verb as MarkVerb, parsed.data as never, actor, Date.now(), principal.role === 'admin');
  await store.saveFinding(finding);
  await store.addFindingNote(note);
  bus.publish([{ type: 'finding', finding }]);
  return { finding, note };
}

export async function findingDryRun(rt: Runtime, id: string, playbookId: string) {
  const { triage } = rt;
  return playbookDryRun(triage.runner, id, playbookId);
}

export const RunBody = z.strictObject({
  /** the person saw the dry run and confirms */
  confirm: z.literal(true, { message: 'confirm must be true: run the dry run first and confirm' }),
  note: z.string().max(2000).optional(),
});

export async function findingRunPlaybook(rt: Runtime, id: string, playbookId: string, body: unknown, actor: Actor) {
  const parsed = RunBody.safeParse(body ?? {});
  if (!parsed.success) throw fromZodError(parsed.error, 'playbook run body');
  const { triage } = rt;
  return { run: await startPlaybook(triage.runner, { findingId: id, playbookId, actor, note: parsed.data.note }) };
}

export async function playbookRunGet(rt: Runtime, id: string) {
  const { store } = rt;
  const run = await store.getPlaybookRun(id);
  if (!run) throw new AppError('not_found', `no playbook run "${id}"`);
  return { run };
}
