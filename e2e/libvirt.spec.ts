import path from 'node:path';
import { expect, test } from '@playwright/test';
import { createDomain, realLibvirt, virsh } from '../lib/testing/real-libvirt';
import { openOperation, startScenario } from './helpers';

// Against the real libvirtd of scripts/libvirt/up.sh (npm test starts it).
test('pivot a real block copy from the UI: ready, confirm, the domain runs on the copy', async ({ page, request }) => {
  test.setTimeout(90_000);
  const env = realLibvirt();
  const { domain, disk } = createDomain(env, 'ui-pivot');
  const target = path.join(path.dirname(disk), 'copy.qcow2');
  virsh(env.srcUri, 'blockcopy', domain, 'vda', target, '--transient-job', '--bandwidth', '16');
  const id = `libvirt:${domain}/vda/copy/${target}`;
  await expect.poll(async () => (await request.get(`/api/operations/${encodeURIComponent(id)}`)).status(), { timeout: 20_000 }).toBe(200);
  await openOperation(page, id);
  const actions = page.getByRole('group', { name: 'Actions' });
  const pivot = actions.getByRole('button', { name: 'Pivot', exact: true });
  await expect(page.getByTestId('state').first()).toHaveText('ready', { timeout: 30_000 });
  await expect(pivot).toBeEnabled();
  await pivot.click();
  await expect(page.getByRole('dialog').getByTestId('confirm-effect')).toHaveText(
    `The domain switches to the copy ${target} and the job ends; ${disk} is no longer written.`,
  );
  await page.getByRole('dialog').getByRole('button', { name: 'Yes, pivot' }).click();
  await expect(page.getByTestId('state').first()).toHaveText('succeeded', { timeout: 30_000 });
  await expect(page.getByTestId('outcome')).toHaveText(`pivoted: ${domain} vda now runs on ${target}`);
  await expect(page.getByTestId('action-runs')).toContainText('pivot');
  expect(virsh(env.srcUri, 'domblklist', domain)).toContain(target);
});

test('the same flow on the simulated libvirt host, started from the demo page', async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto('/demo');
  await page.getByLabel('Speed').selectOption('5');
  await expect(page.locator('[data-scenario=copy-awaits-pivot]')).toContainText('libvirt · copy');
  await page.getByRole('button', { name: 'Start Block copy waits for pivot' }).click();
  await page.locator('[data-sonner-toast]').filter({ hasText: 'Started: Block copy waits for pivot' }).getByRole('button', { name: 'Open' }).click();
  await expect(page).toHaveURL(/\/operations\/sim-libvirt%3A/);
  await expect(page.getByTestId('state').first()).toHaveText('ready', { timeout: 30_000 });
  const pivot = page.getByRole('group', { name: 'Actions' }).getByRole('button', { name: 'Pivot', exact: true });
  await pivot.click();
  await page.getByRole('dialog').getByRole('button', { name: 'Yes, pivot' }).click();
  await expect(page.getByTestId('state').first()).toHaveText('succeeded', { timeout: 30_000 });
  await expect(page.getByTestId('outcome')).toHaveText(/^pivoted: ([a-z]+-?\d+) vda now runs on \/var\/lib\/libvirt\/images\/\1-copy\.qcow2$/);
});

test("an action that takes a value asks for it: raise a struggling migration's bandwidth on the simulated host", async ({ page }) => {
  test.setTimeout(60_000);
  const id = await startScenario('migration-not-converging', 2);
  await openOperation(page, id);
  // details labelled by the engine, in their units: "1.2 GiB", not dataRemaining 1288490188
  const details = page.getByLabel('Details');
  await expect(details.getByText('Remaining', { exact: true })).toBeVisible();
  await expect(page.getByTestId('detail-dataRemaining')).toHaveText(/^\d+\.\d (MiB|GiB)$/);
  await expect(page.getByTestId('detail-memoryBandwidth')).toHaveText(/^\d+\.\d MiB\/s$/);
  await expect(page.getByTestId('detail-remainingPerIteration')).toHaveText(/^\d+\.\d (MiB|GiB)( → \d+\.\d (MiB|GiB))+$/, { timeout: 20_000 });
  // the bar is 1 − remaining/total: never 100 % while data remains
  await expect(page.getByTestId('progress-done')).not.toContainText('100 %');
  await page.getByRole('group', { name: 'Actions' }).getByRole('button', { name: 'Change bandwidth', exact: true }).click();
  const dialog = page.getByRole('dialog');
  // The engine describes the value (name, unit, bounds); the page asks for it.
  const value = dialog.getByLabel('New maximum (MiB/s)');
  await expect(value).toHaveValue('64');
  await value.fill('400');
  await dialog.getByRole('button', { name: 'Yes, change bandwidth' }).click();
  await expect(page.getByTestId('timeline')).toContainText('set_bandwidth succeeded: maximum bandwidth set to 400 MiB/s', { timeout: 20_000 });
});

