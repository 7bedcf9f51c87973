import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { PEOPLE, stateOf } from './auth';
import { skipAhead, startScenario, subjectOf } from './helpers';
import { dryRunAndRun, findingsOf, openFinding, openFromInbox, simControl } from './triage-helpers';

const nativeOf = (operationId: string) => operationId.slice(operationId.indexOf(':') + 1);

async function expectResolvedByPlaybook(page: Page, title: string) {
  await expect(page.getByTestId('playbook-run').first()).toHaveAttribute('data-status', 'succeeded', { timeout: 70_000 });
  await expect(page.getByTestId('finding-status')).toHaveText('resolved', { timeout: 20_000 });
  await expect(page.getByTestId('finding-resolution')).toContainText(`fixed by playbook "${title}" run by ${me}`);
  // The audit: who ran what, in the finding's journal.
  await expect(page.getByTestId('journal')).toContainText(`${me} playbook: "${title}" succeeded`);
}

async function auditedAction(request: APIRequestContext, operationId: string, action: string, title: string) {
  const detail = (await (await request.get(`/api/operations/${encodeURIComponent(operationId)}`)).json()) as {
    actionRuns: { action: string; actor: unknown; playbook: unknown; status: string }[];
  };
  // Asked by the playbook's step, on behalf of the person who ran it.
  expect(detail.actionRuns).toContainEqual(
    expect.objectContaining({
      action,
      actor: { kind: 'user', id: expect.any(String), name: me },
      playbook: { runId: expect.any(String), title },
      status: 'succeeded',
    }),
  );
}

test.describe.configure({ mode: 'parallel' });
// Triage is an operator's work.
test.use({ storageState: stateOf('operator') });
const me = PEOPLE.operator.username;

test('paused_system: resume from the finding, which resolves, audited', async ({ page, request }) => {
  test.setTimeout(120_000);
  const id = await startScenario('inactivity-paused', 2);
  // the client goes idle and oVirt pauses the transfer: minutes skipped, not waited for
  await skipAhead(id, 120);
  const finding = await openFinding(request, id, 'ovirt.paused-system');
  await openFromInbox(page, finding);
  await expect(page.getByTestId('finding-cause')).toContainText('inactivity timeout (15 s)');
  // the operation's details as its engine labels them, with units
  const now = page.getByLabel('Operation details');
  await expect(now.getByText('Inactivity timeout', { exact: true })).toBeVisible();
  await expect(now.getByTestId('detail-inactivityTimeout')).toHaveText('15.0 s');
  await expect(now.getByTestId('detail-diskStatus')).toHaveText('locked');
  await expect(page.getByTestId('remedy')).toHaveCount(2);
  await dryRunAndRun(page, 'Resume the transfer', new RegExp(`^POST /ovirt-engine/api/imagetransfers/${nativeOf(id)}/resume \\{\\}$`));
  await expectResolvedByPlaybook(page, 'Resume the transfer');
  await auditedAction(request, id, 'resume', 'Resume the transfer');
  // The operation page lists what triage found, and how it ended.
  await page.getByTestId('finding-operation').click();
  await expect(page.getByTestId('operation-findings')).toContainText(`resolved: fixed by playbook "Resume the transfer" run by ${me}`);
});

test('client inactivity: pause before oVirt pauses it as a failure', async ({ page, request }) => {
  test.setTimeout(120_000);
  const id = await startScenario('inactivity-paused', 1);
  const finding = await openFinding(request, id, 'ovirt.client-inactive');
  await openFromInbox(page, finding);
  await expect(page.getByTestId('finding-title')).toHaveText('Client idle: oVirt pauses this transfer after 30 s without data');
  await dryRunAndRun(page, 'Pause it while you check the client', /\/pause \{\}$/);
  await expectResolvedByPlaybook(page, 'Pause the transfer');
  await expect(page.getByTestId('finding-operation')).toBeVisible();
  await auditedAction(request, id, 'pause', 'Pause the transfer');
});

