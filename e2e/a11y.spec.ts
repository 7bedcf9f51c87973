import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { startScenario, subjectOf } from './helpers';

const PAGES = ['/', '/?view=history', '/triage', '/engines', '/demo', '/notifications', '/settings', '/account'];

async function inTheme(page: Page, theme: 'light' | 'dark') {
  await page.addInitScript((t) => localStorage.setItem('phaseboard-theme', t), theme);
}

/** What axe finds serious or critical on the page as it is now (WCAG 2.0–2.2, A and AA), one line each. */
async function seriousViolations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.slice(0, 3).map((n) => `${v.id}: ${n.target.join(' ')} — ${n.failureSummary?.split('\n')[1]?.trim() ?? ''}`));
}

// one test per page and theme: each is quick, and they run side by side
for (const theme of ['light', 'dark'] as const) {
  for (const path of [...PAGES, 'operation']) {
    test(`${path} passes axe (WCAG 2.2 AA, nothing serious or critical) in the ${theme} theme`, async ({ page }) => {
      const url = path === 'operation' ? `/operations/${encodeURIComponent(await startScenario('upload-awaits-finalize', 4))}` : path;
      await inTheme(page, theme);
      await page.goto(url);
      await expect(page.locator('main')).not.toContainText('Loading…');
      await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live');
      expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(theme === 'dark');
      expect(await seriousViolations(page)).toEqual([]);
    });
  }
}

test('the login page passes axe too', async ({ browser }) => {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto('/login');
  await expect(page.getByRole('button', { name: 'Log in', exact: true })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await context.close();
});

test.describe('on a phone (390 × 844)', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('no page is wider than the screen; the board is cards with name, state, bar and ETA; the menu folds', async ({ page }) => {
    test.setTimeout(90_000);
    const id = await startScenario('upload-success', 1);
    for (const path of ['/', '/?view=history', '/triage', '/engines', '/demo', '/notifications', '/settings', `/operations/${encodeURIComponent(id)}`]) {
      await page.goto(path);
      await expect(page.locator('main')).not.toContainText('Loading…');
      await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live');
      const wide = await page.evaluate(() => {
        const w = document.documentElement.clientWidth;
        // a wide table may scroll inside its own box; the page itself never scrolls sideways
        const clipped = (el: Element) => {
          for (let p = el.parentElement; p; p = p.parentElement) {
            const o = getComputedStyle(p).overflowX;
            if ((o === 'auto' || o === 'scroll' || o === 'hidden') && p.getBoundingClientRect().right <= w + 1) return true;
          }
          return false;
        };
        const over = [...document.querySelectorAll('body *')]
          .filter((el) => {
            const r = el.getBoundingClientRect();
            return r.width > 0 && r.right > w + 1 && getComputedStyle(el).position !== 'fixed' && !clipped(el);
          })
          .slice(0, 5)
          .map(
            (el) => `${el.tagName.toLowerCase()}.${String((el as HTMLElement).className).slice(0, 60)} (${Math.round(el.getBoundingClientRect().right)} px)`,
          );
        return document.documentElement.scrollWidth > w ? [`page scrolls to ${document.documentElement.scrollWidth} px`, ...over] : over;
      });
      expect(wide, `${path}: wider than 390 px`).toEqual([]);
    }

    await page.goto(`/?q=${await subjectOf(id)}`);
    const card = page.locator(`[data-testid=board-row][data-operation-id="${id}"]`);
    await expect(card.getByRole('link')).toBeVisible();
    await expect(card.getByTestId('state')).toBeVisible();
    await expect(card.getByRole('progressbar')).toBeVisible();
    await expect(card.getByTestId('eta')).toBeVisible();
    // the menu folds behind one button, which opens it
    const menu = page.getByRole('button', { name: 'Menu' });
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Engines' })).toBeHidden();
    await menu.click();
    await expect(menu).toHaveAttribute('aria-expanded', 'true');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Engines' }).click();
    await expect(page).toHaveURL(/\/engines$/);
  });
});
