import { expect, test } from '@playwright/test';
import { openOperation, startScenario } from './helpers';

test('a transfer the client retries on the same disk is attempt 2 of the same operation, each with its own timeline', async ({ page }) => {
  test.setTimeout(90_000);
  const first = await startScenario('upload-retried', 2);
  await openOperation(page, first);
  await expect(page.getByTestId('state').first()).toHaveText('cancelled', { timeout: 30_000 });
  // The ended transfer says why phaseboard cannot retry it, and who can.
  await expect(page.getByText(/Retry: the data comes from the uploading client: start the upload again from the client/)).toBeVisible();
  await expect(page.getByTestId('attempt-of')).toHaveText('Attempt 1 of 2:', { timeout: 30_000 });
  await page.getByTestId('attempts').getByRole('link', { name: /^#2 / }).click();
  await expect(page.getByTestId('attempt-of')).toHaveText('Attempt 2 of 2:');
  await expect(page.getByTestId('state').first()).toHaveText('succeeded', { timeout: 30_000 });
  const timeline = page.getByTestId('timeline');
  await expect(timeline).toContainText('finalizing_success → finished_success');
  await expect(timeline).not.toContainText('finished_cleanup');
  await page
    .getByTestId('attempts')
    .getByRole('link', { name: /^#1 finished_cleanup \(cancelled\)/ })
    .click();
  await expect(page.getByTestId('timeline')).toContainText('finished_cleanup');
  await expect(page.getByTestId('attempt-of')).toHaveText('Attempt 1 of 2:');
});