test('stuck in finalizing_success: engine-side steps shown, then the engine completes', async ({ page, request }) => {
  test.setTimeout(120_000);
  const id = await startScenario('stuck-finalizing', 1);
  await expect
    .poll(async () => (await (await request.get(`/api/operations/${encodeURIComponent(id)}`)).json()).operation.nativePhase, { timeout: 20_000 })
    .toBe('transferring');
  await expect
    .poll(async () => (await request.post(`/api/operations/${encodeURIComponent(id)}/actions/finalize`, { data: {} })).status(), { timeout: 20_000 })
    .toBe(202);
  const finding = await openFinding(request, id, 'ovirt.finalizing-stuck');
  await openFromInbox(page, finding);
  await expect(page.getByTestId('finding-explanation')).toContainText('No client or operator action moves it on');
  await page.getByRole('button', { name: 'Dry run: Check the engine task on the engine side' }).click();
  await expect(page.getByTestId('dry-run')).toContainText(`grep ${nativeOf(id)} /var/log/ovirt-engine/engine.log`);
  await expect(page.getByTestId('dry-run')).toContainText('on the engine host');
  await page.getByRole('button', { name: 'Close' }).click();
  // The admin clears the engine task on the engine side; then confirms through the playbook.
  const sim = await simControl(request);
  expect((await request.post(`${sim}/sim/transfers/${nativeOf(id)}/release`)).status()).toBe(200);
  await dryRunAndRun(page, 'Check the engine task on the engine side', /^GET .*imagetransfers/);
  await expectResolvedByPlaybook(page, 'Check the engine task');
  await expect(page.getByTestId('run-step').filter({ hasText: 'confirmed done by the operator' })).toHaveCount(3);
});

test('disk OK while still finalizing: told not to trust it, and wait for finished_success', async ({ page, request }) => {
  test.setTimeout(120_000);
  const id = await startScenario('slow-unlock', 1);
  const finding = await openFinding(request, id, 'ovirt.disk-ok-finalizing');
  await openFromInbox(page, finding);
  await expect(page.getByTestId('finding-explanation')).toContainText('Only finished_success says the disk is ready');
  await dryRunAndRun(page, 'Wait for finished_success', /every 1 s/);
  // Waiting fixes nothing by itself: the engine finishes, and the finding says so.
  await expect(page.getByTestId('finding-status')).toHaveText('resolved', { timeout: 60_000 });
  await expect(page.getByTestId('finding-resolution')).toContainText(
    new RegExp(
      `condition cleared( while playbook "Wait for finished_success" \\(run by ${me}\\) was running)?: ${await subjectOf(id)} is now finished_success \\(succeeded\\)`,
    ),
  );
  await expect(page.getByTestId('playbook-run').first()).toHaveAttribute('data-status', 'succeeded', { timeout: 30_000 });
  await expect(page.getByTestId('run-step').first()).toContainText(/finalized in \d+\.\d s/);
  await expect(page.getByTestId('journal')).toContainText(`${me} playbook: "Wait for finished_success" succeeded`);
});

test('disk left LOCKED with no transfer: unlocked on the engine side, verified by the playbook', async ({ page, request }) => {
  test.setTimeout(120_000);
  const id = await startScenario('orphaned-disk-lock', 2);
  const finding = await openFinding(request, id, 'ovirt.disk-locked-orphan');
  const op = (await (await request.get(`/api/operations/${encodeURIComponent(id)}`)).json()).operation as { details: { diskId: string } };
  await openFromInbox(page, finding);
  await page.getByRole('button', { name: 'Dry run: Unlock the disk on the engine side' }).click();
  await expect(page.getByTestId('dry-run')).toContainText(`unlock_entity.sh -t disk ${op.details.diskId}`);
  await page.getByRole('button', { name: 'Close' }).click();
  const sim = await simControl(request);
  expect((await request.post(`${sim}/sim/disks/${op.details.diskId}/unlock`)).status()).toBe(200);
  await dryRunAndRun(page, 'Unlock the disk on the engine side', new RegExp(`^GET /ovirt-engine/api/disks/${op.details.diskId}$`));
  await expectResolvedByPlaybook(page, 'Unlock the disk on the engine side');
  await expect(page.getByTestId('finding-operation')).toBeVisible();
  expect((await (await request.get(`/api/operations/${encodeURIComponent(id)}`)).json()).operation.details.diskStatus).toBe('ok');
});

