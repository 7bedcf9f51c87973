import 'server-only';
import { actorLabel } from '@/lib/model/actor';
import type { Bus } from '@/lib/bus/types';
import type { Logger } from '@/lib/log/logger';
import type { Operation } from '@/lib/model/operation';
import type { Finding } from '@/lib/model/finding';
import type { NotifyStore } from '@/lib/store/types';
import type { WebhookDispatcher } from './webhook';

/**
 * Decides what is worth telling: a new critical finding, or a watched
 * operation that failed. Browsers hear the same through the live stream.
 */
export class Notifier {
  private unsubscribe = () => {};
  /** failed operations whose outcome (why) is not known yet: the latest of each, and when to tell anyway */
  private readonly awaitingWhy = new Map<string, { op: Operation; timer: NodeJS.Timeout }>();

  constructor(private readonly o: { store: NotifyStore; bus: Bus; dispatcher: WebhookDispatcher; log: Logger; outcomeWaitMs?: number }) {}

  start(): void {
    this.unsubscribe = this.o.bus.subscribe((m) => {
      if (m.type === 'operation' && m.operation.state === 'failed') this.failed(m.operation);
    });
  }

  stop(): void {
    this.unsubscribe();
    for (const { timer } of this.awaitingWhy.values()) clearTimeout(timer);
    this.awaitingWhy.clear();
  }

  /**
   * A failure is told once, with why: the engine often says "failed" a moment
   * before the action or the resolution that explains it is recorded, so a
   * failure without an outcome waits for one (or for the engine to forget the
   * operation) at most `outcomeWaitMs`, then is told as it is.
   */
  private failed(op: Operation): void {
    const pending = this.awaitingWhy.get(op.id);
    if (op.outcome === null && !op.gone) {
      if (pending) pending.op = op;
      else {
        const timer = setTimeout(() => this.tell(this.awaitingWhy.get(op.id)?.op ?? op), this.o.outcomeWaitMs ?? 10_000);
        timer.unref?.();
        this.awaitingWhy.set(op.id, { op, timer });
      }
      return;
    }
    this.tell(op);
  }

  private tell(op: Operation): void {
    const pending = this.awaitingWhy.get(op.id);
    if (pending) clearTimeout(pending.timer);
    this.awaitingWhy.delete(op.id);
    this.operationFailed(op).catch((e: unknown) => this.o.log.error({ err: e }, 'notification failed'));
  }

  /** Hook for the triage evaluator. */
  findingOpened = (f: Finding): void => {
    if (f.severity !== 'critical') return;
    const payload = {
      finding: {
        id: f.id,
        rule: f.ruleId,
        severity: f.severity,
        title: f.title,
        explanation: f.explanation,
        cause: f.cause,
        since: f.since,
        subject: f.subjectName,
        connection: f.connectionId,
        operationId: f.operationId,
      },
      link: `/triage/${f.id}`,
    };
    this.o.dispatcher.enqueue('finding.critical', `finding:${f.id}`, payload).catch((e: unknown) => this.o.log.error({ err: e }, 'notification failed'));
  };

  private async operationFailed(op: Operation): Promise<void> {
    const watch = await this.o.store.getWatch(op.id);
    if (!watch) return;
    const payload = {
      operation: {
        id: op.id,
        kind: op.kind,
        subject: op.subject.name,
        connection: op.connectionId,
        phase: op.nativePhase,
        state: op.state,
        outcome: op.outcome,
        endedAt: op.endedAt,
      },
      // who watches it, as people read it (receivers post it to chat); never an internal id
      watchedBy: actorLabel(watch.by),
      link: `/operations/${encodeURIComponent(op.id)}`,
    };
    await this.o.dispatcher.enqueue('operation.failed', `operation:${op.id}`, payload);
  }
}
