'use client';

import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { z } from 'zod';
import type { FindingDetail, OperationDetail, OperationPage } from '@/lib/client/api';
import { Operation } from '@/lib/model/operation';
import { TimelineEvent } from '@/lib/model/timeline';
import { Finding } from '@/lib/model/finding';
import { PlaybookRun } from '@/lib/model/playbook-run';

export type LiveState = 'connecting' | 'live' | 'reconnecting';

/** A parsed message for components that react to events rather than to cached data. */
export type LiveMessage = { type: 'operation'; operation: Operation } | { type: 'finding'; finding: Finding };
type Listener = (m: LiveMessage) => void;

interface LiveContext {
  state: LiveState;
  /** when the last message (or heartbeat-free change) arrived, ms epoch */
  lastMessageAt: number | null;
  subscribe: (l: Listener) => () => void;
}

const Ctx = createContext<LiveContext>({ state: 'connecting', lastMessageAt: null, subscribe: () => () => {} });
export const useLive = () => useContext(Ctx);

const Hello = z.object({ seq: z.number() });

/**
 * One EventSource per tab, for every engine. Messages patch the TanStack
 * Query cache; on reconnect the stream resumes after the last seq seen, so
 * the gap is replayed. Offline closes the stream; online reopens it.
 */
export function LiveStream({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  const [lastMessageAt, setLastMessageAt] = useState<number | null>(null);
  const lastSeq = useRef<number | null>(null);
  const listeners = useRef(new Set<Listener>());
  const [subscribe] = useState(() => (l: Listener) => {
    listeners.current.add(l);
    return () => void listeners.current.delete(l);
  });
  const emit = (m: LiveMessage) => listeners.current.forEach((l) => l(m));

  useEffect(() => {
    let es: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let attempts = 0;
    const refetchLists = throttle(() => void qc.invalidateQueries({ queryKey: ['operations'] }), 1000);
    const refetchDetails = throttle(() => void qc.invalidateQueries({ queryKey: ['operation'] }), 2000);
    const refetchFindings = throttle(() => void qc.invalidateQueries({ queryKey: ['findings'] }), 1000);

    const seen = (id: string) => {
      if (/^\d+$/.test(id)) lastSeq.current = Math.max(lastSeq.current ?? 0, Number(id));
      setLastMessageAt(Date.now());
    };
    const open = () => {
      close();
      const since = lastSeq.current === null ? '' : `?since=${lastSeq.current}`;
      es = new EventSource(`/api/stream${since}`);
      es.onopen = () => {
        attempts = 0;
        setState('live');
      };
      es.onerror = () => {
        setState('reconnecting');
        // The browser retries by itself unless it gave up (CLOSED): then we do.
        if (es?.readyState === EventSource.CLOSED) scheduleReopen();
      };
      es.addEventListener('hello', (e) => {
        const m = e as MessageEvent<string>;
        const hello = Hello.safeParse(JSON.parse(m.data));
        if (lastSeq.current === null && hello.success) lastSeq.current = hello.data.seq;
        setLastMessageAt(Date.now());
        // Findings and playbook runs are not replayed: refetch them after any (re)connect.
        void qc.invalidateQueries({ queryKey: ['findings'] });
        void qc.invalidateQueries({ queryKey: ['finding'] });
      });
      es.addEventListener('reset', (e) => {
        seen((e as MessageEvent).lastEventId);
        void qc.invalidateQueries();
      });
      es.addEventListener('operation', (e) => {
        const m = e as MessageEvent<string>;
        const op = Operation.safeParse(JSON.parse(m.data));
        seen(m.lastEventId);
        if (op.success && !patchOperation(qc, op.data)) refetchLists();
        if (op.success) emit({ type: 'operation', operation: op.data });
      });
      es.addEventListener('timeline', (e) => {
        const m = e as MessageEvent<string>;
        const ev = TimelineEvent.safeParse(JSON.parse(m.data));
        seen(m.lastEventId);
        if (ev.success) patchTimeline(qc, ev.data);
        // A new operation may be the next attempt of one on screen.
        if (ev.success && ev.data.entry.type === 'observed') refetchDetails();
      });
      es.addEventListener('engine', () => void qc.invalidateQueries({ queryKey: ['engines'] }));
      es.addEventListener('finding', (e) => {
        const f = Finding.safeParse(JSON.parse((e as MessageEvent<string>).data));
        refetchFindings();
        if (f.success) {
          void qc.invalidateQueries({ queryKey: ['finding', f.data.id] });
          emit({ type: 'finding', finding: f.data });
        }
      });
      es.addEventListener('playbook', (e) => {
        const run = PlaybookRun.safeParse(JSON.parse((e as MessageEvent<string>).data));
        if (run.success) patchPlaybookRun(qc, run.data);
      });
    };
    const close = () => {
      es?.close();
      es = null;
    };
    const scheduleReopen = () => {
      close();
      if (retry) clearTimeout(retry);
      attempts += 1;
      retry = setTimeout(open, Math.min(15_000, 500 * 2 ** attempts));
    };
    const offline = () => {
      close();
      setState('reconnecting');
    };
    const online = () => open();

    open();
    window.addEventListener('offline', offline);
    window.addEventListener('online', online);
    return () => {
      window.removeEventListener('offline', offline);
      window.removeEventListener('online', online);
      if (retry) clearTimeout(retry);
      close();
    };
  }, [qc]);

  return <Ctx.Provider value={{ state, lastMessageAt, subscribe }}>{children}</Ctx.Provider>;
}

/** Replaces the operation wherever it is cached; false when no board list had it. */
function patchOperation(qc: QueryClient, op: Operation): boolean {
  let found = false;
  qc.setQueriesData<OperationPage>({ queryKey: ['operations'] }, (page) => {
    if (!page) return page;
    const i = page.items.findIndex((x) => x.id === op.id);
    if (i < 0 || page.items[i]!.version > op.version) return page;
    found = true;
    const items = page.items.slice();
    items[i] = op;
    return { ...page, items };
  });
  qc.setQueryData<OperationDetail>(['operation', op.id], (d) => (d && d.operation.version <= op.version ? { ...d, operation: op } : d));
  return found;
}

function patchTimeline(qc: QueryClient, ev: TimelineEvent) {
  qc.setQueryData<OperationDetail>(['operation', ev.operationId], (d) =>
    d && !d.timeline.some((x) => x.seq === ev.seq) ? { ...d, timeline: [...d.timeline, ev].sort((a, b) => a.seq - b.seq) } : d,
  );
  // Action runs live in the audit table: fetch them again when one starts or ends.
  if (ev.entry.type === 'action_requested' || ev.entry.type === 'action_finished' || ev.entry.type === 'action_interrupted') {
    void qc.invalidateQueries({ queryKey: ['operation', ev.operationId] });
  }
}

/** A playbook step moved: show it in the finding's run list at once. */
function patchPlaybookRun(qc: QueryClient, run: PlaybookRun) {
  let found = false;
  qc.setQueryData<FindingDetail>(['finding', run.findingId], (d) => {
    if (!d) return d;
    const i = d.playbookRuns.findIndex((r) => r.id === run.id);
    found = i >= 0;
    const runs = found ? d.playbookRuns.map((r) => (r.id === run.id ? run : r)) : [run, ...d.playbookRuns];
    return { ...d, playbookRuns: runs };
  });
  if (!found || run.status !== 'running') void qc.invalidateQueries({ queryKey: ['finding', run.findingId] });
}

function throttle(fn: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      fn();
    }, ms);
  };
}
