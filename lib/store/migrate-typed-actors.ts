import 'server-only';
import type Database from 'libsql';
import { actorKey, PHASEBOARD, type Actor } from '@/lib/model/actor';
import type { RequestedByPlaybook } from '@/lib/model/action-run';
import type { ResolvedBy } from '@/lib/model/finding';

type Row = Record<string, unknown>;
type Json = Record<string, unknown>;

/**
 * Migration 4: actors were strings (`alice`, `token:deploy`, `phaseboard`,
 * `alice (playbook "…")`), compared as such, so a password user, a
 * proxy-named person and a token of the same name were one actor. Every
 * record now carries an `Actor`; indexed actor columns a stable `actorKey`.
 * Findings get `resolvedBy`.
 *
 * The old strings are read here, once, and nowhere else. What they cannot
 * say is guessed as well as the store allows: a name is the user of that
 * username when exactly one local user has it, and otherwise a proxy-named
 * person (proxy logins were recorded like users'; the only other source is a
 * user since removed); `token:<n>` is a token (with the id of the only token
 * ever named n; else the name).
 */
export function migrateTypedActors(db: Database.Database): void {
  const legacy = legacyActors(db);

  // Action runs: a playbook's request was "<actor> (playbook "<title>")" under the key playbook:<run id>:<step>.
  const runs = new Map<string, { actor: Actor; playbook: RequestedByPlaybook | null }>();
  for (const r of db.prepare('SELECT id, idempotency_key, data FROM action_runs').all() as Row[]) {
    const data = JSON.parse(String(r.data)) as Json;
    if (typeof data.actor !== 'string') continue;
    const byPlaybook = /^playbook:(.+):\d+$/.exec(String(r.idempotency_key ?? ''));
    const named = /^(.*) \(playbook "(.*)"\)$/s.exec(data.actor);
    const requested =
      byPlaybook && named ? { actor: legacy(named[1]!), playbook: { runId: byPlaybook[1]!, title: named[2]! } } : { actor: legacy(data.actor), playbook: null };
    runs.set(String(r.id), requested);
    db.prepare('UPDATE action_runs SET actor = ?, data = ? WHERE id = ?').run(actorKey(requested.actor), JSON.stringify({ ...data, ...requested }), r.id);
  }
  // The column holds a key to compare by, not a name to show.
  db.exec('ALTER TABLE action_runs RENAME COLUMN actor TO actor_key');

  for (const r of db.prepare("SELECT seq, entry FROM events WHERE json_extract(entry, '$.type') = 'action_requested'").all() as Row[]) {
    const entry = JSON.parse(String(r.entry)) as Json;
    if (typeof entry.actor !== 'string') continue;
    const requested = runs.get(String(entry.runId)) ?? { actor: legacy(entry.actor), playbook: null };
    db.prepare('UPDATE events SET entry = ? WHERE seq = ?').run(JSON.stringify({ ...entry, ...requested }), r.seq);
  }

  const playbookRuns = new Map<string, Json[]>();
  for (const r of db.prepare('SELECT id, finding_id, data FROM playbook_runs').all() as Row[]) {
    const data = JSON.parse(String(r.data)) as Json;
    const run = typeof data.actor === 'string' ? { ...data, actor: legacy(data.actor) } : data;
    if (run !== data) db.prepare('UPDATE playbook_runs SET data = ? WHERE id = ?').run(JSON.stringify(run), r.id);
    playbookRuns.set(String(r.finding_id), [...(playbookRuns.get(String(r.finding_id)) ?? []), run]);
  }

  // Findings, before their journal: a person's resolution is the journal's "resolved" line by someone other than phaseboard.
  const byHand = new Map<string, Json>();
  for (const r of db.prepare('SELECT finding_id, data FROM finding_notes ORDER BY id').all() as Row[]) {
    const note = JSON.parse(String(r.data)) as Json;
    if (note.kind === 'resolved' && typeof note.by === 'string' && note.by !== 'phaseboard') byHand.set(String(r.finding_id), note);
  }
  for (const r of db.prepare('SELECT id, data FROM findings').all() as Row[]) {
    const f = JSON.parse(String(r.data)) as Json;
    if ('resolvedBy' in f) continue;
    const mark = (m: unknown) => (m && typeof (m as Json).by === 'string' ? { ...(m as Json), by: legacy(String((m as Json).by)) } : m);
    const resolvedBy = f.status === 'resolved' ? resolvedByOf(f, byHand.get(String(r.id)), playbookRuns.get(String(r.id)) ?? [], legacy) : null;
    db.prepare('UPDATE findings SET data = ? WHERE id = ?').run(
      JSON.stringify({ ...f, claim: mark(f.claim ?? null), acknowledged: mark(f.acknowledged ?? null), resolvedBy }),
      r.id,
    );
  }
  for (const r of db.prepare('SELECT id, data FROM finding_notes').all() as Row[]) {
    const note = JSON.parse(String(r.data)) as Json;
    if (typeof note.by === 'string') db.prepare('UPDATE finding_notes SET data = ? WHERE id = ?').run(JSON.stringify({ ...note, by: legacy(note.by) }), r.id);
  }

  const field = (table: string, key: string, name: string, convert: (s: string) => Actor) => {
    for (const r of db.prepare(`SELECT ${key} AS k, data FROM ${table}`).all() as Row[]) {
      const data = JSON.parse(String(r.data)) as Json;
      const old = data[name];
      if (typeof old === 'string') db.prepare(`UPDATE ${table} SET data = ? WHERE ${key} = ?`).run(JSON.stringify({ ...data, [name]: convert(old) }), r.k);
    }
  };
  field('watches', 'operation_id', 'by', legacy);
  field('connection_configs', 'id', 'addedBy', legacy);
  // PHASEBOARD_ADMIN_TOKEN's token was made by phaseboard at startup.
  field('api_tokens', 'id', 'createdBy', (s) => (s === 'PHASEBOARD_ADMIN_TOKEN' ? PHASEBOARD : legacy(s)));
}

