import 'server-only';
import type { SimDisk, SimEvent } from './engine';
import type { SimTransfer } from './transfer-machine';

// oVirt's JSON renders every number and boolean as a string; so do we, so the
// adapter is tested against the engine's real habits.

export const API_PREFIX = '/ovirt-engine/api';

export function renderDisk(d: SimDisk) {
  return {
    actual_size: String(d.provisionedSize),
    alias: d.name,
    name: d.name,
    provisioned_size: String(d.provisionedSize),
    initial_size: String(d.provisionedSize),
    format: 'cow',
    content_type: 'data',
    storage_type: 'image',
    status: d.status,
    href: `${API_PREFIX}/disks/${d.id}`,
    id: d.id,
  };
}

export function renderTransfer(t: SimTransfer, disk: SimDisk | undefined, followDisk: boolean) {
  const ticket = t.id.replace(/-/g, '').slice(0, 24);
  return {
    active: String(t.phase === 'transferring'),
    direction: t.scenario.direction,
    format: 'cow',
    inactivity_timeout: String(t.inactivityTimeoutS),
    phase: t.phase,
    proxy_url: `https://engine.sim:54323/images/${ticket}`,
    shallow: 'false',
    timeout_policy: 'legacy',
    transfer_url: `https://host1.sim:54322/images/${ticket}`,
    transferred: String(t.transferred),
    disk: followDisk && disk ? renderDisk(disk) : { href: `${API_PREFIX}/disks/${t.diskId}`, id: t.diskId },
    host: { href: `${API_PREFIX}/hosts/host1`, id: 'host1' },
    image: { id: t.diskId },
    href: `${API_PREFIX}/imagetransfers/${t.id}`,
    id: t.id,
  };
}

/** An audit-log entry as oVirt's JSON has it: dates in epoch ms, other numbers as strings. */
export function renderEvent(e: SimEvent) {
  return {
    code: String(e.code),
    custom_id: '-1',
    description: e.description,
    flood_rate: '30',
    origin: 'oVirt',
    severity: e.severity,
    time: e.time,
    user: { href: `${API_PREFIX}/users/${SIM_USER_ID}`, id: SIM_USER_ID },
    href: `${API_PREFIX}/events/${e.id}`,
    id: String(e.id),
  };
}

const SIM_USER_ID = '57d91d48-00da-0137-0138-000000000244';

export function fault(detail: string) {
  return { reason: 'Operation Failed', detail };
}
