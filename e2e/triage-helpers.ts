import { expect, type APIRequestContext, type Page } from '@playwright/test';

interface FindingRow {
  id: string;
  ruleId: string;
  status: string;
  operationId: string | null;
  resolution: string | null;
}

/** The embedded simulator's control API (what an engine admin would do on the engine side). */
export async function simControl(request: APIRequestContext): Promise<string> {
  const res = await request.get('/api/engines');
  const engines = ((await res.json()) as { engines: { id: string; url: string }[] }).engines;
  const sim = engines.find((e) => e.id === 'sim-ovirt');
  if (!sim) throw new Error('the embedded simulator is not running');
  return new URL(sim.url).origin;
}

export async function findingsOf(request: APIRequestContext, operationId: string): Promise<FindingRow[]> {
  const res = await request.get(`/api/findings?view=all&operation=${encodeURIComponent(operationId)}`);
  return ((await res.json()) as { items: FindingRow[] }).items;
}

/** Waits until the rule has an open finding for the operation; answers it. */
export async function openFinding(request: APIRequestContext, operationId: string, ruleId: string, timeout = 45_000): Promise<FindingRow> {
  let found: FindingRow | undefined;
  await expect
    .poll(
      async () => {
        found = (await findingsOf(request, operationId)).find((f) => f.ruleId === ruleId && f.status === 'open');
        return Boolean(found);
      },
      { timeout, message: `an open ${ruleId} finding for ${operationId}` },
    )
    .toBe(true);
  return found!;
}

/** From the inbox to the finding, as a person would. */
export async function openFromInbox(page: Page, finding: FindingRow) {
  await page.goto('/triage');
  const row = page.locator(`[data-testid=finding-row][data-rule="${finding.ruleId}"][data-operation="${finding.operationId}"]`);
  await row.getByRole('link').first().click();
  await expect(page).toHaveURL(new RegExp(`/triage/${finding.id}$`));
  await expect(page.getByTestId('finding-status')).toHaveText('open');
}

/** Dry run first (asserting what it will send), then run after confirming. */
export async function dryRunAndRun(page: Page, remedyLabel: string, expectRequest: RegExp) {
  await page.getByRole('button', { name: `Dry run: ${remedyLabel}` }).click();
  const plan = page.getByTestId('dry-run');
  await expect(plan).toBeVisible();
  await expect(plan.getByTestId('step-request').filter({ hasText: expectRequest })).toHaveCount(1);
  // steps by hand on the engine host: each has its command to copy and its own "I ran this"; the run waits for all of them
  const ran = plan.getByTestId('ran-this');
  const manual = await ran.count();
  await expect(plan.getByRole('button', { name: /^Copy the command of step \d+$/ })).toHaveCount(manual);
  for (let i = 0; i < manual; i++) {
    await expect(page.getByRole('button', { name: 'Run playbook' })).toBeDisabled();
    await ran.nth(i).check();
  }
  await page.getByRole('button', { name: 'Run playbook' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByTestId('confirm-effect')).toContainText('checked against the engine right before it runs');
  await dialog.getByRole('button', { name: 'Yes, run it' }).click();
  await expect(dialog).toBeHidden();
}
