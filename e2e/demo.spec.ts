import { expect, test } from '@playwright/test';
import { runAction, startScenario } from './helpers';

test('a presenter starts a scenario from the demo page and has an operator finalize it', async ({ page }) => {
  await page.goto('/demo');
  const card = page.locator('[data-scenario=upload-success]');
  await expect(card).toContainText('finalized by client');
  await page.getByLabel('Finalized by').selectOption('operator');
  await page.getByLabel('Speed').selectOption('10');
  await expect(card).toContainText('finalized by operator');
  await page.getByRole('button', { name: 'Start Upload succeeds' }).click();
  // the toast says what started, by its name, what to do next, and opens it
  const toast = page.locator('[data-sonner-toast]').filter({ hasText: 'Started: Upload succeeds' });
  await expect(toast).toContainText(/[a-z]+-?\d+_Disk1 on oVirt/);
  await expect(toast).toContainText('watch the pipeline');
  await toast.getByRole('button', { name: 'Open' }).click();
  await expect(page).toHaveURL(/\/operations\//);
  // A twin started after ours, at the same speed and size, finalized by its client: once it has finished,
  // ours would have too had its client finalized it. No waiting for something not to happen.
  const twin = await startScenario('upload-success', 10);

  // All data sent, and the transfer waits for us instead of finalizing by itself.
  await expect(page.getByTestId('progress-done')).toHaveAttribute('data-bytes', String(2 * 1024 ** 3), { timeout: 20_000 });
  await expect
    .poll(async () => (await (await page.request.get(`/api/operations/${encodeURIComponent(twin)}`)).json()).operation.nativePhase, { timeout: 30_000 })
    .toBe('finished_success');
  await expect(page.getByTestId('native-phase').first()).toHaveText('transferring');
  await runAction(page, 'Finalize');
  await expect(page.getByTestId('state').first()).toHaveText('succeeded', { timeout: 30_000 });
  await expect(page.getByTestId('outcome')).toHaveText(/^finalized in \d+\.\d s$/);
});