test('start a block copy and a live migration from the UI on real libvirt', async ({ page, request }) => {
  test.setTimeout(120_000);
  const env = realLibvirt();
  const { domain, disk } = createDomain(env, 'ui-start');
  await page.goto('/engines');
  const engine = page.locator('[data-testid=engine]').filter({ hasText: 'qemu:///system' });
  const row = engine.locator(`[data-domain="${domain}"]`);
  await expect(row).toBeVisible({ timeout: 15_000 });

  await row.getByRole('button', { name: `Copy ${domain} vda` }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByLabel('Destination path')).toHaveValue(path.join(path.dirname(disk), `${domain}-vda-copy.qcow2`));
  // Seed 004: reusing an existing file with no format makes libvirt probe it.
  await dialog.getByLabel('reuse existing destination').check();
  await expect(dialog.getByTestId('copy-warning')).toContainText('will be probed');
  await dialog.getByLabel('reuse existing destination').uncheck();
  await expect(dialog.getByTestId('copy-warning')).toHaveCount(0);
  await dialog.getByLabel('Bandwidth limit (MiB/s, empty: none)').fill('32');
  await dialog.getByRole('button', { name: 'Start the copy' }).click();
  await expect(page.getByText('Block Copy started')).toBeVisible();
  const copyId = `libvirt:${domain}/vda/copy/${path.join(path.dirname(disk), `${domain}-vda-copy.qcow2`)}`;
  await expect
    .poll(async () => (await (await request.get(`/api/operations/${encodeURIComponent(copyId)}`)).json()).operation?.state, { timeout: 30_000 })
    .toBe('ready');
  virsh(env.srcUri, 'blockjob', domain, 'vda', '--abort');

  await row.getByRole('button', { name: `Migrate ${domain}` }).click();
  // The destination is picked among the configured connections (URIs phaseboard already checked).
  await dialog.getByRole('combobox', { name: /^Destination/ }).selectOption('libvirt-dst');
  await dialog.getByLabel(/^Migration data URI/).fill('tcp://127.0.0.1:49230');
  await dialog.getByLabel('Bandwidth limit (MiB/s, empty: none)').fill('16');
  await dialog.getByLabel('unsafe (local disks)').check();
  await dialog.getByRole('button', { name: 'Start the migration' }).click();
  await expect(page.getByText(`migration of ${domain} to ${env.dstUri} started`)).toBeVisible();
  let migration: string | undefined;
  await expect
    .poll(
      async () => {
        const items = (await (await request.get('/api/operations?engine=libvirt&kind=live_migration&limit=200')).json()).items as {
          id: string;
          details: { domain: string };
          state: string;
        }[];
        migration = items.find((o) => o.details.domain === domain)?.id;
        return items.find((o) => o.details.domain === domain)?.state;
      },
      { timeout: 40_000 },
    )
    .toBe('succeeded');
  expect(virsh(env.dstUri, 'list', '--name')).toContain(domain);
  // libvirt does not say where a migration goes; phaseboard started this one, so it does
  await page.goto(`/operations/${encodeURIComponent(migration!)}`);
  await expect(page.getByTestId('migration-route')).toHaveText('(libvirt → libvirt-dst)');
  await expect(page.getByTestId('detail-destination')).toHaveText('libvirt-dst');
});

test('add a libvirt connection by URI from the UI: tried first, then kept; remove it again', async ({ page }) => {
  test.setTimeout(60_000);
  const env = realLibvirt();
  await page.goto('/engines');
  const form = page.getByRole('form', { name: 'Add a libvirt connection' });
  await form.getByLabel('Connection id').fill('Bad Id');
  await form.getByLabel('libvirt URI').fill(env.dstUri);
  await form.getByRole('button', { name: 'Add libvirt connection' }).click();
  await expect(page.getByText(/^connection: id: use lowercase letters, digits and dashes/)).toBeVisible();

  await form.getByLabel('Connection id').fill('lab-evil');
  await form.getByLabel('libvirt URI').fill('qemu+ssh://root@localhost/system?command=/bin/sh');
  await form.getByRole('button', { name: 'Add libvirt connection' }).click();
  await expect(page.getByText('uri: parameter "command" is not allowed (it makes libvirt run or reach a program)', { exact: false })).toBeVisible();

  await form.getByLabel('Connection id').fill('lab-nowhere');
  await form.getByLabel('libvirt URI').fill('qemu+unix:///system?socket=/nonexistent/libvirt-sock');
  await form.getByRole('button', { name: 'Add libvirt connection' }).click();
  await expect(page.getByText(/libvirt qemu\+unix:\/\/\/system\?socket=\/nonexistent\/libvirt-sock: .*\/nonexistent\/libvirt-sock/)).toBeVisible();

  await form.getByLabel('Connection id').fill('lab-dst');
  await form.getByLabel('libvirt URI').fill(env.dstUri);
  await form.getByRole('button', { name: 'Add libvirt connection' }).click();
  await expect(page.getByText('Connection lab-dst added')).toBeVisible();
  const engine = page.locator('[data-testid=engine]').filter({ hasText: 'lab-dst' });
  await expect(engine).toHaveAttribute('data-status', 'ok', { timeout: 15_000 });
  await expect(engine.getByTestId('domains')).toBeVisible();

  await engine.getByRole('button', { name: 'Remove connection lab-dst' }).click();
  await expect(page.getByText('Connection lab-dst removed')).toBeVisible();
  await expect(page.locator('[data-testid=engine]').filter({ hasText: 'lab-dst' })).toHaveCount(0);
});