test('a playbook whose precondition no longer holds stops with a clear message', async ({ page, request }) => {
  test.setTimeout(120_000);
  const id = await startScenario('orphaned-disk-lock', 2);
  const finding = await openFinding(request, id, 'ovirt.disk-locked-orphan');
  const op = (await (await request.get(`/api/operations/${encodeURIComponent(id)}`)).json()).operation as { details: { diskId: string } };
  await openFromInbox(page, finding);
  // Someone deletes the disk on the engine between the dry run and the run.
  const sim = await simControl(request);
  expect((await request.delete(`${sim}/sim/disks/${op.details.diskId}`)).status()).toBe(204);
  await dryRunAndRun(page, 'Unlock the disk on the engine side', /disks/);
  const run = page.getByTestId('playbook-run').first();
  await expect(run).toHaveAttribute('data-status', 'failed', { timeout: 30_000 });
  await expect(run.getByTestId('run-message')).toHaveText(`: stopped at step 3 (Check that the disk is unlocked): disk ${op.details.diskId} no longer exists`);
  await expect(run.getByTestId('run-step').nth(2)).toContainText('precondition no longer holds');
  await expect(page.getByTestId('finding-status')).toHaveText('open');
  await expect(page.getByTestId('journal')).toContainText('failed: stopped at step 3');
  // resolving by hand after a failed run asks why
  await expect(page.getByTestId('resolve-after-failure')).toContainText('failed: stopped at step 3');
});

test("the inbox groups one rule's findings with a count, and acknowledges a selection at once", async ({ page, request }) => {
  test.setTimeout(120_000);
  const [a, b] = await Promise.all([startScenario('orphaned-disk-lock', 4), startScenario('orphaned-disk-lock', 4)]);
  const [fa, fb] = await Promise.all([openFinding(request, a, 'ovirt.disk-locked-orphan'), openFinding(request, b, 'ovirt.disk-locked-orphan')]);
  await page.goto('/triage');
  const group = page.getByTestId('finding-group').filter({ has: page.locator('code', { hasText: 'ovirt.disk-locked-orphan' }) });
  await expect(group.getByTestId('group-count')).toHaveText(/^\d+ ×$/);
  expect(Number((await group.getByTestId('group-count').textContent())!.split(' ')[0])).toBeGreaterThanOrEqual(2);
  const rowOf = (f: { ruleId: string; operationId: string | null }) =>
    page.locator(`[data-testid=finding-row][data-rule="${f.ruleId}"][data-operation="${f.operationId}"]`);
  for (const f of [fa, fb]) await rowOf(f).getByRole('checkbox').check();
  await expect(page.getByTestId('selected-count')).toHaveText('2 selected');
  await page.getByRole('group', { name: 'With the selected findings' }).getByRole('button', { name: 'Acknowledge' }).click();
  for (const f of [fa, fb]) await expect(rowOf(f).getByTestId('acknowledged')).toBeVisible();
  await expect(page.getByTestId('selected-count')).toHaveText('0 selected');
});

