import { expect, test } from '@playwright/test';
import { openOperation, startScenario } from './helpers';

test('going offline and coming back shows the events of the gap', async ({ page, context, request }) => {
  const id = await startScenario(request, 'user-cancel', 2);
  await openOperation(page, id);
  await expect(page.getByTestId('native-phase').first()).toHaveText('transferring', { timeout: 15_000 });
  await context.setOffline(true);
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'reconnecting');
  // While offline the transfer is cancelled and cleaned up.
  await expect
    .poll(async () => (await (await request.get(`/api/operations/${encodeURIComponent(id)}`)).json()).operation.nativePhase, { timeout: 20_000 })
    .toBe('finished_cleanup');
  await expect(page.getByTestId('timeline')).not.toContainText('finished_cleanup');
  await context.setOffline(false);
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live');
  const timeline = page.getByTestId('timeline');
  await expect(timeline).toContainText('transferring → cancelled_user');
  await expect(timeline).toContainText('cancelled_user → finalizing_cleanup');
  await expect(timeline).toContainText('finalizing_cleanup → finished_cleanup');
  await expect(page.getByTestId('state').first()).toHaveText('cancelled');
});