/**
 * How an old resolved finding was resolved, as well as the store can tell:
 * by hand when its journal says a person resolved it; by a playbook when
 * phaseboard's own sentence said so (the only record of it) and the run is
 * found; otherwise its condition cleared, during the run that was running
 * at the time if one was.
 */
function resolvedByOf(f: Json, byHand: Json | undefined, runs: Json[], legacy: (s: string) => Actor): ResolvedBy {
  if (byHand) return { kind: 'person', actor: legacy(String(byHand.by)), note: String(byHand.text ?? '') };
  const latestFirst = [...runs].sort((a, b) => String(b.startedAt).localeCompare(String(a.startedAt)));
  const credited = String(f.resolution ?? '').startsWith('fixed by playbook "') ? latestFirst.find((r) => r.status === 'succeeded') : undefined;
  if (credited) return { kind: 'playbook', runId: String(credited.id), title: String(credited.title), actor: credited.actor as Actor };
  const at = typeof f.resolvedAt === 'string' ? f.resolvedAt : null;
  const during = at ? latestFirst.find((r) => String(r.startedAt) <= at && (r.finishedAt === null || String(r.finishedAt) >= at)) : undefined;
  return { kind: 'condition_cleared', duringRunId: during ? String(during.id) : null };
}

/** Old actor strings to actors, with the ids the store knows for their names. */
function legacyActors(db: Database.Database): (s: string) => Actor {
  const userIds = uniqueIds(db, 'auth_users', ['username', 'name']);
  const tokenIds = uniqueIds(db, 'api_tokens', ['name']);
  return (s) => {
    if (s === 'phaseboard') return PHASEBOARD;
    if (s.startsWith('token:')) {
      const name = s.slice('token:'.length);
      return { kind: 'token', id: tokenIds.get(name) ?? name, name };
    }
    // A name no local or OpenID Connect user has came through a trusted proxy (or from a user since removed):
    // as a proxy actor, that person can still release their own claims after the upgrade.
    const id = userIds.get(s);
    return id ? { kind: 'user', id, name: s } : { kind: 'proxy', name: s };
  };
}

/** name → id for names exactly one row of the table has (the first present column of `names` is the name). */
function uniqueIds(db: Database.Database, table: string, names: string[]): Map<string, string> {
  const columns = new Set((db.prepare(`PRAGMA table_info(${table})`).all() as Row[]).map((c) => String(c.name)));
  const present = names.filter((n) => columns.has(n));
  if (!columns.has('id') || present.length === 0) return new Map();
  // A user's recorded name was their username, or their name when they had none.
  const name = present.length > 1 ? `COALESCE(${present.join(', ')})` : present[0]!;
  const rows = db.prepare(`SELECT ${name} AS name, id FROM ${table}`).all() as Row[];
  const seen = new Map<string, string | null>();
  for (const r of rows) {
    if (r.name === null || r.name === undefined) continue;
    const n = String(r.name);
    seen.set(n, seen.has(n) ? null : String(r.id));
  }
  return new Map([...seen].filter((e): e is [string, string] => e[1] !== null));
}
