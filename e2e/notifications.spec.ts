import { expect, test } from '@playwright/test';
import { openOperation, runAction, startScenario, untilNeedsYou } from './helpers';
import { openFinding } from './triage-helpers';
import { expectedSignature, startReceiver } from './webhook-receiver';

let receiver: Awaited<ReturnType<typeof startReceiver>>;
test.beforeAll(async () => {
  receiver = await startReceiver();
});
test.afterAll(() => receiver.close());

test('a critical finding reaches the webhook signed, a failing receiver is retried, and the deliveries are visible', async ({ page, request }) => {
  test.setTimeout(90_000);
  const id = await startScenario('stuck-finalizing', 4);
  await expect
    .poll(async () => (await request.post(`/api/operations/${encodeURIComponent(id)}/actions/finalize`, { data: {} })).status(), { timeout: 20_000 })
    .toBe(202);
  const finding = await openFinding(request, id, 'ovirt.finalizing-stuck');
  const mine = () => receiver.got.filter((g) => JSON.parse(g.body).finding?.id === finding.id);
  await expect.poll(() => mine().map((g) => g.status), { timeout: 20_000 }).toEqual([503, 200]);
  for (const g of mine()) {
    expect(g.event).toBe('finding.critical');
    expect(g.signature).toBe(expectedSignature(g.timestamp, g.body));
    expect(JSON.parse(g.body)).toMatchObject({
      event: 'finding.critical',
      finding: { id: finding.id, severity: 'critical', rule: 'ovirt.finalizing-stuck' },
      link: `/triage/${finding.id}`,
    });
  }
  expect(new Set(mine().map((g) => g.delivery)).size).toBe(1);

  await page.goto('/notifications');
  await expect(page.getByTestId('webhooks')).toContainText('http://127.0.0.1:3219/hook');
  await expect(page.getByTestId('webhooks')).not.toContainText('e2e-webhook-secret');
  const row = page.locator(`[data-testid=delivery][data-event-key="finding:${finding.id}"]`);
  await expect(row).toHaveAttribute('data-status', 'delivered');
  await expect(row).toContainText('failed: HTTP 503: busy, try again');
  await expect(row).toContainText('delivered (HTTP 200)');
});

test('a watched operation that fails is told in the browser and to the webhook', async ({ page }) => {
  test.setTimeout(90_000);
  // The desktop notification itself is the OS's; the page's calls to the Notification API are what we can see.
  await page.addInitScript(() => {
    const w = window as unknown as { __notes: { title: string; body?: string }[]; Notification: unknown };
    w.__notes = [];
    w.Notification = class {
      static permission = 'granted';
      static requestPermission = async () => 'granted';
      onclick: (() => void) | null = null;
      constructor(title: string, options?: { body?: string }) {
        w.__notes.push({ title, body: options?.body });
      }
    };
  });
  await page.goto('/notifications');
  await page.getByLabel('Browser notifications').check();
  await expect(page.getByLabel('Browser notifications')).toBeChecked();

  const id = await startScenario('finalize-failure', 4);
  await openOperation(page, id);
  await page.getByRole('button', { name: '☆ Watch' }).click();
  await expect(page.getByRole('button', { name: '★ Watching' })).toHaveAttribute('aria-pressed', 'true');
  await untilNeedsYou(page, 'Finalize');
  await runAction(page, 'Finalize');
  await expect(page.getByTestId('state').first()).toHaveText('failed', { timeout: 30_000 });

  const notes = () => page.evaluate(() => (window as unknown as { __notes: { title: string; body?: string }[] }).__notes);
  const name = await page.getByTestId('subject-name').textContent();
  await expect.poll(async () => (await notes()).map((n) => n.title), { timeout: 20_000 }).toContain(`Failed: ${name}`);
  await expect.poll(async () => (await notes()).map((n) => n.title), { timeout: 20_000 }).toContain(`Critical: finalize failed on ${name}`);
  expect((await notes()).filter((n) => n.title === `Failed: ${name}`)).toHaveLength(1);

  const failed = () => receiver.got.filter((g) => g.event === 'operation.failed' && JSON.parse(g.body).operation?.id === id);
  await expect.poll(() => failed().map((g) => g.status), { timeout: 20_000 }).toEqual([503, 200]);
  expect(JSON.parse(failed()[1]!.body)).toMatchObject({
    operation: { id, state: 'failed', outcome: expect.stringMatching(/has failed: disk \S+ is ILLEGAL$/) },
    watchedBy: 'e2eadmin',
  });
});
