import { expect, test } from '@playwright/test';
import { openOperation, startScenario, untilNeedsYou } from './helpers';

test('the board and an action are operable with the keyboard alone', async ({ page }) => {
  const id = await startScenario('upload-awaits-finalize', 4);
  await page.goto('/');
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live');
  // Tab through the page until an operation link has focus; Enter opens it.
  let onLink = false;
  for (let i = 0; i < 40 && !onLink; i++) {
    await page.keyboard.press('Tab');
    onLink = await page.evaluate(() => document.activeElement?.getAttribute('href')?.startsWith('/operations/') ?? false);
  }
  expect(onLink, 'Tab reaches an operation link').toBe(true);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/operations\//);

  await openOperation(page, id);
  const finalize = page.getByRole('group', { name: 'Actions' }).getByRole('button', { name: 'Finalize', exact: true });
  await untilNeedsYou(page, 'Finalize');
  await finalize.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  // The safe choice has focus first; Escape closes without acting.
  await expect(dialog.getByRole('button', { name: 'Keep as is' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(finalize).toBeFocused();
  await expect(page.getByTestId('state').first()).toHaveText('running');

  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(dialog.getByRole('button', { name: 'Yes, finalize' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('state').first()).toHaveText('succeeded', { timeout: 30_000 });
});
