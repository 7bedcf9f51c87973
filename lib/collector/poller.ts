import 'server-only';
import type { Bus, BusMessage } from '@/lib/bus/types';
import type { EngineAdapter, EngineFact } from '@/lib/engines/types';
import type { TimelineEntry } from '@/lib/model/timeline';
import { hasCode, publicMessage } from '@/lib/errors/app-error';
import type { Logger } from '@/lib/log/logger';
import type { EngineKind, Operation } from '@/lib/model/operation';
import { isInTransition, isTerminal, needsYouOf } from '@/lib/model/operation';
import { reduceOperation, type OperationEvent } from '@/lib/model/reduce';
import type { ConnectionStatus, NewTimelineEntry, Store } from '@/lib/store/types';
import { diffSnapshots } from './diff';

export interface PollerOptions {
  connectionId: string;
  engine: EngineKind;
  adapter: EngineAdapter;
  store: Store;
  bus: Bus;
  log: Logger;
  /** poll period while anything is in transition (≤ 1 s) */
  fastMs: number;
  /** poll period when all is idle (≥ 10 s) */
  slowMs: number;
  /** while idle, how often the adapter's cheap change check runs (when it has one); 1 s by default */
  watchMs?: number;
  /** longest wait between retries of an unreachable engine */
  maxBackoffMs?: number;
  now?: () => number;
  /** after every cycle (triage looks at the connection here); must not throw */
  onCycle?: (view: CycleView) => void;
}

/** What a cycle leaves behind for those who watch the connection. */
export interface CycleView {
  connectionId: string;
  engine: EngineKind;
  status: ConnectionStatus;
  /** the operations the engine lists now */
  live: Operation[];
}

const DEFAULT_WATCH_MS = 1000;

/** An ended operation whose outcome is unknown is looked at again this often… */
const RECHECK_EVERY_MS = 60_000;
/** …for this long after it ended. */
const RECHECK_FOR_MS = 24 * 3600_000;

/**
 * Polls one engine connection: one batched list call per cycle, diffed into
 * phase events, committed and published. Everything that changes this
 * connection's operations (polls and action results) runs through one queue,
 * so nothing is lost to a race.
 */
export class ConnectionPoller {
  private readonly known = new Map<string, Operation>();
  private readonly samples = new Map<string, { done: number; at: number }>();
  /** gone operations resolved as unknown, with when they were last looked at */
  private readonly unresolved = new Map<string, { op: Operation; checkedAt: number }>();
  /** when each operation the engine stopped listing was first missed, while its adapter asks to wait */
  private readonly missingSince = new Map<string, number>();
  private queue: Promise<unknown> = Promise.resolve();
  private refreshing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** the cheap change check (adapter.changedSince) while idle: its timer, whether one is in flight, and its cursor */
  private watchTimer: NodeJS.Timeout | null = null;
  private watchInFlight = false;
  private watchCursor: string | null = null;
  private stopped = true;
  private activeActions = 0;
  private readonly now: () => number;
  status: ConnectionStatus;

  constructor(private readonly o: PollerOptions) {
    this.now = o.now ?? Date.now;
    this.status = { id: o.connectionId, engine: o.engine, status: 'starting', lastSuccessAt: null, lastError: null, consecutiveFailures: 0 };
  }

