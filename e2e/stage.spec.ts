import { expect, test } from '@playwright/test';
import { stopProcess } from '../lib/testing/processes';
import { startPhaseboard } from './spawn';

// The quiet stage changes what Live shows for everyone: it runs on a phaseboard of its own.
test('a presenter quiets the stage: the mix pauses, Live shows only what starts after; storylines by engine; the start toast opens it', async ({ browser }) => {
  test.setTimeout(120_000);
  const pb = await startPhaseboard({ PHASEBOARD_SIM_MIX: '3' });
  const context = await browser.newContext({ baseURL: pb.url, storageState: { cookies: [], origins: [] } });
  try {
    const made = await pb.api('/api/users', {
      method: 'POST',
      body: JSON.stringify({ username: 'presenter', role: 'admin', password: 'presenter-password-123' }),
    });
    expect(made.status, await made.text()).toBe(201);
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByLabel('Username').fill('presenter');
    await page.getByLabel('Password', { exact: true }).fill('presenter-password-123');
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await expect(page.getByTestId('whoami')).toHaveText('presenter');

    // the background mix has the board busy
    const rows = page.getByTestId('board-row');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    // one that waits for an operator: it is still on Live (unless archived) however long this takes
    const started = await pb.api('/api/demo/scenarios/upload-awaits-finalize/start', { method: 'POST', body: JSON.stringify({ speed: 4 }) });
    const answer = await started.text();
    expect(started.status, answer).toBe(201);
    const earlier = (JSON.parse(answer) as { operationId: string }).operationId;
    // …with names an audience would see on a real estate, which do not give the ending away
    await expect(rows.first().getByRole('link')).toHaveText(/^[a-z]+-?\d{2,}/);

    await page.goto('/demo');
    await expect(page.getByRole('heading', { level: 2, name: 'oVirt / RHV' })).toBeVisible();
    await expect(page.getByRole('heading', { level: 2, name: 'libvirt / QEMU' })).toBeVisible();
    const cards = page.getByTestId('scenario');
    expect(await cards.count()).toBeGreaterThan(10);
    expect(await page.getByTestId('scenario-next').count()).toBe(await cards.count());

    const quiet = page.getByRole('switch', { name: 'Quiet stage' });
    await expect(quiet).toHaveAttribute('aria-checked', 'false');
    await quiet.click();
    await expect(quiet).toHaveAttribute('aria-checked', 'true');
    const stage = await (await pb.api('/api/demo/stage')).json();
    expect(stage).toMatchObject({ quiet: true, since: expect.any(String) });

    await page.getByRole('button', { name: 'Start Upload waits for finalize' }).click();
    const toast = page.locator('[data-sonner-toast]').filter({ hasText: 'Started: Upload waits for finalize' });
    await expect(toast).toContainText('Needs you: Finalize');
    await toast.getByRole('button', { name: 'Open' }).click();
    await expect(page).toHaveURL(/\/operations\/sim-ovirt%3A/);
    const ours = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1)!);

    // Live holds only what started since; what ran before is a click away
    await page.goto('/');
    await expect(page.getByTestId('quiet-stage')).toContainText('Quiet stage since');
    await expect.poll(async () => rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-operation-id')))).toEqual([ours]);
    await page.getByTestId('quiet-stage').getByRole('button', { name: 'Show them' }).click();
    await expect(page.locator(`[data-testid=board-row][data-operation-id="${earlier}"]`)).toBeVisible();

    // The mix starts nothing: everything in flight ends at once (10 min of engine time), and its
    // 2 s refill ticks pass; with the mix on, new transfers would have started by then.
    expect((await pb.api('/api/demo/skip', { method: 'POST', body: JSON.stringify({ seconds: 600 }) })).status).toBe(200);
    await page.waitForTimeout(5_000);
    const since = encodeURIComponent(stage.since);
    const live = await (await pb.api(`/api/operations?view=live&from=${since}`)).json();
    expect(live.items.map((o: { id: string }) => o.id)).toEqual([ours]);

    // turned off, the mix comes back
    await page.goto('/demo');
    await page.getByRole('switch', { name: 'Quiet stage' }).click();
    await expect(page.getByRole('switch', { name: 'Quiet stage' })).toHaveAttribute('aria-checked', 'false');
    await expect.poll(async () => (await (await pb.api(`/api/operations?from=${since}`)).json()).items.length, { timeout: 20_000 }).toBeGreaterThan(1);
  } finally {
    await context.close();
    await stopProcess(pb.child);
  }
});
