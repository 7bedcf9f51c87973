import 'server-only';
import type { Operation } from '@/lib/model/operation';
import type { TimelineEvent } from '@/lib/model/timeline';
import type { ConnectionStatus } from '@/lib/store/types';
import type { Finding } from '@/lib/model/finding';
import type { PlaybookRun } from '@/lib/model/playbook-run';

/** What the bus carries to live streams; every change has its store sequence. */
export type BusMessage =
  | { type: 'operation'; seq: number; operation: Operation }
  | { type: 'timeline'; seq: number; event: TimelineEvent }
  | { type: 'engine'; status: ConnectionStatus }
  /** triage changes are live only; a client that reconnects refetches them */
  | { type: 'finding'; finding: Finding }
  | { type: 'playbook'; run: PlaybookRun };

export interface Bus {
  publish(messages: BusMessage[]): void;
  subscribe(listener: (message: BusMessage) => void): () => void;
  /** how many subscribers are attached (health, benchmarks) */
  size(): number;
}
