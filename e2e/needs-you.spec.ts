import { expect, test, type Page } from '@playwright/test';
import { openOperation, startScenario, untilNeedsYou } from './helpers';

const row = (page: Page, id: string) => page.locator(`[data-testid=board-row][data-operation-id="${id}"]`);
const step = (page: Page, key: string) => page.getByTestId('pipeline').locator(`[data-step="${key}"]`);

test('a transfer with all its data in says "Needs you: Finalize" on its row, in the header count and the board filter, with its steps', async ({ page }) => {
  const id = await startScenario('upload-awaits-finalize', 4);
  await openOperation(page, id);
  // while data flows, the transfer step is the current one and finalize is still to come
  await expect(step(page, 'transfer')).toHaveAttribute('data-status', /current|done/);
  await untilNeedsYou(page, 'Finalize');
  await expect(step(page, 'transfer')).toHaveAttribute('data-status', 'done');
  await expect(step(page, 'finalize')).toHaveAttribute('data-status', 'current');
  await expect(step(page, 'finalize')).toContainText('waits for finalize');
  await expect(step(page, 'unlock')).toHaveAttribute('data-status', 'pending');

  await page.goto('/');
  await expect(row(page, id).getByTestId('needs-you')).toHaveText('Needs you: Finalize');
  const count = page.getByTestId('needs-you-count');
  await expect(count).toContainText(/Needs you \d+/);
  await count.click();
  await expect(page).toHaveURL(/needsYou=1/);
  await expect(page.getByRole('button', { name: 'Needs you', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await expect(row(page, id)).toBeVisible();
  // every row of this view waits for someone
  const rows = page.getByTestId('board-row');
  await expect.poll(async () => (await rows.count()) === (await page.getByTestId('board-row').getByTestId('needs-you').count())).toBe(true);
});

test('finalize below 100 % says the disk will be incomplete, asks to type its name, and the outcome says so', async ({ page }) => {
  // the client stops sending at 40 % (of 2 GiB): the transfer stays transferring, with data missing,
  // until oVirt's 30 s inactivity timeout pauses it (speed 1 leaves all of that window for the steps below)
  const id = await startScenario('inactivity-paused', 1);
  await openOperation(page, id);
  await expect(page.getByTestId('progress-text')).toContainText('819.2 MiB / 2.0 GiB (39 %)', { timeout: 20_000 });

  // an API client must confirm too: refused, naming the field, and nothing is sent
  const refused = await page.request.post(`/api/operations/${encodeURIComponent(id)}/actions/finalize`, { data: {} });
  expect(refused.status()).toBe(400);
  expect((await refused.json()).error).toMatchObject({ field: 'confirm', message: expect.stringMatching(/the disk will be incomplete/) });
  await expect(page.getByTestId('state').first()).toHaveText('running');

  const subject = (await page.getByTestId('subject-name').textContent())!.trim();
  await page.getByRole('group', { name: 'Actions' }).getByRole('button', { name: 'Finalize', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByTestId('confirm-effect')).toContainText(/^Only 819\.2 MiB of 2\.0 GiB sent — the disk will be incomplete\./);
  const yes = dialog.getByRole('button', { name: 'Yes, finalize' });
  await expect(yes).toBeDisabled();
  await dialog.getByTestId('confirm-typed').fill(`${subject}x`);
  await expect(yes).toBeDisabled();
  await dialog.getByTestId('confirm-typed').fill(subject);
  await yes.click();
  await expect(page.getByTestId('state').first()).toHaveText('succeeded', { timeout: 30_000 });
  await expect(page.getByTestId('outcome')).toContainText(/with only 819\.2 MiB of 2\.0 GiB sent: the disk is incomplete/);
});

test('a migration that is not converging says so instead of an ETA, in amber, with remaining per iteration and dirty rate vs bandwidth', async ({ page }) => {
  const id = await startScenario('migration-not-converging', 4);
  await openOperation(page, id);
  await expect(page.getByTestId('eta')).toHaveText(/not converging/, { timeout: 30_000 });
  await expect(page.getByTestId('progress-fill')).toHaveAttribute('data-tone', 'stalled');
  await expect(page.getByTestId('progress-text')).not.toContainText('100 %');
  await expect(page.getByTestId('dirty-vs-bandwidth')).toHaveText(/^dirty rate 180\.0 MiB\/s ≥ bandwidth 120\.0 MiB\/s$/);
  await expect(step(page, 'iterations')).toHaveAttribute('data-status', 'current');
  await expect(step(page, 'postcopy')).toHaveAttribute('data-status', 'pending');
});

test('a failed transfer has a red bar and says why', async ({ page }) => {
  const id = await startScenario('finalize-failure', 4);
  await openOperation(page, id);
  await untilNeedsYou(page, 'Finalize');
  await page.getByRole('group', { name: 'Actions' }).getByRole('button', { name: 'Finalize', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Yes, finalize' }).click();
  await expect(page.getByTestId('state').first()).toHaveText('failed', { timeout: 30_000 });
  await expect(page.getByTestId('progress-fill')).toHaveAttribute('data-tone', 'failed');
  await expect(step(page, 'verify')).toHaveAttribute('data-status', 'failed');
  await expect(page.getByTestId('outcome')).toContainText(/illegal/i);
});
