import { expect, test, type Page } from '@playwright/test';
import { REQUESTS } from '../lib/engines/ganeti/requests';
import { ClusterHands } from '../lib/testing/real-ganeti';
import { openOperation } from './helpers';

// Against the real two-node cluster of scripts/ganeti/up.sh (npm test starts it), configured as connection "ganeti".
test.describe.configure({ mode: 'serial' });

let hands: ClusterHands;
let name: string;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  hands = new ClusterHands();
  name = await hands.createInstance(`pbui-${process.pid}`);
});
test.afterAll(async () => {
  test.setTimeout(120_000);
  if (name) await hands.removeInstance(name);
});

const actions = (page: Page) => page.getByRole('group', { name: 'Actions' });

/** Ends with the instance running on its primary, whatever a test left. */
async function healthy(): Promise<string> {
  for (let i = 0; i < 60; i++) {
    const inst = await hands.instance(name);
    if (inst.status === 'running') return inst.pnode;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${name} is not running`);
}

test('clean up the wrong-node state from the operation page: the instance runs where the config says again', async ({ page }) => {
  test.setTimeout(120_000);
  await healthy();
  const job = await hands.rapi.submit(REQUESTS.migrate(name, { mode: 'live' }));
  await hands.untilEnded(job);
  const ranOn = await hands.wrongNode(name);
  await openOperation(page, `ganeti:job:${job}`);
  await expect(page.getByTestId('detail-instanceStatus')).toHaveText(/^ERROR_(down|wrongnode)$/, { timeout: 30_000 });
  await actions(page).getByRole('button', { name: 'Clean up migration', exact: true }).click();
  await expect(page.getByRole('dialog').getByTestId('confirm-effect')).toContainText("Ganeti's migrate --cleanup");
  await page.getByRole('dialog').getByRole('button', { name: 'Yes, clean up migration' }).click();
  await expect(page.getByTestId('timeline')).toContainText(/cleanup succeeded: cleanup submitted as job \d+/, { timeout: 20_000 });
  await expect(page.getByTestId('detail-instanceStatus')).toHaveText('running', { timeout: 40_000 });
  expect((await hands.instance(name)).pnode).toBe(ranOn);
});

test("retry a migration that failed on a stopped node daemon: Ganeti's words and class, refused in the wrong state, sent once it runs on its primary", async ({
  page,
}) => {
  test.setTimeout(150_000);
  const from = await healthy();
  const target = hands.other(from);
  hands.stopNoded(target);
  let job: number;
  try {
    job = await hands.rapi.submit(REQUESTS.migrate(name, { mode: 'live', target_node: target }));
    await hands.untilEnded(job);
  } finally {
    await hands.startNoded(target);
  }
  await openOperation(page, `ganeti:job:${job}`);
  await expect(page.getByTestId('state').first()).toHaveText('failed', { timeout: 30_000 });
  await expect(page.getByTestId('detail-errorClass')).toHaveText('OpPrereqError');
  await expect(page.getByTestId('detail-failure')).toContainText(`Can't get data from node ${target}`);
  // the hypervisor now runs it elsewhere: no retry until that is repaired
  await hands.wrongNode(name);
  const retry = actions(page).getByRole('button', { name: 'Retry migration', exact: true });
  await expect(retry).toBeDisabled({ timeout: 30_000 });
  await expect(page.getByText(/is ERROR_(down|wrongnode): the cluster and the hypervisor disagree; clean up first/)).toBeVisible();
  // once it runs on its primary again, the retry is allowed
  await hands.putBack(name);
  await expect(retry).toBeEnabled({ timeout: 30_000 });
  const primary = (await hands.instance(name)).pnode;
  await retry.click();
  await expect(page.getByRole('dialog').getByTestId('confirm-effect')).toContainText(`only if it runs on its primary node (${primary})`);
  await page.getByRole('dialog').getByRole('button', { name: 'Yes, retry migration' }).click();
  await expect(page.getByTestId('timeline')).toContainText(/retry succeeded: retry submitted as job \d+/, { timeout: 20_000 });
  await expect.poll(async () => (await hands.instance(name)).pnode, { timeout: 60_000 }).toBe(hands.other(primary));
});
