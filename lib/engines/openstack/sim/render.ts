import 'server-only';
import {
  dbTime,
  dbTimeOrNull,
  flavor,
  hostId,
  microTime,
  serverStatus,
  zTime,
  type SimAttachment,
  type SimInstanceAction,
  type SimMigration,
  type SimServer,
  type SimService,
  type SimVolume,
} from './model';
import type { CloudState } from './state';

/**
 * Nova's and Cinder's JSON, key for key as the recorded Zed cloud answers
 * (fixtures/), with the fields each microversion adds or the policy hides.
 * `v` is the minor microversion of the request (compute 2.v, volume 3.v).
 */
export interface RenderContext {
  v: number;
  admin: boolean;
  /** the service's root without its version: http://127.0.0.1:<port>/compute (or …/volume) */
  base: string;
  projectId: string;
}

export const LIVE_IN_PROGRESS = new Set(['queued', 'preparing', 'running', 'post-migrating']);

const links = (c: RenderContext, version: string, path: string) => [
  { rel: 'self', href: `${c.base}/${version}/${path}` },
  { rel: 'bookmark', href: `${c.base}/${path}` },
];

/** One row of GET /os-migrations. */
export function migrationRow(m: SimMigration, c: RenderContext): Record<string, unknown> {
  const row: Record<string, unknown> = { id: m.id };
  if (c.v >= 59) row.uuid = m.uuid;
  Object.assign(row, {
    source_compute: m.sourceCompute,
    dest_compute: m.destCompute,
    source_node: m.sourceNode,
    dest_node: m.destNode,
    dest_host: m.destHost,
    old_instance_type_id: m.oldFlavorId,
    new_instance_type_id: m.newFlavorId,
    instance_uuid: m.instanceUuid,
    status: m.status,
  });
  if (c.v >= 23) row.migration_type = m.type;
  if (c.v >= 80) Object.assign(row, { user_id: m.userId, project_id: m.projectId });
  Object.assign(row, { created_at: dbTime(m.createdAt), updated_at: dbTimeOrNull(m.updatedAt) });
  // links only to what GET /servers/{id}/migrations/{mid} can show
  if (c.v >= 23 && m.type === 'live-migration' && LIVE_IN_PROGRESS.has(m.status)) row.links = links(c, 'v2.1', `servers/${m.instanceUuid}/migrations/${m.id}`);
  return row;
}

/** GET /servers/{id}/migrations[/{mid}]: a live migration with its byte counts. */
export function serverMigration(m: SimMigration, c: RenderContext): Record<string, unknown> {
  const out: Record<string, unknown> = {
    created_at: dbTime(m.createdAt),
    dest_compute: m.destCompute,
    dest_host: m.destHost,
    dest_node: m.destNode,
    disk_processed_bytes: null,
    disk_remaining_bytes: null,
    disk_total_bytes: null,
    id: m.id,
    memory_processed_bytes: m.memory?.processed ?? null,
    memory_remaining_bytes: m.memory?.remaining ?? null,
    memory_total_bytes: m.memory?.total ?? null,
    server_uuid: m.instanceUuid,
    source_compute: m.sourceCompute,
    source_node: m.sourceNode,
    status: m.status,
    updated_at: dbTimeOrNull(m.updatedAt),
  };
  if (c.v >= 59) out.uuid = m.uuid;
  if (c.v >= 80) Object.assign(out, { user_id: m.userId, project_id: m.projectId });
  return out;
}

