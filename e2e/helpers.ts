import { expect, type APIRequestContext, type Page } from '@playwright/test';

/** Starts a simulator scenario through phaseboard's demo API; answers the operation id. */
export async function startScenario(request: APIRequestContext, id: string, speed = 4): Promise<string> {
  const res = await request.post(`/api/demo/scenarios/${id}/start`, { data: { speed } });
  expect(res.status(), await res.text()).toBe(201);
  return ((await res.json()) as { operationId: string }).operationId;
}

export async function openOperation(page: Page, operationId: string) {
  await page.goto(`/operations/${encodeURIComponent(operationId)}`);
  await expect(page.getByTestId('subject-name')).toBeVisible();
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live');
}

/** Confirms an action through its dialog. */
export async function runAction(page: Page, label: string) {
  await page.getByRole('group', { name: 'Actions' }).getByRole('button', { name: label, exact: true }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByTestId('confirm-effect')).toBeVisible();
  await dialog.getByRole('button', { name: `Yes, ${label.toLowerCase()}` }).click();
}
