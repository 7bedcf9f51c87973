import { expect, test, type Page } from '@playwright/test';
import { skipAhead, startScenario, subjectOf } from './helpers';

const row = (page: Page, id: string) => page.locator(`[data-testid=board-row][data-operation-id="${id}"]`);

test('an operation that starts while the board is open waits behind "N new · show"; rows keep their places', async ({ page }) => {
  const first = await startScenario('upload-success', 1);
  await page.goto('/');
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live');
  await expect(row(page, first)).toBeVisible();
  const before = await page.getByTestId('board-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-operation-id')));

  const second = await startScenario('download-success', 1);
  const pill = page.getByTestId('new-rows');
  await expect(pill).toContainText(/^\d+ new · show$/);
  // the newcomer is counted, not inserted: the rows on screen are the same rows, in the same order
  await expect(row(page, second)).toHaveCount(0);
  const after = await page.getByTestId('board-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-operation-id')));
  expect(after).toEqual(before);

  await pill.click();
  await expect(row(page, second)).toBeVisible();
  // newest start first
  const ids = await page.getByTestId('board-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-operation-id')));
  expect(ids.indexOf(second)).toBeLessThan(ids.indexOf(first));
});

test('a finished operation stays in place on Live until the reader refreshes, then is in History with its duration', async ({ page }) => {
  // at speed 1 it transfers for 20 s: time enough for the page to load on a busy machine
  const id = await startScenario('upload-success', 1);
  // one that stays live (it waits for an operator), on the same search
  const stays = await startScenario('upload-awaits-finalize', 4);
  // every simulated oVirt disk is a VM's first disk (db01_Disk1): this search holds both
  await page.goto('/?q=_Disk1');
  await expect(row(page, id).getByTestId('native-phase')).toHaveText('transferring');
  await skipAhead(id, 120);
  await expect(row(page, id).getByTestId('state')).toHaveText('succeeded', { timeout: 30_000 });
  await expect(row(page, id)).toBeVisible();

  await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'History' }).click();
  await expect(page).toHaveURL(/view=history/);
  await expect(page).toHaveTitle('History · phaseboard');
  await expect(row(page, id)).toBeVisible();
  await expect(row(page, id).getByTestId('duration')).toHaveText(/^\d+(\.\d)? s$|^\dm \d\ds$/);
  // relative time, with the full date and zone for a hover
  const started = row(page, id).getByTestId('relative-time').first();
  await expect(started).toHaveText(/ago$|just now/);
  await expect(started).toHaveAttribute('title', /\d{4}.*\d\d:\d\d:\d\d/);

  await page.goto('/?q=_Disk1');
  await expect(row(page, stays)).toBeVisible();
  await expect(row(page, id)).toHaveCount(0);
});

test('columns sort on click, stably, and the sort is in the URL', async ({ page }) => {
  await startScenario('upload-success', 1);
  await startScenario('download-success', 1);
  await page.goto('/');
  const subjectHeader = page.getByRole('columnheader', { name: /Subject/ });
  await expect(page.getByRole('columnheader', { name: /Started/ })).toHaveAttribute('aria-sort', 'descending');
  await subjectHeader.getByRole('button').click();
  await expect(page).toHaveURL(/sort=subject&dir=asc/);
  await expect(subjectHeader).toHaveAttribute('aria-sort', 'ascending');
  const names = async () => page.getByTestId('board-row').locator('td:first-child a').allTextContents();
  await expect
    .poll(async () => {
      const n = await names();
      // case-insensitive, punctuation by its code (db01.gnt.example before db01_Disk1), as the store sorts
      return n.length > 1 && n.every((x, i) => i === 0 || n[i - 1]!.toLowerCase() <= x.toLowerCase());
    })
    .toBe(true);
  await subjectHeader.getByRole('button').click();
  await expect(page).toHaveURL(/sort=subject&dir=desc/);
});

