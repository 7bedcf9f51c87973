import { describe, expect, it } from 'vitest';
import { apiQueryString, boardQueryString, DEFAULT_FILTERS, parseBoardFilters } from './board-params';

describe('board URL', () => {
  it('round-trips a view with its filters, sort and page', () => {
    const qs = 'view=history&kind=live_migration&q=web&from=2026-11-01&to=2026-11-21&sort=duration&dir=asc&offset=50';
    const f = parseBoardFilters(new URLSearchParams(qs));
    expect(f).toMatchObject({ view: 'history', kind: 'live_migration', q: 'web', sort: 'duration', dir: 'asc', offset: 50 });
    expect(new URLSearchParams(boardQueryString(f))).toEqual(new URLSearchParams(qs));
  });

  it('reads anything malformed as unset, and keeps the default board URL empty', () => {
    const f = parseBoardFilters(new URLSearchParams('view=drop&kind=rm%20-rf&sort=id;--&offset=-5&from=yesterday'));
    expect(f).toEqual(DEFAULT_FILTERS);
    expect(boardQueryString(f)).toBe('');
  });

  it("asks the API for the reader's whole days, in the reader's zone, and only in history", () => {
    const f = { ...DEFAULT_FILTERS, view: 'history' as const, from: '2026-11-20', to: '2026-11-20' };
    const p = new URLSearchParams(apiQueryString(f, { limit: 50, asOf: 7 }));
    expect(Date.parse(p.get('to')!) - Date.parse(p.get('from')!)).toBe(86_400_000);
    expect(new Date(p.get('from')!).getHours()).toBe(0);
    expect(p.get('asOf')).toBe('7');
    expect(new URLSearchParams(apiQueryString({ ...f, view: 'live' }, { limit: 50 })).has('from')).toBe(false);
  });
});
