import { EngineKind, OperationKind, OperationState } from '@/lib/model/operation';

export const BOARD_SORTS = ['started', 'ended', 'subject', 'engine', 'kind', 'state', 'duration'] as const;
export type BoardSort = (typeof BOARD_SORTS)[number];

/**
 * The board as kept in the URL, so a link or "← Board" brings back the same
 * view: live or history, filters, sort and page.
 */
export interface BoardFilters {
  view: 'live' | 'history';
  engine: string;
  kind: string;
  state: string;
  q: string;
  needsYou: boolean;
  /** history's date range, YYYY-MM-DD in the reader's zone (inclusive) */
  from: string;
  to: string;
  sort: BoardSort | '';
  dir: 'asc' | 'desc' | '';
  offset: number;
}

export const DEFAULT_FILTERS: BoardFilters = {
  view: 'live',
  engine: '',
  kind: '',
  state: '',
  q: '',
  needsYou: false,
  from: '',
  to: '',
  sort: '',
  dir: '',
  offset: 0,
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** What the URL says; anything malformed reads as unset. */
export function parseBoardFilters(params: URLSearchParams): BoardFilters {
  const pick = (name: string, ok: (v: string) => boolean) => {
    const v = params.get(name) ?? '';
    return ok(v) ? v : '';
  };
  const offset = Number(params.get('offset') ?? 0);
  return {
    view: params.get('view') === 'history' ? 'history' : 'live',
    engine: pick('engine', (v) => EngineKind.safeParse(v).success),
    kind: pick('kind', (v) => OperationKind.safeParse(v).success),
    state: pick('state', (v) => v.split(',').every((s) => OperationState.safeParse(s).success)),
    q: (params.get('q') ?? '').slice(0, 200),
    needsYou: params.get('needsYou') === '1',
    from: pick('from', (v) => DAY.test(v)),
    to: pick('to', (v) => DAY.test(v)),
    sort: pick('sort', (v) => (BOARD_SORTS as readonly string[]).includes(v)) as BoardSort | '',
    dir: pick('dir', (v) => v === 'asc' || v === 'desc') as 'asc' | 'desc' | '',
    offset: Number.isInteger(offset) && offset > 0 && offset <= 1_000_000 ? offset : 0,
  };
}

/** The page's own URL query: only what differs from the defaults. */
export function boardQueryString(f: BoardFilters): string {
  const p = new URLSearchParams();
  if (f.view !== 'live') p.set('view', f.view);
  for (const k of ['engine', 'kind', 'state', 'q', 'from', 'to', 'sort', 'dir'] as const) if (f[k]) p.set(k, f[k]);
  if (f.needsYou) p.set('needsYou', '1');
  if (f.offset) p.set('offset', String(f.offset));
  return p.toString();
}

/**
 * The API query for a view: dates become instants in the reader's zone (`to` includes its whole day).
 * `liveSince` (a quiet stage) keeps Live to what started from then on.
 */
export function apiQueryString(f: BoardFilters, o: { limit: number; asOf?: number | null; liveSince?: string | null }): string {
  const p = new URLSearchParams({ view: f.view, limit: String(o.limit), offset: String(f.offset) });
  for (const k of ['engine', 'kind', 'state', 'q', 'sort', 'dir'] as const) if (f[k]) p.set(k, f[k]);
  if (f.needsYou) p.set('needsYou', '1');
  if (f.view === 'history' && f.from) p.set('from', localDay(f.from).toISOString());
  if (f.view === 'live' && o.liveSince) p.set('from', o.liveSince);
  if (f.view === 'history' && f.to) p.set('to', new Date(localDay(f.to).getTime() + 86_400_000).toISOString());
  if (o.asOf !== undefined && o.asOf !== null) p.set('asOf', String(o.asOf));
  return p.toString();
}

function localDay(day: string): Date {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y!, m! - 1, d!);
}

/** Where "← Board" goes: the board as the reader last left it in this tab. */
export const LAST_BOARD_KEY = 'phaseboard-last-board';