/** GET /servers/{id} and /servers/detail: the extended attributes (host, instance name) only for admins. */
export function server(s: SimServer, c: RenderContext, userId: string): Record<string, unknown> {
  const f = flavor(s.flavorId);
  const status = serverStatus(s);
  const out: Record<string, unknown> = {
    id: s.id,
    name: s.name,
    status,
    tenant_id: c.projectId,
    user_id: userId,
    metadata: {},
    hostId: hostId(c.projectId, s.host),
    image: { id: s.imageId, links: [{ rel: 'bookmark', href: `${c.base}/images/${s.imageId}` }] },
    flavor:
      c.v >= 47
        ? { vcpus: f.vcpus, ram: f.ram, disk: f.disk, ephemeral: 0, swap: 0, original_name: f.name, extra_specs: {} }
        : { id: String(f.id), links: [{ rel: 'bookmark', href: `${c.base}/flavors/${f.id}` }] },
    created: zTime(s.createdAt),
    updated: zTime(s.updatedAt),
    addresses: {
      private: [
        {
          version: 4,
          addr: s.ip,
          'OS-EXT-IPS:type': 'fixed',
          'OS-EXT-IPS-MAC:mac_addr': `fa:16:3e:${s.id.slice(0, 2)}:${s.id.slice(2, 4)}:${s.id.slice(4, 6)}`,
        },
      ],
    },
    accessIPv4: '',
    accessIPv6: '',
    links: links(c, 'v2.1', `servers/${s.id}`),
    'OS-DCF:diskConfig': 'MANUAL',
  };
  if (['ACTIVE', 'BUILD', 'REBUILD', 'RESIZE', 'VERIFY_RESIZE', 'MIGRATING'].includes(status)) out.progress = 0;
  Object.assign(out, {
    'OS-EXT-AZ:availability_zone': 'nova',
    config_drive: '',
    key_name: null,
    'OS-SRV-USG:launched_at': dbTime(s.launchedAt),
    'OS-SRV-USG:terminated_at': null,
  });
  if (c.admin) {
    Object.assign(out, { 'OS-EXT-SRV-ATTR:host': s.host, 'OS-EXT-SRV-ATTR:instance_name': s.instanceName, 'OS-EXT-SRV-ATTR:hypervisor_hostname': s.host });
    if (c.v >= 3) {
      Object.assign(out, {
        'OS-EXT-SRV-ATTR:reservation_id': `r-${s.id.slice(0, 8)}`,
        'OS-EXT-SRV-ATTR:launch_index': 0,
        'OS-EXT-SRV-ATTR:hostname': s.name,
        'OS-EXT-SRV-ATTR:kernel_id': '',
        'OS-EXT-SRV-ATTR:ramdisk_id': '',
        'OS-EXT-SRV-ATTR:root_device_name': '/dev/vda',
        'OS-EXT-SRV-ATTR:user_data': null,
      });
    }
  }
  Object.assign(out, {
    'OS-EXT-STS:task_state': s.taskState,
    'OS-EXT-STS:vm_state': s.vmState,
    'OS-EXT-STS:power_state': s.vmState === 'stopped' ? 4 : 1,
    'os-extended-volumes:volumes_attached': s.volumes.map((id) => (c.v >= 3 ? { id, delete_on_termination: false } : { id })),
  });
  if (c.v >= 16 && c.admin) out.host_status = 'UP';
  if (c.v >= 9) out.locked = false;
  if (c.v >= 73) out.locked_reason = null;
  if (c.v >= 19) out.description = null;
  if (c.v >= 26) out.tags = [];
  if (c.v >= 63) out.trusted_image_certificates = null;
  if (c.v >= 71) out.server_groups = [];
  return out;
}

/** An instance action; with its events for GET …/os-instance-actions/{request_id} (newest first, as Nova lists them). */
export function instanceAction(a: SimInstanceAction, c: RenderContext, withEvents: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    action: a.action,
    instance_uuid: a.instanceUuid,
    request_id: a.requestId,
    user_id: a.userId,
    project_id: c.projectId,
    start_time: dbTime(a.startTime),
    message: a.message,
  };
  if (c.v >= 58) out.updated_at = dbTimeOrNull(a.updatedAt);
  // before 2.51 only admins see events; after, others see them without traceback, host and details
  if (withEvents && (c.admin || c.v >= 51)) {
    out.events = [...a.events].reverse().map((e) => {
      const ev: Record<string, unknown> = { event: e.event, start_time: dbTime(e.startTime), finish_time: dbTimeOrNull(e.finishTime), result: e.result };
      if (c.admin) ev.traceback = e.traceback;
      if (c.admin && c.v >= 62) ev.host = e.host;
      if (c.v >= 62) ev.hostId = hostId(c.projectId, e.host);
      if (c.admin && c.v >= 84) ev.details = e.details;
      return ev;
    });
  }
  return out;
}

export function service(s: SimService, c: RenderContext): Record<string, unknown> {
  const out: Record<string, unknown> = {
    binary: s.binary,
    host: s.host,
    id: c.v >= 53 ? s.uuid : s.intId,
    zone: s.binary === 'nova-compute' ? 'nova' : 'internal',
    status: s.status,
    state: 'up',
    updated_at: microTime(s.reportedAt),
    disabled_reason: s.disabledReason,
  };
  if (c.v >= 11) out.forced_down = false;
  return out;
}

