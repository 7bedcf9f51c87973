import { expect, test } from '@playwright/test';
import { openOperation, startScenario } from './helpers';

test('going offline and coming back shows the events of the gap', async ({ page, context, request }) => {
  // speed 1: about 6 s of transferring, time enough for the page to open on a busy machine
  const id = await startScenario('user-cancel', 1);
  const detail = async () =>
    (await (await request.get(`/api/operations/${encodeURIComponent(id)}`)).json()) as { operation: { nativePhase: string }; timeline: unknown[] };
  await openOperation(page, id);
  await expect(page.getByTestId('native-phase').first()).toHaveText('transferring', { timeout: 15_000 });
  const before = await page.getByTestId('timeline-entry').count();
  await context.setOffline(true);
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'reconnecting');
  // While offline the client cancels and the engine cleans up.
  await expect.poll(async () => (await detail()).operation.nativePhase, { timeout: 20_000 }).toBe('finished_cleanup');
  const recorded = (await detail()).timeline.length;
  expect(recorded).toBeGreaterThan(before);
  await expect(page.getByTestId('timeline-entry')).toHaveCount(before);
  await context.setOffline(false);
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live');
  // Every entry recorded during the gap arrives, without a reload.
  await expect(page.getByTestId('timeline-entry')).toHaveCount(recorded);
  await expect(page.getByTestId('timeline')).toContainText('→ finished_cleanup (cancelled)');
  await expect(page.getByTestId('state').first()).toHaveText('cancelled');
});
