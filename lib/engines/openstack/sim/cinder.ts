import 'server-only';
import { isFault, type VolumeStatus } from './model';
import { attachment, volume as renderVolume, volumeSummary } from './render';
import { badRequest, empty, faultReply, invalidField, isObject, notFound, ok, pyRepr, type Reply, type SimRequest } from './routes';

/** The statuses os-reset_status takes (Cinder's schema). */
const RESETTABLE: readonly string[] = [
  'available',
  'error',
  'creating',
  'deleting',
  'in-use',
  'attaching',
  'detaching',
  'error_deleting',
  'maintenance',
  'reserved',
  'error_extending',
];

const volumeNotFound = (id: string) => faultReply({ status: 404, name: 'itemNotFound', message: `Volume ${id} could not be found.` });

/** Cinder (volume 3.0–3.70) below /v3/{project_id}: attachments (3.27+) and volumes. */
export function cinder(r: SimRequest): Reply {
  const [a, b, c, d] = r.parts;
  if (a === 'attachments') return r.ctx.v < 27 || c ? notFound() : attachments(r, b);
  if (a !== 'volumes' || d) return notFound();
  const st = r.cloud.st;
  if (r.method === 'GET' && (!b || b === 'detail') && !c) {
    const list = [...st.volumes.values()].sort((x, y) => y.createdAt - x.createdAt);
    return ok({ volumes: list.map((v) => (b ? renderVolume(v, r.ctx, st) : volumeSummary(v, r.ctx))) });
  }
  if (!b) return notFound();
  const v = st.volumes.get(b);
  if (r.method === 'GET' && !c) return v ? ok({ volume: renderVolume(v, r.ctx, st) }) : volumeNotFound(b);
  if (r.method !== 'POST' || c !== 'action') return notFound();
  const body = isObject(r.body) ? r.body : {};
  const reset = body['os-reset_status'];
  if (reset === undefined) return badRequest(`There is no such action: ${Object.keys(body)[0] ?? ''}`);
  if (!isObject(reset)) return invalidField('os-reset_status', reset, `${pyRepr(reset)} is not of type 'object'`);
  const status = typeof reset.status === 'string' ? reset.status.toLowerCase() : undefined;
  if (reset.status !== undefined && (status === undefined || !RESETTABLE.includes(status))) {
    return invalidField('status', reset.status, `${pyRepr(reset.status)} is not one of ${pyRepr(RESETTABLE)}`);
  }
  const attachStatus = typeof reset.attach_status === 'string' ? reset.attach_status.toLowerCase() : null;
  if (attachStatus !== null && attachStatus !== 'attached' && attachStatus !== 'detached') {
    return invalidField('attach_status', reset.attach_status, `${pyRepr(reset.attach_status)} is not one of ['attached', 'detached']`);
  }
  if (!v) return volumeNotFound(b);
  if (!r.ctx.admin)
    return faultReply({ status: 403, name: 'forbidden', message: "Policy doesn't allow volume_extension:volume_admin_actions:reset_status to be performed." });
  if (status === 'deleting' || status === 'error_deleting') return badRequest(`Cannot reset-state to ${status}`);
  const f = r.cloud.resetVolume(v, (status ?? v.status) as VolumeStatus, attachStatus);
  return f ? faultReply(f) : empty(202);
}

function attachments(r: SimRequest, id: string | undefined): Reply {
  const st = r.cloud.st;
  if (r.method === 'GET' && (!id || id === 'detail')) {
    const q = r.query;
    const eq = (k: string, x: string | null) => q.get(k) === null || q.get(k) === x;
    const list = [...st.attachments.values()]
      .filter((x) => eq('volume_id', x.volumeId) && eq('instance_id', x.instance) && eq('status', x.status) && eq('attach_status', x.status))
      .sort((x, y) => y.createdAt - x.createdAt);
    return ok({ attachments: list.map((x) => attachment(x, id === 'detail')) });
  }
  if (r.method === 'POST' && !id) {
    const spec = isObject(r.body) ? r.body.attachment : undefined;
    if (!isObject(spec)) return invalidField('attachment', spec, `${pyRepr(spec)} is not of type 'object'`);
    if (typeof spec.volume_uuid !== 'string') return invalidField('attachment', spec, "'volume_uuid' is a required property");
    const instance = typeof spec.instance_uuid === 'string' ? spec.instance_uuid : null;
    // without a connector Cinder only reserves (what a tool that dies before connecting leaves behind)
    const made = r.cloud.reserve(spec.volume_uuid, instance);
    return isFault(made) ? faultReply(made) : ok({ attachment: attachment(made, true) });
  }
  if (!id) return notFound();
  if (r.method === 'GET') {
    const x = st.attachments.get(id);
    return x
      ? ok({ attachment: attachment(x, true) })
      : faultReply({ status: 404, name: 'itemNotFound', message: `Volume attachment could not be found with filter: attachment_id = ${id}.` });
  }
  if (r.method === 'DELETE') {
    const left = r.cloud.deleteAttachment(id);
    return isFault(left) ? faultReply(left) : ok({ attachments: left.map((x) => attachment(x, false)) });
  }
  return notFound();
}
