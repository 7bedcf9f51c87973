import 'server-only';
import type { Runtime } from '@/lib/runtime/runtime';
import type { Bus, BusMessage } from '@/lib/bus/types';
import type { Store } from '@/lib/store/types';

const HEARTBEAT_MS = 15_000;
/** Past this many missed changes the client is told to refetch instead. */
const REPLAY_LIMIT = 5_000;

export interface EventStreamOptions {
  store: Store;
  bus: Bus;
  /** last seq the client saw (Last-Event-ID or ?since=); null for a fresh client */
  since: number | null;
  signal: AbortSignal;
  heartbeatMs?: number;
}

/**
 * One SSE stream for all engines. Subscribes first, then replays what the
 * client missed from the store, then forwards live messages not yet sent, so
 * nothing falls between replay and live. Cleans up when the client goes.
 */
export function createEventStream(o: EventStreamOptions): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cleanup = () => {};
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      let closed = false;
      const write = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      let sentUpTo = 0;
      let replaying = true;
      const buffered: BusMessage[] = [];
      const send = (m: BusMessage) => {
        if (m.type === 'engine') return write(frame('engine', m.status));
        if (m.type === 'finding') return write(frame('finding', m.finding));
        if (m.type === 'playbook') return write(frame('playbook', m.run));
        if (m.seq <= sentUpTo) return;
        sentUpTo = m.seq;
        write(frame(m.type, m.type === 'operation' ? m.operation : m.event, m.seq));
      };
      const unsubscribe = o.bus.subscribe((m) => (replaying ? buffered.push(m) : send(m)));
      const heartbeat = setInterval(() => write(': ping\n\n'), o.heartbeatMs ?? HEARTBEAT_MS);
      cleanup = () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        unsubscribe();
        try {
          controller.close();
        } catch {
          // already closed by the runtime
        }
      };
      o.signal.addEventListener('abort', cleanup, { once: true });
      if (o.signal.aborted) return cleanup();

      write('retry: 2000\n\n');
      const last = await o.store.lastSeq();
      if (o.since === null || o.since > last) {
        sentUpTo = last;
        write(frame('hello', { seq: last, replayed: 0 }, last));
      } else {
        const missed = await o.store.changesSince(o.since, REPLAY_LIMIT + 1);
        const total = missed.events.length + missed.operations.length;
        if (total > REPLAY_LIMIT) {
          sentUpTo = last;
          write(frame('reset', { seq: last, reason: `more than ${REPLAY_LIMIT} changes were missed` }, last));
        } else {
          sentUpTo = o.since;
          const merged: BusMessage[] = [
            ...missed.events.map((event) => ({ type: 'timeline' as const, seq: event.seq, event })),
            ...missed.operations.map((operation) => ({ type: 'operation' as const, seq: operation.version, operation })),
          ].sort((a, b) => a.seq - b.seq);
          write(frame('hello', { seq: last, replayed: total }));
          for (const m of merged) send(m);
        }
      }
      replaying = false;
      for (const m of buffered.splice(0)) send(m);
    },
    cancel() {
      cleanup();
    },
  });
}

function frame(event: string, data: unknown, id?: number): string {
  return `${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The client's resume point: Last-Event-ID (EventSource reconnects) or ?since=. */
export function resumePoint(req: Request): number | null {
  const raw = req.headers.get('last-event-id') ?? new URL(req.url).searchParams.get('since');
  if (raw === null || !/^\d+$/.test(raw)) return null;
  return Number(raw);
}

/** The one event stream of a browser or script: ends when it goes, or when phaseboard stops (SIGTERM must not wait for browsers). */
export async function openEventStream(rt: Runtime, req: Request): Promise<Response> {
  const { store, bus, stopping } = rt;
  const stream = createEventStream({ store, bus, since: resumePoint(req), signal: AbortSignal.any([req.signal, stopping]) });
  return new Response(stream, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    },
  });
}
