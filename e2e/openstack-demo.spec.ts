import { expect, test } from '@playwright/test';
import { openOperation, skipAhead, startScenario } from './helpers';
import { dryRunAndRun, openFinding, openFromInbox } from './triage-helpers';

// The simulated cloud of the embedded default, as a presenter shows it.
test('an instance left deleting by a message-bus outage: the presenter skips ahead, triage says why, the reset-state playbook ends it', async ({
  page,
  request,
}) => {
  test.setTimeout(90_000);
  const id = await startScenario('stuck-deleting', 1);
  await openOperation(page, id);
  await expect(page.getByTestId('state').first()).toHaveText('running');
  await expect(page.getByTestId('detail-taskState')).toHaveText('deleting');
  // ten dull minutes pass at once: the instance's records age as Nova's would
  await skipAhead(id, 11 * 60);
  const finding = await openFinding(request, id, 'openstack.task-stuck');
  await openFromInbox(page, finding);
  await expect(page.getByTestId('finding-title')).toHaveText(/ stuck in task deleting$/);
  await expect(page.getByText(/message bus dies mid-operation/)).toBeVisible();
  await dryRunAndRun(page, 'Reset to error, then delete again', /^POST compute \/servers\/[0-9a-f-]{36}\/action \{"os-resetState":\{"state":"error"\}\}$/);
  await expect(page.getByTestId('finding-status')).toHaveText('resolved', { timeout: 30_000 });
  await openOperation(page, id);
  await expect(page.getByTestId('state').first()).toHaveText('failed', { timeout: 20_000 });
  await expect(page.getByTestId('outcome')).toHaveText(/^task deleting ended with instance .+ in ERROR$/);
});
