import { expect, request, test, type Page } from '@playwright/test';
import { stateOf } from './auth';

/**
 * Starts a simulator scenario through phaseboard's demo API, as the admin
 * (the demo controls are an admin's, whoever the spec runs as); answers the
 * operation id.
 */
export async function startScenario(id: string, speed = 4): Promise<string> {
  const admin = await request.newContext({ baseURL: test.info().project.use.baseURL, storageState: stateOf('admin') });
  const res = await admin.post(`/api/demo/scenarios/${id}/start`, { data: { speed } });
  expect(res.status(), await res.text()).toBe(201);
  const { operationId } = (await res.json()) as { operationId: string };
  await admin.dispose();
  return operationId;
}

/** The name of what an operation works on (the simulators name them as a real estate would: db01_Disk1, web-02). */
export async function subjectOf(operationId: string): Promise<string> {
  const admin = await request.newContext({ baseURL: test.info().project.use.baseURL, storageState: stateOf('admin') });
  const res = await admin.get(`/api/operations/${encodeURIComponent(operationId)}`);
  expect(res.status(), await res.text()).toBe(200);
  const name = ((await res.json()) as { operation: { subject: { name: string } } }).operation.subject.name;
  await admin.dispose();
  return name;
}

export async function openOperation(page: Page, operationId: string) {
  await page.goto(`/operations/${encodeURIComponent(operationId)}`);
  await expect(page.getByTestId('subject-name')).toBeVisible();
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live');
}

/** Plays the next `seconds` of one simulated operation at once (the demo's skip), instead of waiting for them. */
export async function skipAhead(operationId: string, seconds: number): Promise<void> {
  const admin = await request.newContext({ baseURL: test.info().project.use.baseURL, storageState: stateOf('admin') });
  const res = await admin.post('/api/demo/skip', { data: { seconds, operationId } });
  expect(res.status(), await res.text()).toBe(200);
  await admin.dispose();
}

/** Confirms an action through its dialog. */
export async function runAction(page: Page, label: string) {
  await page.getByRole('group', { name: 'Actions' }).getByRole('button', { name: label, exact: true }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByTestId('confirm-effect')).toBeVisible();
  await dialog.getByRole('button', { name: `Yes, ${label.toLowerCase()}` }).click();
}

/** Waits until every byte is in and the transfer waits for an operator: the header's "Needs you: Finalize". */
export async function untilNeedsYou(page: Page, label: string) {
  await expect(page.getByTestId('needs-you').first()).toHaveText(`Needs you: ${label}`, { timeout: 40_000 });
}
