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

/** The name audit records, claims and runs carry. */
export function actorName(p: Principal): string {
  return p.kind === 'token' ? `token:${p.name}` : p.name;
}
