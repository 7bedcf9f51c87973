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

  constructor(private readonly o: { store: NotifyStore; bus: Bus; dispatcher: WebhookDispatcher; log: Logger }) {}

  start(): void {
    this.unsubscribe = this.o.bus.subscribe((m) => {
      if (m.type === 'operation' && m.operation.state === 'failed') {
        this.operationFailed(m.operation).catch((e: unknown) => this.o.log.error({ err: e }, 'notification failed'));
      }
    });
  }

  stop(): void {
    this.unsubscribe();
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
