import 'server-only';
import type { Role } from '@/lib/model/actor';

const ORDER: Role[] = ['admin', 'operator', 'viewer'];

/**
 * The role an OpenID Connect login gets: the highest role one of whose
 * configured values the claim lists (a string or an array of strings), else
 * the configured default; null means the user may not log in.
 */
export function roleFromClaims(claim: unknown, o: { roles: Record<Role, string[]>; defaultRole?: Role }): Role | null {
  const values = new Set((Array.isArray(claim) ? claim : typeof claim === 'string' ? claim.split(/[\s,]+/) : []).map(String));
  return ORDER.find((role) => o.roles[role].some((v) => values.has(v))) ?? o.defaultRole ?? null;
}
