import path from 'node:path';
import { expect, test } from '@playwright/test';
import { createDomain, realLibvirt, virsh } from '../lib/testing/real-libvirt';
import { openOperation } from './helpers';

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
  await expect(page.getByRole('dialog').getByTestId('confirm-effect')).toHaveText(`The domain switches to the copy ${target} and the job ends; ${disk} is no longer written.`);
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
  await expect(page).toHaveURL(/\/operations\/sim-libvirt%3A/);
  await expect(page.getByTestId('state').first()).toHaveText('ready', { timeout: 30_000 });
  const pivot = page.getByRole('group', { name: 'Actions' }).getByRole('button', { name: 'Pivot', exact: true });
  await pivot.click();
  await page.getByRole('dialog').getByRole('button', { name: 'Yes, pivot' }).click();
  await expect(page.getByTestId('state').first()).toHaveText('succeeded', { timeout: 30_000 });
  await expect(page.getByTestId('outcome')).toHaveText(/^pivoted: copy-awaits-pivot-\d+ vda now runs on \/var\/lib\/libvirt\/images\/copy-awaits-pivot-\d+-copy\.qcow2$/);
});
