import { expect, test } from '@playwright/test';
import { openOperation, runAction, startScenario, untilNeedsYou } from './helpers';

test('finalize from the UI ends in finished_success with the duration shown', async ({ page }) => {
  // at speed 1 the engine stays in finalizing_success for 5 s: the 1 s finalize wait sees it, however busy the machine
  const id = await startScenario('upload-awaits-finalize', 1);
  await openOperation(page, id);
  await untilNeedsYou(page, 'Finalize');
  await runAction(page, 'Finalize');
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(page.getByTestId('state').first()).toHaveText('succeeded', { timeout: 30_000 });
  await expect(page.getByTestId('outcome')).toHaveText(/^finalized in \d+\.\d s$/);
  const timeline = page.getByTestId('timeline');
  await expect(timeline).toContainText('finalizing_success → finished_success');
  await expect(timeline).toContainText(/transfer .* is finalizing_success/);
  await expect(timeline).toContainText(/finalize succeeded: finalized in \d+\.\d s/);
  await expect(page.locator('[data-testid=phase-span][data-phase=finished_success]')).toBeVisible();
  await expect(page.getByTestId('action-runs')).toContainText('finalize');
  await expect(page.getByTestId('action-runs')).toContainText('succeeded');
});

test('a transfer removed by a pre-4.4.7 engine ends as succeeded, with the disk check in the timeline', async ({ page }) => {
  const id = await startScenario('legacy-finalize-removed', 4);
  await openOperation(page, id);
  await expect(page.getByTestId('state').first()).toHaveText('succeeded', { timeout: 30_000 });
  await expect(page.getByText('removed by the engine', { exact: true })).toBeVisible();
  const timeline = page.getByTestId('timeline');
  await expect(timeline).toContainText('the engine no longer lists it (last phase finalizing_success)');
  await expect(timeline).toContainText(/outcome: succeeded — transfer removed by the engine; disk .* is OK/);
});

test('a failing finalize shows failed with the reason', async ({ page }) => {
  const id = await startScenario('finalize-failure', 4);
  await openOperation(page, id);
  await untilNeedsYou(page, 'Finalize');
  await runAction(page, 'Finalize');
  await expect(page.getByTestId('state').first()).toHaveText('failed', { timeout: 30_000 });
  await expect(page.getByTestId('outcome')).toHaveText(/transfer .* has failed/);
  await expect(page.getByTestId('timeline')).toContainText(/→ finished_failure \(failed\)/);
  await expect(page.getByTestId('detail-diskStatus')).toHaveText('illegal');
});
