import 'server-only';
import type { Logger } from '@/lib/log/logger';
import type { Operation } from '@/lib/model/operation';
import type { Resolution } from '@/lib/model/snapshot';
import type { EngineAdapter } from '../types';
import { describeTransferActions, performTransferAction } from './actions';
import { transferPipeline } from './pipeline';
import { OvirtClient } from './client';
import { EVENTS_PER_CHECK, TRANSFER_EVENT_CODES } from './constants';
import { transferSnapshot } from './normalize';
import { outcomeAfterRemoval } from './resolve';

export interface OvirtAdapterOptions {
  /** engine base URL, e.g. https://engine.example.com/ovirt-engine */
  url: string;
  /** SSO user, e.g. admin@internal */
  username: string;
  password: string;
  /** PEM text of the engine CA (from the connection's caFile); system roots otherwise */
  ca?: string;
  /** per-request timeout */
  timeoutMs?: number;
  /** how long finalize waits for a final phase before reporting a timeout */
  finalizeTimeoutMs?: number;
  /** finalize poll period (seed 000: 1 s) */
  finalizePollMs?: number;
  log: Logger;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** The oVirt adapter; its playbooks also read through the client directly. */
export interface OvirtAdapter extends EngineAdapter {
  readonly client: OvirtClient;
}

export function createOvirtAdapter(options: OvirtAdapterOptions): OvirtAdapter {
  const client = new OvirtClient({
    url: options.url,
    username: options.username,
    password: options.password,
    ca: options.ca,
    timeoutMs: options.timeoutMs ?? 15_000,
    log: options.log,
  });
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  return {
    engine: 'ovirt',
    capabilities: { push: false },
    client,

    async listOperations() {
      const transfers = await client.imageTransferList();
      return transfers.map((t) => transferSnapshot(t));
    },

    // oVirt's own change signal is its audit log: one indexed query for the
    // events after the last one seen. Only image-transfer events count; the
    // log also holds logins (phaseboard's own), VMs, hosts and more.
    async changedSince(cursor) {
      const from = cursor !== null && /^\d+$/.test(cursor) ? Number(cursor) : null;
      const events = await client.eventList(from, from === null ? 1 : EVENTS_PER_CHECK);
      // The API model documents `from` as inclusive, the engine's query as exclusive: either way, only newer ids are news.
      const fresh = from === null ? events : events.filter((e) => e.id > from);
      const newest = events.reduce((max, e) => Math.max(max, e.id), from ?? 0);
      const changed = from === null || events.length >= EVENTS_PER_CHECK || fresh.some((e) => e.code !== undefined && TRANSFER_EVENT_CODES.has(e.code));
      return { changed, cursor: String(newest) };
    },

    async describeEngine() {
      const info = (await client.apiRoot()).product_info;
      const v = info?.version;
      const version = v ? [v.major, v.minor, v.build, v.revision].filter((x) => x !== undefined).join('.') : 'unknown';
      return { product: info?.name ?? 'oVirt Engine', version };
    },

    async getOperation(nativeId) {
      const t = await client.imageTransferGet(nativeId);
      return t ? transferSnapshot(t) : null;
    },

    // Seed 000: once oVirt removed the transfer, one look at the disk decides (resolve.ts).
    async resolveVanished(op: Operation): Promise<Resolution> {
      const diskId = String(op.details.diskId ?? op.subject.id);
      return outcomeAfterRemoval(op.nativeId, op.nativePhase, diskId, await client.diskGet(diskId));
    },

    describeActions: describeTransferActions,
    describePipeline: transferPipeline,

    performAction(op, request) {
      return performTransferAction({ client, now, sleep, finalizeTimeoutMs: options.finalizeTimeoutMs, finalizePollMs: options.finalizePollMs }, op, request);
    },

    async close() {},
  };
}
