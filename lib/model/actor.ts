import { z } from 'zod';

/**
 * Three roles, as oVirt (ReadOnlyAdmin / UserRole / SuperUser) and Grafana
 * (Viewer / Editor / Admin) have them: a viewer sees everything and changes
 * nothing; an operator acts on operations and findings; an admin also
 * manages connections, webhooks, users, tokens and the demo controls.
 */
export const Role = z.enum(['viewer', 'operator', 'admin']);
export type Role = z.infer<typeof Role>;

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

/** True when a holder of `have` may do what needs `need`. */
export function hasRole(have: Role, need: Role): boolean {
  return RANK[have] >= RANK[need];
}

/** "an admin", "an operator", "a viewer" */
export function withArticle(role: Role): string {
  return `${role === 'viewer' ? 'a' : 'an'} ${role}`;
}

/** Who is acting, and how phaseboard knows. */
export type Principal =
  /** a person logged in with a session (password, OpenID Connect or a one-time link) */
  | { kind: 'user'; id: string; name: string; role: Role }
  /** a script with an API token */
  | { kind: 'token'; id: string; name: string; role: Role }
  /** a person a trusted fronting proxy named */
  | { kind: 'proxy'; name: string; role: Role };

/**
 * Who did something, as audit records, claims, runs and journals keep it.
 * Two actors are the same only when their kind and identity are: a password
 * user "alice", a proxy-named "alice" and a token "alice" are three actors.
 */
export const Actor = z.discriminatedUnion('kind', [
  /** a person with a phaseboard user (session login); `name` is their username when it was recorded */
  z.object({ kind: z.literal('user'), id: z.string(), name: z.string() }),
  /** a script with an API token; `name` is the token's name */
  z.object({ kind: z.literal('token'), id: z.string(), name: z.string() }),
  /** a person a trusted fronting proxy named (the proxy's name is their identity) */
  z.object({ kind: z.literal('proxy'), name: z.string() }),
  /** phaseboard itself: the triage evaluator, recovery after a restart, provisioning */
  z.object({ kind: z.literal('phaseboard') }),
]);
export type Actor = z.infer<typeof Actor>;

/** phaseboard itself */
export const PHASEBOARD: Actor = Object.freeze({ kind: 'phaseboard' });

/** The actor a logged-in principal acts as (its role is not part of who it is). */
export function actorOf(p: Principal): Actor {
  switch (p.kind) {
    case 'user':
      return { kind: 'user', id: p.id, name: p.name };
    case 'token':
      return { kind: 'token', id: p.id, name: p.name };
    case 'proxy':
      return { kind: 'proxy', name: p.name };
  }
}

/** Whether two records name the same actor: kind and id (a proxy's name is its id); display names do not count. */
export function sameActor(a: Actor, b: Actor): boolean {
  return actorKey(a) === actorKey(b);
}

/**
 * A stable text key for an actor, for indexed columns and in-memory maps
 * that must compare actors (idempotency scope): `user:<id>`, `token:<id>`,
 * `proxy:<name>`, `phaseboard`. Only ever produced here; never parsed back.
 */
export function actorKey(a: Actor): string {
  switch (a.kind) {
    case 'user':
      return `user:${a.id}`;
    case 'token':
      return `token:${a.id}`;
    case 'proxy':
      return `proxy:${a.name}`;
    case 'phaseboard':
      return 'phaseboard';
  }
}

/** An actor for people to read: "alice", "token deploy-bot", "carol (via proxy)", "phaseboard". */
export function actorLabel(a: Actor): string {
  switch (a.kind) {
    case 'user':
      return a.name;
    case 'token':
      return `token ${a.name}`;
    case 'proxy':
      return `${a.name} (via proxy)`;
    case 'phaseboard':
      return 'phaseboard';
  }
}
