import { expect, test, type Page } from '@playwright/test';
import { CloudHands, realOpenStack } from '../lib/testing/real-openstack';
import { openOperation } from './helpers';

// Against the real Nova of scripts/openstack/up.sh (npm test starts it), configured as connection "openstack".
test.describe.configure({ mode: 'serial' });

let hands: CloudHands;
let server: { id: string; host: string };
const name = `pb-ui-${process.pid}`;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  hands = new CloudHands(realOpenStack());
  server = await hands.server(name);
});
test.afterAll(async () => {
  if (server) await hands.deleteServer(server.id);
});

async function idle() {
  server = await hands.until('the server to be idle', async () => {
    const s = await hands.serverNow(server.id);
    return s.status === 'ACTIVE' && !s['OS-EXT-STS:task_state'] ? { id: server.id, host: s['OS-EXT-SRV-ATTR:host'] as string } : undefined;
  });
}

/** Starts a live migration as another tool would, and opens it once phaseboard lists it running. */
async function openRunningMigration(page: Page): Promise<number> {
  await idle();
  const before = (await hands.newestMigration(server.id))?.id ?? 0;
  hands.liveMigrationSeconds(server.id, 120);
  await hands.liveMigrate(server.id, null);
  const m = await hands.until('the migration record', async () => {
    const newest = await hands.newestMigration(server.id);
    return newest && newest.id > before ? (newest as { id: number }) : undefined;
  });
  await openOperation(page, `openstack:migration:${m.id}`);
  await expect(page.getByTestId('state').first()).toHaveText('running', { timeout: 40_000 });
  return m.id;
}

test('force-complete a running live migration from its page: memory progress, then completed on the other host', async ({ page }) => {
  test.setTimeout(120_000);
  const from = server.host;
  await openRunningMigration(page);
  await expect(page.getByTestId('detail-sourceHost')).toHaveText(from);
  await expect(page.getByTestId('detail-memoryRemaining')).toHaveText(/^\d+(\.\d)? (KiB|MiB)$/);
  await page.getByRole('group', { name: 'Actions' }).getByRole('button', { name: 'Force complete', exact: true }).click();
  await expect(page.getByRole('dialog').getByTestId('confirm-effect')).toContainText(`Nova pauses ${name} on ${from}`);
  await page.getByRole('dialog').getByRole('button', { name: 'Yes, force complete' }).click();
  await expect(page.getByTestId('state').first()).toHaveText('succeeded', { timeout: 40_000 });
  await expect(page.getByTestId('timeline')).toContainText('force_complete succeeded: force-complete accepted');
  await idle();
  expect(server.host).toBe(hands.otherHost(from));
});

test('abort a running live migration from its page: cancelled, the instance stays where it was', async ({ page }) => {
  test.setTimeout(120_000);
  const from = (await hands.serverNow(server.id))['OS-EXT-SRV-ATTR:host'];
  await openRunningMigration(page);
  await page.getByRole('group', { name: 'Actions' }).getByRole('button', { name: 'Abort migration', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Yes, abort migration' }).click();
  await expect(page.getByTestId('state').first()).toHaveText('cancelled', { timeout: 40_000 });
  await idle();
  expect(server.host).toBe(from);
});

test('start a cold migration from the Engines page, then confirm it when it waits for you', async ({ page }) => {
  test.setTimeout(120_000);
  await idle();
  const from = server.host;
  await page.goto('/engines');
  const engine = page.locator('[data-testid=engine]').filter({ hasText: 'openstack' }).first();
  const row = engine.locator(`[data-instance="${name}"]`);
  await expect(row).toBeVisible({ timeout: 20_000 });
  await row.getByRole('button', { name: `Cold migrate ${name}` }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('combobox', { name: 'Destination host' })).toHaveValue('');
  await dialog.getByRole('combobox', { name: 'Destination host' }).selectOption(hands.otherHost(from));
  await dialog.getByRole('button', { name: 'Start the migration' }).click();
  await expect(page.getByText(`Cold migration of ${name} to ${hands.otherHost(from)} accepted by Nova`)).toBeVisible();
  const m = await hands.until('the cold migration to finish', async () => {
    const newest = await hands.newestMigration(server.id, 'migration');
    return newest?.status === 'finished' ? (newest as { id: number }) : undefined;
  });
  await openOperation(page, `openstack:migration:${m.id}`);
  await expect(page.getByTestId('state').first()).toHaveText('ready', { timeout: 30_000 });
  await page.getByRole('group', { name: 'Actions' }).getByRole('button', { name: 'Confirm migration', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Yes, confirm migration' }).click();
  await expect(page.getByTestId('state').first()).toHaveText('succeeded', { timeout: 30_000 });
  await idle();
  expect(server.host).toBe(hands.otherHost(from));
});
