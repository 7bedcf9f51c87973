import path from 'node:path';

/** The provisioning token the e2e server starts with (PHASEBOARD_ADMIN_TOKEN); tests use it only to set things up. */
export const E2E_ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';
export const E2E_PASSWORD = 'e2e-password-0123456789';

/** One person per role; global-setup makes them and logs each in. */
export const PEOPLE = {
  admin: { username: 'e2eadmin', role: 'admin' },
  operator: { username: 'olivia', role: 'operator' },
  viewer: { username: 'victor', role: 'viewer' },
} as const;
export type Person = keyof typeof PEOPLE;

/** A logged-in browser state per person (cookies of a real password login). */
export const stateOf = (who: Person) => path.join('reports', '.auth', `${who}.json`);
