import { expect, test } from '@playwright/test';
import { startScenario, subjectOf } from './helpers';

test('the board shows a transfer progress rising live, with rate and ETA', async ({ page }) => {
  const id = await startScenario('upload-success', 1);
  await page.goto(`/?q=${await subjectOf(id)}`);
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live');
  const row = page.locator(`[data-testid=board-row][data-operation-id="${id}"]`);
  await expect(row.getByTestId('native-phase')).toHaveText('transferring');
  // what the engine marks worth a glance, in words: direction and disk status
  await expect(row.getByTestId('row-summary')).toHaveText('upload · locked');
  const done = row.getByTestId('progress-done');
  const first = Number(await done.getAttribute('data-bytes'));
  // No reload: the stream must move it.
  await expect.poll(async () => Number(await done.getAttribute('data-bytes')), { timeout: 10_000 }).toBeGreaterThan(first);
  await expect(row.getByTestId('progress-text')).toContainText('/s');
  await expect(row.getByTestId('progress-text')).toContainText(/ETA \d/);
});

test('filters live in the URL and a deep link opens the operation', async ({ page }) => {
  const id = await startScenario('download-success', 1);
  const name = await subjectOf(id);
  await page.goto('/');
  await page.getByLabel('Search operations').fill(name);
  await expect(page).toHaveURL(new RegExp(`q=${name}`));
  const link = page.locator(`[data-operation-id="${id}"]`).getByRole('link');
  await link.click();
  await expect(page).toHaveURL(new RegExp(encodeURIComponent(id)));
  await expect(page.getByTestId('subject-name')).toContainText(name);
});
