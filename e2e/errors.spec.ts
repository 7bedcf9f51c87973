import { expect, test } from '@playwright/test';
import { openOperation, startScenario } from './helpers';

test('a bad action request gets a clear error naming the problem', async ({ request }) => {
  const id = await startScenario('upload-awaits-finalize', 4);
  const url = `/api/operations/${encodeURIComponent(id)}/actions`;
  const badField = await request.post(`${url}/finalize`, { data: { reason: 42 } });
  expect(badField.status()).toBe(400);
  expect((await badField.json()).error.message).toMatch(/^action body: reason: /);
  const unknown = await request.post(`${url}/explode`, { data: {} });
  expect(unknown.status()).toBe(400);
  expect((await unknown.json()).error.message).toMatch(/unknown action "explode"/);
  const notNow = await request.post(`${url}/resume`, { data: {} });
  expect(notNow.status()).toBe(409);
  expect((await notNow.json()).error.message).toMatch(/Resume is not possible now: resume needs a paused transfer; it is (initializing|transferring)/);
});

test('an action the engine no longer allows shows its reason in a toast', async ({ page, request }) => {
  // a transfer that waits (for an operator) as long as it takes: no race with the page's load
  const id = await startScenario('upload-awaits-finalize', 4);
  await openOperation(page, id);
  const cancel = page.getByRole('group', { name: 'Actions' }).getByRole('button', { name: 'Cancel', exact: true });
  await expect(cancel).toBeEnabled();
  await cancel.click();
  // Someone else cancels while the dialog is open; our confirm arrives too late.
  const other = await request.post(`/api/operations/${encodeURIComponent(id)}/actions/cancel`, { data: {} });
  expect(other.status(), await other.text()).toBe(202);
  await expect
    .poll(async () => (await (await request.get(`/api/operations/${encodeURIComponent(id)}`)).json()).operation.nativePhase, { timeout: 20_000 })
    .toMatch(/finalizing_cleanup|finished_cleanup/);
  await page.getByRole('dialog').getByRole('button', { name: 'Yes, cancel' }).click();
  await expect(page.getByText('Action refused')).toBeVisible();
  // said beside the buttons too, where the focus went
  const result = page.getByTestId('action-result');
  await expect(result).toHaveText(/^Refused: Cancel is not possible now: (cancel is possible before finalizing|the transfer has ended)/);
  await expect(result).toBeFocused();
});

test('a repeated Idempotency-Key acts once', async ({ request }) => {
  const id = await startScenario('upload-awaits-finalize', 4);
  const url = `/api/operations/${encodeURIComponent(id)}/actions/pause`;
  await expect.poll(async () => (await (await request.get(`/api/operations/${encodeURIComponent(id)}`)).json()).operation.nativePhase).toBe('transferring');
  const [a, b] = await Promise.all([
    request.post(url, { data: {}, headers: { 'Idempotency-Key': `k-${id.slice(-8)}` } }),
    request.post(url, { data: {}, headers: { 'Idempotency-Key': `k-${id.slice(-8)}` } }),
  ]);
  const runs = [await a.json(), await b.json()];
  expect(runs[0].run.id).toBe(runs[1].run.id);
  const detail = await (await request.get(`/api/operations/${encodeURIComponent(id)}`)).json();
  expect(detail.actionRuns).toHaveLength(1);
});

test('an id with slashes and a percent sign is decoded exactly once; a malformed one is a 400, not a 500', async ({ page }) => {
  // libvirt ids carry the domain, disk and paths: encoded on the way, decoded once by the page
  const odd = 'sim-libvirt:vm/vda/copy//img/100%25done.qcow2';
  const opened = await page.goto(`/operations/${encodeURIComponent(odd)}`);
  expect(opened?.status()).toBe(200);
  await expect(page.getByText(`no operation "${odd}"`)).toBeVisible();
  // Next.js refuses a segment that does not decode before any of ours runs
  const broken = await page.goto('/operations/sim-libvirt%3Avm%2F%E0%A4%A');
  expect(broken?.status()).toBe(400);
  const finding = await page.goto('/triage/%ZZ');
  expect(finding?.status()).toBe(400);
});