test('claim, snooze and resolve by hand; two people cannot claim the same finding', async ({ page, request, playwright }) => {
  test.setTimeout(120_000);
  const id = await startScenario('stuck-finalizing', 4);
  await expect
    .poll(async () => (await request.post(`/api/operations/${encodeURIComponent(id)}/actions/finalize`, { data: {} })).status(), { timeout: 20_000 })
    .toBe(202);
  const finding = await openFinding(request, id, 'ovirt.finalizing-stuck');
  await openFromInbox(page, finding);
  await page.getByLabel('Note').fill('looking at the host');
  await page.getByRole('button', { name: 'Claim' }).click();
  await expect(page.getByTestId('finding-claim')).toHaveText(`claimed by ${me}`);
  // Somebody else, logged in as themselves, cannot take it over.
  const someoneElse = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL, storageState: stateOf('admin') });
  const other = await someoneElse.post(`/api/findings/${finding.id}/claim`, { data: { note: 'me too' } });
  expect(other.status()).toBe(409);
  expect((await other.json()).error.message).toMatch(new RegExp(`^already claimed by ${me} at .*: looking at the host$`));
  await someoneElse.dispose();

  await page.getByLabel('Snooze for').selectOption('15');
  await page.getByRole('button', { name: 'Snooze' }).click();
  await page.goto('/triage?view=snoozed');
  await expect(page.locator(`[data-testid=finding-row][data-operation="${id}"]`)).toBeVisible();
  await page.goto('/triage?view=open');
  await expect(page.locator(`[data-testid=finding-row][data-operation="${id}"][data-rule="ovirt.finalizing-stuck"]`)).toHaveCount(0);

  await page.goto(`/triage/${finding.id}`);
  await page.getByLabel('Note').fill('engine task cleared by hand');
  await page.getByRole('button', { name: 'Mark resolved' }).click();
  await expect(page.getByTestId('finding-resolution')).toContainText(`marked resolved by ${me}: engine task cleared by hand`);
  await page.goto('/triage?view=resolved');
  await expect(page.locator(`[data-testid=finding-row][data-operation="${id}"][data-rule="ovirt.finalizing-stuck"]`)).toContainText(`marked resolved by ${me}`);
  // Still stuck, but the person who resolved it owns it: a fresh look at the engine, and triage after it, does not reopen it.
  await page.goto('/engines');
  await page.locator('[data-testid=engine]', { hasText: 'sim-ovirt' }).getByRole('button', { name: 'Check now' }).click();
  await expect(page.getByText('sim-ovirt checked')).toBeVisible();
  expect((await findingsOf(request, id)).filter((f) => f.ruleId === 'ovirt.finalizing-stuck' && f.status === 'open')).toHaveLength(0);
});

test('one incident, one story: the idle client and the pause it led to are chained, in the inbox and on each finding', async ({ page, request }) => {
  // at speed 2: 40 % sent in 3 s, then oVirt's 30 s inactivity timeout is 15 s; the idle warning comes after 10 s,
  // leaving 5 s (five polls) to see it on a loaded machine
  const id = await startScenario('inactivity-paused', 2);
  const paused = await openFinding(request, id, 'ovirt.paused-system');
  const idle = (await findingsOf(request, id)).find((f) => f.ruleId === 'ovirt.client-inactive')!;
  expect(idle, 'the idle warning came before the pause').toBeTruthy();
  await openFromInbox(page, paused);
  const steps = page.getByTestId('incident-step');
  await expect(page.getByTestId('incident')).toContainText('One incident, 2 findings');
  await expect(steps).toHaveCount(2);
  await expect(steps.first()).toHaveAttribute('data-status', 'resolved');
  await expect(steps.first()).toContainText('Client idle');
  await expect(steps.nth(1).locator('[aria-current=step]')).toContainText(/paused/i);
  await steps.first().getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/triage/${idle.id}$`));
  await expect(page.getByTestId('incident-step').nth(1).getByRole('link')).toBeVisible();
  // the inbox says which finding continues which
  await page.goto('/triage');
  const row = page.locator(`[data-testid=finding-row][data-rule="ovirt.paused-system"][data-operation="${id}"]`);
  await row.getByTestId('incident-link').getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/triage/${idle.id}$`));
});
