import { EngineKind, OperationKind, OperationState } from '@/lib/model/operation';

/** The board's filters, as kept in the URL (?engine=&kind=&state=&q=). */
export interface BoardFilters {
  engine: string;
  kind: string;
  state: string;
  q: string;
}

export function parseBoardFilters(params: URLSearchParams): BoardFilters {
  const pick = (name: string, ok: (v: string) => boolean) => {
    const v = params.get(name) ?? '';
    return ok(v) ? v : '';
  };
  return {
    engine: pick('engine', (v) => EngineKind.safeParse(v).success),
    kind: pick('kind', (v) => OperationKind.safeParse(v).success),
    state: pick('state', (v) => v.split(',').every((s) => OperationState.safeParse(s).success)),
    q: (params.get('q') ?? '').slice(0, 200),
  };
}

export function boardQueryString(f: BoardFilters): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) p.set(k, v);
  return p.toString();
}