  async start(): Promise<void> {
    for (const op of await this.o.store.trackedOperations(this.o.connectionId)) this.known.set(op.id, op);
    const since = new Date(this.now() - RECHECK_FOR_MS).toISOString();
    for (const op of await this.o.store.endedOperations(this.o.connectionId, since)) {
      if (op.gone && op.state === 'unknown') this.unresolved.set(op.id, { op, checkedAt: 0 });
    }
    this.stopped = false;
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.watchTimer) clearTimeout(this.watchTimer);
    this.watchTimer = null;
  }

  /** Poll soon: an action was sent, or the engine pushed a change. */
  nudge(delayMs = 200): void {
    if (!this.stopped) this.schedule(delayMs);
  }

  /**
   * A poll on request ("Check now", a skip ahead): requests while one is
   * waiting or running join it, so a burst of them costs the engine one poll
   * and never queues ahead of an operator's action.
   */
  refresh(): Promise<void> {
    this.refreshing ??= this.pollOnce().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  /** One poll cycle, serialized with everything else that writes. */
  pollOnce(): Promise<void> {
    return this.enqueue(async () => {
      await this.poll();
      this.o.onCycle?.({ connectionId: this.o.connectionId, engine: this.o.engine, status: this.status, live: [...this.known.values()] });
    });
  }

  /**
   * Looks again at how a gone operation ended (its outcome was unknown):
   * engine-side fixes, such as unlocking a disk, show up here.
   */
  recheck(operationId: string): Promise<Operation | null> {
    return this.enqueue(async () => {
      const entry = this.unresolved.get(operationId);
      if (!entry) return this.o.store.getOperation(operationId);
      return this.recheckOne(entry.op);
    });
  }

  /** Records what an action did: timeline entries and, optionally, a change to the operation. */
  record(operationId: string, entries: NewTimelineEntry['entry'][], event?: OperationEvent): Promise<void> {
    return this.enqueue(async () => {
      const at = new Date(this.now()).toISOString();
      const current = this.known.get(operationId) ?? (await this.o.store.getOperation(operationId));
      const ops = current && event ? [this.withActions(reduceOperation(current, event))] : [];
      await this.commit(
        ops,
        entries.map((entry) => ({ operationId, at, entry })),
      );
    });
  }

  /**
   * Records what the engine said about the operations it concerns (those
   * whose native id starts with the fact's prefix): the outcome is then read
   * from history, never from adapter memory.
   */
  recordFact(fact: EngineFact): Promise<void> {
    return this.enqueue(async () => {
      const at = new Date(this.now()).toISOString();
      const concerned = [...this.known.values()].filter((op) => op.nativeId.startsWith(fact.nativeIdPrefix));
      await this.commit(
        [],
        concerned.map((op) => ({ operationId: op.id, at, entry: { type: 'engine_fact' as const, data: fact.data, text: fact.text } })),
      );
    });
  }

  /** An operation's recorded history, as adapters read it back. */
  history(operationId: string): Promise<TimelineEntry[]> {
    return this.o.store.timeline(operationId).then((events) => events.map((e) => e.entry));
  }

  /** Marks an action in flight so the poller stays fast until it ends. */
  trackAction<T>(work: Promise<T>): Promise<T> {
    this.activeActions += 1;
    return work.finally(() => {
      this.activeActions -= 1;
    });
  }

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      const startedAt = performance.now();
      void this.pollOnce()
        .catch((e: unknown) => this.o.log.error({ connection: this.o.connectionId, err: e }, 'poll cycle failed'))
        .finally(() => {
          if (!this.stopped && !this.timer) this.schedule(this.nextDelay(performance.now() - startedAt));
          this.scheduleWatch();
        });
    }, delayMs);
    this.timer.unref?.();
  }

  /**
   * Busy, polls start on a fixed beat (a slow list of 1,000 operations does not
   * stretch the period: that is what kept phase changes late); idle and
   * degraded, the wait counts from the end of the last poll, so a slow or
   * failing engine is never asked back to back.
   */
  private nextDelay(lastPollMs = 0): number {
    if (this.status.status === 'degraded') {
      const backoff = 1000 * 2 ** Math.min(this.status.consecutiveFailures - 1, 10);
      return Math.min(backoff, this.o.maxBackoffMs ?? 30_000);
    }
    // at least a fifth of the period between two polls, whatever the list took
    return this.busy() ? Math.max(this.o.fastMs / 5, this.o.fastMs - lastPollMs) : this.o.slowMs;
  }

  private busy(): boolean {
    return this.activeActions > 0 || [...this.known.values()].some((op) => !op.gone && isInTransition(op.state));
  }

  /** Healthy and nothing in transition: only the slow poll runs, so the cheap change check is what finds news. */
  private idle(): boolean {
    return !this.stopped && this.status.status === 'ok' && !this.busy();
  }

  /** Starts the cheap change check after a poll that left the connection idle; one at a time. */
  private scheduleWatch(): void {
    if (!this.o.adapter.changedSince || this.watchTimer || this.watchInFlight || !this.idle()) return;
    this.watchTimer = setTimeout(() => {
      this.watchTimer = null;
      void this.watchOnce();
    }, this.o.watchMs ?? DEFAULT_WATCH_MS);
    this.watchTimer.unref?.();
  }

  /**
   * One cheap change check: a change polls at once (the poll then decides
   * whether to watch again). A failure says nothing about health, which the
   * full poll decides; the check stops until the next poll, so a broken
   * check costs one call per slow poll and never spins.
   */
  private async watchOnce(): Promise<void> {
    const check = this.o.adapter.changedSince;
    if (!check || !this.idle()) return;
    this.watchInFlight = true;
    let changed: boolean;
    try {
      const r = await check.call(this.o.adapter, this.watchCursor);
      this.watchCursor = r.cursor;
      changed = r.changed;
    } catch (e) {
      this.o.log.debug({ connection: this.o.connectionId, err: publicMessage(e) }, 'change check failed; the slow poll goes on');
      return;
    } finally {
      this.watchInFlight = false;
    }
    if (changed) this.nudge(0);
    else this.scheduleWatch();
  }

  private async poll(): Promise<void> {
    let snapshots;
    try {
      snapshots = await this.o.adapter.listOperations({ known: [...this.known.values()] });
    } catch (e) {
      await this.setStatus({
        ...this.status,
        status: 'degraded',
        lastError: publicMessage(e),
        consecutiveFailures: this.status.consecutiveFailures + 1,
      });
      this.o.log.warn({ connection: this.o.connectionId, err: publicMessage(e) }, 'engine poll failed');
      return;
    }
    const d = diffSnapshots({
      connectionId: this.o.connectionId,
      engine: this.o.engine,
      known: this.known,
      snapshots,
      samples: this.samples,
      now: this.now(),
    });
    const ops: Operation[] = [];
    const thisCycle = new Map(d.changed.map((op) => [op.id, op]));
    for (const op of d.changed) ops.push(this.withActions(this.known.has(op.id) ? op : await this.linkAttempt(op, thisCycle)));
    const entries = [...d.entries];
    const at = new Date(this.now()).toISOString();
    for (const op of d.retired) ops.push(this.withActions(reduceOperation(op, { type: 'vanished', at })));
    for (const op of d.vanished) {
      // The engine forgot it; its subject tells how it ended. If that look
      // fails, try again next cycle: nothing is marked until it is known.
      try {
        const missing = this.missingSince.get(op.id) ?? this.now();
        this.missingSince.set(op.id, missing);
        const resolution = await this.o.adapter.resolveVanished(op, { history: await this.history(op.id), missingForMs: this.now() - missing });
        this.missingSince.delete(op.id);
        const gone = reduceOperation(op, { type: 'vanished', at });
        ops.push(this.withActions(reduceOperation(gone, { type: 'resolved', at, resolution })));
        entries.push(
          { operationId: op.id, at, entry: { type: 'vanished', lastPhase: op.nativePhase } },
          { operationId: op.id, at, entry: { type: 'resolved', state: resolution.state, message: resolution.message } },
        );
      } catch (e) {
        // `unavailable`: the adapter waits for an engine event (libvirt's job-completed) before it decides.
        const level = hasCode(e, 'unavailable') ? 'debug' : 'warn';
        this.o.log[level]({ operation: op.id, err: publicMessage(e) }, 'could not resolve a vanished operation yet');
      }
    }
    await this.commit(ops, entries);
    const due = [...this.unresolved.values()].filter((u) => this.now() - u.checkedAt >= RECHECK_EVERY_MS);
    for (const u of due) await this.recheckOne(u.op).catch(() => undefined);
    if (this.status.status !== 'ok' || this.status.consecutiveFailures > 0 || !this.status.lastSuccessAt) {
      await this.setStatus({ ...this.status, status: 'ok', lastError: null, consecutiveFailures: 0, lastSuccessAt: at });
    } else {
      this.status = { ...this.status, lastSuccessAt: at };
    }
  }

  /**
   * A new operation on a subject whose last operation of the same kind ended
   * without success is the next attempt at it (a client's retry, or ours).
   */
  private async linkAttempt(op: Operation, thisCycle: ReadonlyMap<string, Operation>): Promise<Operation> {
    // The earlier one may have ended in this very cycle: its new state is not stored yet.
    const stored = (await this.o.store.operationsOnSubject(op.connectionId, op.kind, op.subject.name)).find(
      (o) => o.id !== op.id && o.subject.id === op.subject.id,
    );
    const earlier = stored && (thisCycle.get(stored.id) ?? stored);
    const ended = earlier !== undefined && (earlier.gone || isTerminal(earlier.state));
    if (!earlier || !ended || earlier.state === 'succeeded') return op;
    return { ...op, attempt: earlier.attempt + 1, attemptOf: earlier.attemptOf ?? earlier.id };
  }

  private async recheckOne(op: Operation): Promise<Operation> {
    if (op.endedAt && this.now() - Date.parse(op.endedAt) > RECHECK_FOR_MS) {
      this.unresolved.delete(op.id);
      return op;
    }
    this.unresolved.set(op.id, { op, checkedAt: this.now() });
    const resolution = await this.o.adapter.resolveVanished(op, { history: await this.history(op.id), missingForMs: Number.MAX_SAFE_INTEGER });
    if (resolution.state === op.state && resolution.message === op.outcome) return op;
    const at = new Date(this.now()).toISOString();
    const changed = this.withActions(reduceOperation(op, { type: 'resolved', at, resolution }));
    await this.commit([changed], [{ operationId: op.id, at, entry: { type: 'resolved', state: resolution.state, message: resolution.message } }]);
    return (await this.o.store.getOperation(op.id)) ?? changed;
  }

  private withActions(op: Operation): Operation {
    const actions = this.o.adapter.describeActions(op);
    const pipeline = this.o.adapter.describePipeline?.(op) ?? [];
    return { ...op, actions, needsYou: needsYouOf(actions), pipeline };
  }

  private async commit(ops: Operation[], entries: NewTimelineEntry[]): Promise<void> {
    if (ops.length === 0 && entries.length === 0) return;
    const saved = await this.o.store.commit({ operations: ops, entries });
    // Gone operations leave memory; the store keeps them and their history.
    for (const op of saved.operations) {
      if (op.gone) this.known.delete(op.id);
      else this.known.set(op.id, op);
      if (op.gone && op.state === 'unknown') this.unresolved.set(op.id, { op, checkedAt: this.unresolved.get(op.id)?.checkedAt ?? this.now() });
      else this.unresolved.delete(op.id);
    }
    const messages: BusMessage[] = [
      ...saved.events.map((event) => ({ type: 'timeline' as const, seq: event.seq, event })),
      ...saved.operations.map((operation) => ({ type: 'operation' as const, seq: operation.version, operation })),
    ];
    this.o.bus.publish(messages);
  }

  private async setStatus(status: ConnectionStatus): Promise<void> {
    this.status = status;
    await this.o.store.saveConnectionStatus(status);
    this.o.bus.publish([{ type: 'engine', status }]);
  }
}
