import { expect, test } from '@playwright/test';
import { E2E_PASSWORD, PEOPLE, stateOf } from './auth';
import { openOperation, runAction, startScenario, untilNeedsYou } from './helpers';

// Who may do what, as people meet it in the browser.

test.describe('logging in and out', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('a login never sends anyone to another site', async ({ page }) => {
    for (const next of ['/%09/evil.example', '//evil.example', 'https://evil.example/', '/\\evil.example']) {
      await page.goto(`/login?next=${next}`);
      await page.getByLabel('Username').fill(PEOPLE.viewer.username);
      await page.getByLabel('Password', { exact: true }).fill(E2E_PASSWORD);
      await page.getByRole('button', { name: 'Log in', exact: true }).click();
      await expect(page.getByTestId('whoami')).toHaveText(PEOPLE.viewer.username);
      expect(new URL(page.url()).host).toBe(new URL(test.info().project.use.baseURL!).host);
      // Leave first, so the logged-out page does not race the next visit to /login.
      await page.goto('about:blank');
      await page.context().clearCookies();
    }
  });

  test('a page without a login goes to the login page and back after it; log out ends the session', async ({ page }) => {
    await page.goto('/triage');
    await expect(page).toHaveURL(/\/login\?next=%2Ftriage$/);
    await page.getByLabel('Username').fill(PEOPLE.operator.username);
    await page.getByLabel('Password', { exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await expect(page.getByTestId('login-error')).toHaveText('Wrong username or password.');
    await page.getByLabel('Password', { exact: true }).fill(E2E_PASSWORD);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await expect(page).toHaveURL(/\/triage$/);
    await expect(page.getByTestId('whoami')).toHaveText(PEOPLE.operator.username);
    await expect(page.getByTestId('my-role')).toHaveText('operator');
    const cookie = (await page.context().cookies()).find((c) => c.name.endsWith('better-auth.session_token'));
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

    await page.getByRole('button', { name: 'Log out' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto('/');
    await expect(page).toHaveURL(/\/login\?next=%2F$/);
    // The old cookie, replayed, no longer works.
    const replay = await page.request.get('/api/operations', { headers: { cookie: `${cookie!.name}=${cookie!.value}` } });
    expect(replay.status()).toBe(401);
  });
});

test.describe('a viewer', () => {
  test.use({ storageState: stateOf('viewer') });

  test('sees the operation and its actions, none of them enabled, and the API refuses with 403', async ({ page }) => {
    const id = await startScenario('upload-awaits-finalize', 4);
    await openOperation(page, id);
    const actions = page.getByRole('group', { name: 'Actions' }).getByRole('button');
    await expect(actions.first()).toBeVisible();
    for (const button of await actions.all()) await expect(button).toBeDisabled();
    await expect(page.getByText(/Finalize: needs the operator role; you are a viewer/)).toBeVisible({ timeout: 20_000 });
    await expect(page.getByRole('button', { name: '☆ Watch' })).toBeDisabled();

    const res = await page.request.post(`/api/operations/${encodeURIComponent(id)}/actions/cancel`, { data: {} });
    expect(res.status()).toBe(403);
    expect((await res.json()).error.message).toBe(`this needs the operator role; ${PEOPLE.viewer.username} is a viewer`);

    await page.goto('/demo');
    await expect(page.getByText(/Watching only: starting scenarios and the outage needs the admin role/)).toBeVisible();
    for (const start of await page.getByRole('button', { name: /^Start / }).all()) await expect(start).toBeDisabled();
    await page.goto('/engines');
    await expect(page.getByRole('form', { name: 'Add a libvirt connection' })).toHaveCount(0);
    await expect(page.getByText('Adding and removing connections needs the admin role; you are a viewer.')).toBeVisible();
    // Webhook URLs can be secrets themselves: a viewer sees only where they go.
    const hooks = (await (await page.request.get('/api/notifications')).json()).webhooks as { url: string }[];
    expect(hooks.map((h) => h.url)).toEqual(['http://127.0.0.1:3219/…']);
    // The embedded oVirt simulator speaks plain http on loopback: marked as such.
    await expect(page.locator('[data-testid=engine]').filter({ hasText: 'sim-ovirt' })).toContainText('insecure: http');
    await expect(page.locator('[data-testid=engine]').filter({ hasText: 'qemu:///system' })).not.toContainText('insecure');
  });
});

test.describe('an operator', () => {
  test.use({ storageState: stateOf('operator') });

  test('finalizes from the UI, and the audit names them; admin pages stay closed', async ({ page }) => {
    const id = await startScenario('upload-awaits-finalize', 4);
    await openOperation(page, id);
    await untilNeedsYou(page, 'Finalize');
    await runAction(page, 'Finalize');
    await expect(page.getByTestId('state').first()).toHaveText('succeeded', { timeout: 30_000 });
    await expect(page.getByTestId('action-runs')).toContainText(PEOPLE.operator.username);
    await expect(page.getByTestId('timeline')).toContainText(`${PEOPLE.operator.username} requested finalize`);

    // A spoofed proxy header changes nothing: phaseboard trusts no proxy here.
    const spoofed = await page.request.post('/api/engines', {
      data: { id: 'x', engine: 'libvirt', uri: 'qemu:///system' },
      headers: { 'X-Remote-User': PEOPLE.admin.username },
    });
    expect(spoofed.status()).toBe(403);
    expect((await page.request.get('/api/users')).status()).toBe(403);
    await page.goto('/engines');
    await expect(page.getByRole('link', { name: 'Users & tokens' })).toHaveCount(0);
  });
});

test.describe('an admin', () => {
  test('makes an API token (shown once) that scripts use with its role, and revokes it', async ({ page, playwright }) => {
    await page.goto('/settings');
    await page.getByRole('form', { name: 'Make an API token' }).getByLabel('Name').fill('e2e-script');
    await page.getByRole('form', { name: 'Make an API token' }).getByLabel('Role').selectOption('viewer');
    await page.getByRole('button', { name: 'Make token' }).click();
    const secret = await page.getByLabel('Token secret').inputValue();
    expect(secret).toMatch(/^pbt_/);
    const script = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL, extraHTTPHeaders: { Authorization: `Bearer ${secret}` } });
    expect((await script.get('/api/operations?limit=1')).status()).toBe(200);
    const refused = await script.post('/api/demo/outage', { data: { seconds: 1 } });
    expect(refused.status()).toBe(403);
    expect((await refused.json()).error.message).toBe('this needs the admin role; token e2e-script is a viewer');
    await page.reload();
    await expect(page.locator('[data-token="e2e-script"]')).toContainText('viewer');
    await expect(page.getByTestId('tokens')).not.toContainText(secret);
    await page.locator('[data-token="e2e-script"]').getByRole('button', { name: 'revoke' }).click();
    await expect.poll(async () => (await script.get('/api/operations?limit=1')).status()).toBe(401);
    await script.dispose();
  });

  test('adds a user, gives them a one-time login link, and a presenter link opens a read-only session', async ({ page, browser }) => {
    await page.goto('/settings');
    const add = page.getByRole('form', { name: 'Add a user' });
    await add.getByLabel('Username').fill('nadia');
    await add.getByLabel('Role').selectOption('operator');
    await add.getByRole('button', { name: 'Add user' }).click();
    const row = page.locator('[data-user="nadia"]');
    await expect(row.getByLabel('Role of nadia')).toHaveValue('operator');
    await row.getByRole('button', { name: 'login link' }).click();
    const link = await page.getByLabel('Login link').inputValue();
    expect(link).toMatch(/\/login#link=/);

    const fresh = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const other = await fresh.newPage();
    await other.goto(link);
    await other.getByRole('button', { name: 'Log in with this link' }).click();
    await expect(other.getByTestId('whoami')).toHaveText('nadia');
    await expect(other.getByTestId('my-role')).toHaveText('operator');
    await fresh.close();

    await page.getByRole('button', { name: 'Make a presenter link (4 h)' }).click();
    const presenterLink = await page.getByTestId('login-link').filter({ hasText: 'presenter (viewer)' }).getByLabel('Login link').inputValue();
    const room = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const screen = await room.newPage();
    await screen.goto(presenterLink);
    await screen.getByRole('button', { name: 'Log in with this link' }).click();
    await expect(screen.getByTestId('my-role')).toHaveText('viewer');
    await screen.goto('/demo');
    await expect(screen.getByRole('button', { name: /^Start / }).first()).toBeDisabled();
    await room.close();
  });
});
