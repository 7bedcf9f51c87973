import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { freePort, stopProcess } from '../lib/testing/processes';
import { OIDC_CLIENT, startOidcProvider } from './oidc-provider';
import { startPhaseboard } from './spawn';

test.use({ storageState: { cookies: [], origins: [] } });

test('single sign-on against a real OpenID Connect provider maps groups to roles at every login', async ({ page }) => {
  test.setTimeout(90_000);
  const port = await freePort();
  const groups: Record<string, string[]> = { oscar: ['staff', 'pb-operators'], nobody: ['staff'] };
  const idp = await startOidcProvider({ redirectUri: `http://127.0.0.1:${port}/api/auth/callback/oidc`, groups });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phaseboard-oidc-'));
  const config = path.join(dir, 'phaseboard.config.json');
  fs.writeFileSync(
    config,
    JSON.stringify({
      auth: {
        oidc: {
          issuer: idp.issuer,
          clientId: OIDC_CLIENT.id,
          clientSecret: OIDC_CLIENT.secret,
          scopes: ['openid', 'profile', 'email', 'groups'],
          roleClaim: 'groups',
          roles: { admin: ['pb-admins'], operator: ['pb-operators'] },
          label: 'Company SSO',
          // the test provider speaks plain http on loopback
          insecure: true,
        },
      },
    }),
  );
  const pb = await startPhaseboard({ PHASEBOARD_CONFIG: config, PHASEBOARD_SIM_MIX: '0' }, { port });
  const ssoAs = async (login: string) => {
    // A fresh browser each time, so the provider asks who it is (it remembers its own sessions).
    await page.context().clearCookies();
    await page.goto(`${pb.url}/login`);
    await page.getByRole('button', { name: 'Company SSO' }).click();
    await expect(page).toHaveURL(new RegExp(`^${idp.issuer}/`));
    await page.getByPlaceholder('Enter any login').fill(login);
    await page.getByPlaceholder('and password').fill('anything');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
  };
  try {
    await ssoAs('oscar');
    await expect(page).toHaveURL(`${pb.url}/`);
    await expect(page.getByTestId('whoami')).toHaveText('oscar');
    await expect(page.getByTestId('my-role')).toHaveText('operator');

    // The provider now puts oscar among the admins: the next login says so.
    await page.getByRole('button', { name: 'Log out' }).click();
    await expect(page).toHaveURL(/\/login/);
    groups.oscar = ['pb-admins'];
    await ssoAs('oscar');
    await expect(page.getByTestId('my-role')).toHaveText('admin');
    const users = (await (await pb.api('/api/users')).json()) as { users: { username: string; role: string; logins: string[] }[] };
    expect(users.users.find((u) => u.username === 'oscar')).toMatchObject({ role: 'admin', logins: ['oidc'] });

    // No group that maps to a role, and no default role: no login.
    await page.getByRole('button', { name: 'Log out' }).click();
    await expect(page).toHaveURL(/\/login/);
    await ssoAs('nobody');
    await expect(page).toHaveURL(/\/login\?/);
    await expect(page.getByTestId('login-error')).toHaveText(
      'Single sign-on did not log you in: your account has no phaseboard role: the provider lists none of the groups phaseboard maps to a role. Ask an admin.',
    );
    // Text in the URL is never shown as phaseboard's words.
    await page.goto(`${pb.url}/login?sso=failed&error=x&error_description=Call%20555-0100%20to%20unlock`);
    await expect(page.getByTestId('login-error')).toHaveText('Single sign-on did not log you in: the provider or phaseboard refused the login (x).');
    expect(
      (
        (await (
          await fetch(`${pb.url}/api/session`, { headers: { cookie: (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ') } })
        ).json()) as { principal: unknown }
      ).principal,
    ).toBeNull();
  } finally {
    await stopProcess(pb.child);
    await idp.close();
  }
});
