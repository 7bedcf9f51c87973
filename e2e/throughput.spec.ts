import { expect, test } from '@playwright/test';
import { openOperation, startScenario } from './helpers';

test('an operation charts its rate over time; hovering reads a point out; the board sums each connection', async ({ page }) => {
  // 2 GiB in 20 s at speed 1: about 100 MiB/s for long enough to sample
  const id = await startScenario('upload-success', 1);
  await openOperation(page, id);
  const chart = page.getByTestId('rate-chart');
  await expect(chart).toBeVisible({ timeout: 20_000 });
  await expect.poll(async () => Number(await chart.locator('[data-points]').getAttribute('data-points')), { timeout: 20_000 }).toBeGreaterThanOrEqual(4);
  await expect(page.getByTestId('rate-summary')).toHaveText(/^now \d+(\.\d)? MiB\/s · peak \d+(\.\d)? MiB\/s · average \d+(\.\d)? MiB\/s$/);
  await expect(chart.getByRole('img', { name: /^Throughput of .+ over time: peak \d/ })).toBeVisible();

  // the pointer over the plot reads out the time and the rate there
  const plot = chart.locator('canvas');
  const box = (await plot.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2);
  await expect(chart.locator('figcaption')).toHaveText(/^\d\d:\d\d:\d\d.*\d+(\.\d)? MiB\/s$/);

  await page.goto('/');
  const panel = page.getByTestId('throughput');
  const now = panel.locator('[data-testid=throughput-now][data-connection=sim-ovirt]');
  await expect(now).toHaveText(/sim-ovirt \d+(\.\d)? MiB\/s/, { timeout: 20_000 });
  await expect(page.getByTestId('throughput-chart')).toHaveCount(0);
  await panel.locator('summary').click();
  await expect(page.getByTestId('throughput-chart').getByRole('img', { name: /sim-ovirt now \d/ })).toBeVisible();
  await expect(page.getByTestId('throughput-chart').locator('canvas')).toBeVisible();

  // once it has ended, the chart stays, with what it did
  await openOperation(page, id);
  await expect(page.getByTestId('state').first()).toHaveText('succeeded', { timeout: 60_000 });
  await expect(page.getByTestId('rate-summary')).toHaveText(/^peak \d+(\.\d)? MiB\/s · average \d+(\.\d)? MiB\/s$/);
});