test('filters offer what exists, in words; search waits for a pause; "← Board" brings the same view back', async ({ page }) => {
  const id = await startScenario('download-success', 1);
  const name = await subjectOf(id);
  await page.goto('/');
  await expect(page.getByLabel('Kind').locator('option', { hasText: 'Image transfer' })).toHaveCount(1);
  const kinds = await page.getByLabel('Kind').locator('option').allTextContents();
  expect(kinds).toContain('Image transfer');
  expect(kinds.some((k) => k.includes('_'))).toBe(false);
  const engines = await page.getByLabel('Engine').locator('option').allTextContents();
  expect(engines).toContain('oVirt / RHV');

  // In the page: when each key went down, and when each search request left (a loaded machine may stall the
  // browser between keys, so what is checked is the rule itself: a request only after 250 ms without a key).
  await page.evaluate(() => {
    const w = window as unknown as { __keys: number[]; __searches: { at: number; q: string }[] };
    w.__keys = [];
    w.__searches = [];
    document.addEventListener('keydown', () => w.__keys.push(performance.now()), true);
    const fetch0 = window.fetch.bind(window);
    window.fetch = (input, init) => {
      const url = new URL(String(input instanceof Request ? input.url : input), location.href);
      if (url.pathname === '/api/operations' && url.searchParams.get('q')) w.__searches.push({ at: performance.now(), q: url.searchParams.get('q')! });
      return fetch0(input, init);
    };
  });
  await page.getByLabel('Search operations').pressSequentially(name, { delay: 40 });
  await expect(page).toHaveURL(new RegExp(`q=${name}`));
  await expect(row(page, id)).toBeVisible();
  const { keys, searches } = await page.evaluate(() => {
    const w = window as unknown as { __keys: number[]; __searches: { at: number; q: string }[] };
    return { keys: w.__keys, searches: w.__searches };
  });
  expect(keys).toHaveLength(name.length);
  expect(searches.at(-1)?.q).toBe(name);
  // fewer requests than keys, and none sooner than 250 ms after a key
  expect(new Set(searches.map((s) => s.q)).size).toBeLessThan(keys.length);
  // A request for the first n letters means the box held them for 250 ms: the (n+1)-th key came no sooner.
  // (The stream refetches a search already made as operations change: only the texts count.)
  for (const q of new Set(searches.map((s) => s.q))) {
    expect(name.startsWith(q), q).toBe(true);
    if (q.length < keys.length) expect(keys[q.length]! - keys[q.length - 1]!, `a request for "${q}"`).toBeGreaterThanOrEqual(245);
  }

  await page.getByLabel('Kind').selectOption('image_transfer');
  await expect(page).toHaveURL(/kind=image_transfer/);
  await row(page, id).getByRole('link').click();
  await expect(page.getByTestId('subject-name')).toContainText(name);
  await expect(page).toHaveTitle(`${name} · Image transfer · phaseboard`);
  await page.getByTestId('back-to-board').click();
  await expect(page).toHaveURL(new RegExp(`q=${name}`));
  await expect(page).toHaveURL(/kind=image_transfer/);
  await expect(page.getByLabel('Search operations')).toHaveValue(name);
});

test('history exports as CSV, and every page has its own title and the favicon', async ({ page, request }) => {
  const id = await startScenario('upload-success', 4);
  await skipAhead(id, 120);
  await expect
    .poll(async () => (await (await request.get(`/api/operations/${encodeURIComponent(id)}`)).json()).operation.state, { timeout: 30_000 })
    .toBe('succeeded');

  await page.goto(`/?view=history&q=${await subjectOf(id)}`);
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^phaseboard-history-.*\.csv$/);
  const text = await (await import('node:fs/promises')).readFile((await file.path())!, 'utf8');
  const [head, ...lines] = text.trim().split('\r\n');
  expect(head).toBe('id,connection,engine,kind,subject,phase,state,started,ended,duration_s,outcome,attempt');
  expect(lines.find((l) => l.startsWith(`${id},`))).toMatch(new RegExp(`,Image transfer,${await subjectOf(id)},\\w+,succeeded,`));

  for (const [path, title] of [
    ['/', 'Live operations · phaseboard'],
    ['/triage', 'Triage · phaseboard'],
    ['/engines', 'Engines · phaseboard'],
    ['/demo', 'Demo · phaseboard'],
  ] as const) {
    await page.goto(path);
    await expect(page).toHaveTitle(title);
  }
  const icon = await page.locator('link[rel=icon]').first().getAttribute('href');
  expect(icon).toBeTruthy();
  const res = await request.get(icon!);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toContain('image/svg+xml');
});

test('the board holds still under live updates: cumulative layout shift stays under 0.1 over 30 s', async ({ page }) => {
  test.setTimeout(90_000);
  for (const s of ['upload-success', 'download-success', 'upload-success', 'inactivity-paused']) await startScenario(s, 1);
  await page.goto('/');
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'live');
  await expect(page.getByTestId('board-row').first()).toBeVisible();
  await page.evaluate(() => {
    const w = window as unknown as { __cls: number };
    w.__cls = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) if (!e.hadRecentInput) w.__cls += e.value;
    }).observe({ type: 'layout-shift', buffered: false });
  });
  // more work starts while the reader watches
  await page.waitForTimeout(10_000);
  await startScenario('download-success', 1);
  await page.waitForTimeout(20_000);
  const cls = await page.evaluate(() => (window as unknown as { __cls: number }).__cls);
  expect(cls).toBeLessThan(0.1);
});