/** A Cinder volume; its attachments are the connected ones (attached), as Cinder lists them. */
export function volume(v: SimVolume, c: RenderContext, st: CloudState): Record<string, unknown> {
  const attached = st.attachmentsOf(v.id).filter((a) => a.status === 'attached');
  const out: Record<string, unknown> = {
    id: v.id,
    status: v.status,
    size: v.size,
    availability_zone: 'nova',
    created_at: dbTime(v.createdAt),
    updated_at: dbTime(v.updatedAt),
    name: v.name,
    description: null,
    volume_type: '__DEFAULT__',
    snapshot_id: null,
    source_volid: null,
    metadata: {},
    links: volumeLinks(v, c),
    user_id: st.userId,
    bootable: 'false',
    encrypted: false,
    replication_status: null,
    consistencygroup_id: null,
    multiattach: false,
    attachments: attached.map((a) => ({
      id: v.id,
      attachment_id: a.id,
      volume_id: v.id,
      server_id: a.instance,
      host_name: c.admin ? a.host : null,
      device: a.device,
      attached_at: dbTimeOrNull(a.attachedAt),
    })),
    migration_status: null,
  };
  if (c.v >= 13) out.group_id = null;
  if (c.v >= 21) out.provider_id = null;
  if (c.v >= 48) Object.assign(out, { shared_targets: false, service_uuid: SERVICE_UUID });
  if (c.v >= 61) out.cluster_name = null;
  if (c.v >= 63) out.volume_type_id = VOLUME_TYPE_ID;
  if (c.v >= 65) out.consumes_quota = true;
  if (c.admin) {
    Object.assign(out, {
      'os-vol-tenant-attr:tenant_id': c.projectId,
      'os-vol-mig-status-attr:migstat': null,
      'os-vol-mig-status-attr:name_id': null,
      'os-vol-host-attr:host': 'storage-1@lvm#lvm',
    });
  }
  return out;
}
const SERVICE_UUID = '3b1f7c52-9a0e-4d2c-8f61-5e4a2d9c7b10';
const VOLUME_TYPE_ID = 'a8d5e2f1-6c3b-4e97-b0a4-1f2e3d4c5b6a';

const volumeLinks = (v: SimVolume, c: RenderContext) => [
  { rel: 'self', href: `${c.base}/v3/${c.projectId}/volumes/${v.id}` },
  { rel: 'bookmark', href: `${c.base}/${c.projectId}/volumes/${v.id}` },
];

/** GET /volumes: id, links and name only. */
export const volumeSummary = (v: SimVolume, c: RenderContext) => ({ id: v.id, links: volumeLinks(v, c), name: v.name });

/** A Cinder attachment: "" for times not set, "null" (a string) or null for a mode not decided, as Cinder writes them. */
export function attachment(a: SimAttachment, detail: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { id: a.id, status: a.status, instance: a.instance, volume_id: a.volumeId };
  if (!detail) return out;
  return {
    ...out,
    attached_at: a.attachedAt === null ? '' : dbTime(a.attachedAt),
    detached_at: '',
    attach_mode: a.attachMode,
    connection_info:
      a.connection === 'none'
        ? null
        : a.connection === 'empty'
          ? {}
          : { access_mode: 'rw', qos_specs: null, encrypted: false, cacheable: false, driver_volume_type: 'iscsi', attachment_id: a.id },
  };
}

export function novaVersion(base: string, max: string) {
  return {
    id: 'v2.1',
    status: 'CURRENT',
    version: max,
    min_version: '2.1',
    updated: '2013-07-23T11:33:21Z',
    links: [
      { rel: 'self', href: `${base}/v2.1/` },
      { rel: 'describedby', type: 'text/html', href: 'http://docs.openstack.org/' },
    ],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' }],
  };
}

export function cinderVersion(base: string, max: string) {
  return {
    id: 'v3.0',
    status: 'CURRENT',
    version: max,
    min_version: '3.0',
    updated: '2022-08-31T00:00:00Z',
    links: [
      { rel: 'describedby', type: 'text/html', href: 'https://docs.openstack.org/' },
      { rel: 'self', href: `${base}/v3/` },
    ],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.volume+json;version=3' }],
  };
}
