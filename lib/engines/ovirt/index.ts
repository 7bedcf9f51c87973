import 'server-only';
import type { Logger } from '@/lib/log/logger';
import type { Operation } from '@/lib/model/operation';
import type { Resolution } from '@/lib/model/snapshot';
import { ovirtSimulator } from '@/lib/sim/ovirt/embedded';
import { defineEngine } from '../module';
import type { EngineAdapter } from '../types';
import { describeTransferActions, performTransferAction } from './actions';
import { OvirtClient } from './client';
import { OvirtConnectionConfig, ovirtFromEnv, redactOvirt, resolveOvirt, type OvirtConnection } from './config';
import { transferSnapshot } from './normalize';
import { ovirtTriage } from './triage';

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

const CLEANUP_PHASES = new Set(['cancelled', 'cancelled_user', 'cancelled_system', 'finalizing_cleanup']);

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

    // Seed 000: once oVirt removed the transfer it has released the disk lock,
    // so one look at the disk decides the outcome.
    async resolveVanished(op: Operation): Promise<Resolution> {
      const diskId = String(op.details.diskId ?? op.subject.id);
      if (CLEANUP_PHASES.has(op.nativePhase)) {
        return { state: 'cancelled', message: `transfer removed by the engine after ${op.nativePhase}` };
      }
      const disk = await client.diskGet(diskId);
      if (disk === null) {
        return { state: 'failed', message: `transfer removed by the engine; disk ${diskId} is missing`, details: { diskStatus: 'missing' } };
      }
      const status = disk.status ?? 'unknown';
      const details = { diskStatus: status };
      if (status === 'ok') return { state: 'succeeded', message: `transfer removed by the engine; disk ${diskId} is OK`, details };
      if (status === 'illegal') return { state: 'failed', message: `transfer removed by the engine; disk ${diskId} is ILLEGAL`, details };
      return { state: 'unknown', message: `transfer removed by the engine; disk ${diskId} is ${status}`, details };
    },

    describeActions: describeTransferActions,

    performAction(op, request) {
      return performTransferAction({ client, now, sleep, finalizeTimeoutMs: options.finalizeTimeoutMs, finalizePollMs: options.finalizePollMs }, op, request);
    },

    async close() {},
  };
}

/** oVirt / RHV image transfers: the engine module the registry lists. */
export const ovirtEngine = defineEngine<OvirtConnectionConfig, undefined, OvirtAdapter>({
  kind: 'ovirt',
  label: 'oVirt / RHV',
  connectionSchema: OvirtConnectionConfig as never,
  fromEnv: ovirtFromEnv,
  resolve: resolveOvirt,
  redact: (c) => redactOvirt(c as OvirtConnection),
  describe: (c) => ({ url: c.url, insecure: c.url.startsWith('http:') }),
  createAdapter: (c, { log }) => {
    const o = c as OvirtConnection;
    return createOvirtAdapter({ url: o.url, username: o.username, password: o.password, ca: o.ca, timeoutMs: o.timeoutMs, log });
  },
  async testConnection(adapter) {
    await adapter.client.apiRoot();
  },
  capabilities: { push: false, inventory: false, start: [], addable: false },
  triage: ovirtTriage,
  simulator: ovirtSimulator,
  ui: {},
});
