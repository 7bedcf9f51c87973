import { expect, test } from '@playwright/test';
import { stopProcess } from '../lib/testing/processes';
import { startPhaseboard } from './spawn';

// An outage takes every simulated engine down: on a phaseboard of its own, so no other spec sees it.
test.use({ storageState: { cookies: [], origins: [] } });

test('an unreachable engine shows where people look: a banner with how long and how old the data is, dimmed rows without an ETA, an amber header dot', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const pb = await startPhaseboard({ PHASEBOARD_SIM_MIX: '0', PHASEBOARD_SIMULATOR: 'on' });
  try {
    const link = /(http:\/\/\S+\/login#link=[\w-]+)/.exec(pb.output())![1]!;
    await page.goto(link);
    await page.getByRole('button', { name: 'Log in with this link' }).click();
    await expect(page.getByTestId('whoami')).toHaveText('admin');

    const started = await pb.api('/api/demo/scenarios/upload-success/start', { method: 'POST', body: JSON.stringify({ speed: 1 }) });
    expect(started.status, await started.clone().text()).toBe(201);
    const { operationId } = (await started.json()) as { operationId: string };
    await page.goto(`${pb.url}/`);
    const row = page.locator(`[data-testid=board-row][data-operation-id="${operationId}"]`);
    await expect(row.getByTestId('eta')).toHaveText(/^ETA \d/);
    await expect(page.getByTestId('connection-state')).toHaveAttribute('data-engines', 'ok');
    await expect(page.getByTestId('engine-health')).toHaveCount(0);

    const outage = await pb.api('/api/demo/outage', { method: 'POST', body: JSON.stringify({ seconds: 25 }) });
    expect(outage.status).toBe(200);
    const banner = page.getByTestId('engine-unreachable').filter({ hasText: 'sim-ovirt' });
    await expect(banner).toContainText(/sim-ovirt unreachable for \d+(\.\d)? s — data as of \d\d:\d\d:\d\d/, { timeout: 20_000 });
    await expect(page.getByTestId('connection-state')).toHaveAttribute('data-engines', 'degraded');
    await expect(page.getByTestId('connection-state')).toContainText(/engines? unreachable/);
    await expect(row).toHaveAttribute('data-stale', 'true');
    await expect(row.getByTestId('eta')).toHaveText('ETA —');

    // the engine answers again: all of it goes away by itself
    await expect(banner).toHaveCount(0, { timeout: 45_000 });
    await expect(page.getByTestId('connection-state')).toHaveAttribute('data-engines', 'ok');
    await expect(row).not.toHaveAttribute('data-stale', 'true');
  } finally {
    await stopProcess(pb.child);
  }
});
