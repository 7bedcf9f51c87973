import { request, type FullConfig } from '@playwright/test';
import { E2E_ADMIN_TOKEN, E2E_PASSWORD, PEOPLE, stateOf } from './auth';

/**
 * Before the browser tests: one user per role, made through the API with
 * the provisioning token, then each logged in by password; their cookies
 * become the storage states the specs run as (admin by default).
 */
export default async function globalSetup(config: FullConfig): Promise<void> {
  const baseURL = config.projects[0]!.use.baseURL!;
  const admin = await request.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${E2E_ADMIN_TOKEN}` } });
  for (const [who, p] of Object.entries(PEOPLE)) {
    const made = await admin.post('/api/users', { data: { username: p.username, role: p.role, password: E2E_PASSWORD } });
    if (made.status() !== 201) throw new Error(`could not make ${who}: ${made.status()} ${await made.text()}`);
    const browser = await request.newContext({ baseURL });
    const login = await browser.post('/api/auth/sign-in/username', { data: { username: p.username, password: E2E_PASSWORD } });
    if (!login.ok()) throw new Error(`could not log ${p.username} in: ${login.status()} ${await login.text()}`);
    await browser.storageState({ path: stateOf(who as keyof typeof PEOPLE) });
    await browser.dispose();
  }
  await admin.dispose();
}
