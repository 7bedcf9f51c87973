import 'server-only';
import type { SimActionEvent, SimAttachment, SimServer, SimVolume } from './model';
import { Program, begin, release, type Op, type Step } from './program';
import type { CloudState } from './state';

const SWAP_TRACEBACK = `  File "/usr/lib/python3/dist-packages/nova/compute/manager.py", line 7612, in _swap_volume
    self.driver.swap_volume(context, old_cinfo, new_cinfo, instance,
  File "/usr/lib/python3/dist-packages/nova/virt/libvirt/driver.py", line 2214, in _swap_volume
    dev.abort_job(pivot=True)
  File "/usr/lib/python3/dist-packages/libvirt.py", line 1046, in blockJobAbort
    raise libvirtError('virDomainBlockJobAbort() failed')
`;

export interface ColdOptions {
  dest: string;
  destIp: string;
  /** a resize: the flavor it goes to */
  newFlavorId: number | null;
  owner: Op['owner'];
  userId?: string;
}

/** migrate / resize: pre-migrating → migrating → post-migrating → finished (VERIFY_RESIZE), then confirm or revert. */
export function coldMigration(st: CloudState, s: SimServer, speed: number, now: number, o: ColdOptions): Op {
  const type = o.newFlavorId === null ? 'migration' : 'resize';
  const oldFlavor = s.flavorId;
  const newFlavor = o.newFlavorId ?? s.flavorId;
  const source = s.host;
  const m = st.newMigration(s, type, 'pre-migrating', newFlavor, now, o.userId);
  const op: Op = { nativeId: `migration:${m.id}`, instanceId: s.id, program: null, migration: m, owner: o.owner };
  begin(st, s, op);
  s.taskState = 'resize_prep';
  st.touch(s, now);
  const action = st.startAction(s.id, type === 'resize' ? 'resize' : 'migrate', now, o.userId);
  const conductor = st.startEvent(action, 'conductor_migrate_server', 'controller', now);
  let resizing: SimActionEvent | null = null;
  let finishing: SimActionEvent | null = null;
  const task = (t: number, state: string | null) => {
    s.taskState = state;
    st.touch(s, t);
  };
  op.program = new Program(
    [
      { wait: 1500 },
      {
        at: (t) => {
          Object.assign(m, { destCompute: o.dest, destNode: o.dest, destHost: o.destIp });
          st.setMigration(m, 'migrating', t);
          task(t, 'resize_migrating');
          st.finishEvent(action, conductor, t);
          st.quickEvent(action, 'compute_prep_resize', o.dest, t);
          resizing = st.startEvent(action, 'compute_resize_instance', source, t);
        },
      },
      { wait: 2500 },
      {
        at: (t) => {
          st.setMigration(m, 'post-migrating', t);
          task(t, 'resize_migrated');
          if (resizing) st.finishEvent(action, resizing, t);
          finishing = st.startEvent(action, 'compute_finish_resize', o.dest, t);
        },
      },
      { wait: 1500 },
      {
        at: (t) => {
          st.setMigration(m, 'finished', t);
          Object.assign(s, { vmState: 'resized', host: o.dest, flavorId: newFlavor });
          task(t, null);
          if (finishing) st.finishEvent(action, finishing, t);
        },
      },
      { hold: true },
    ],
    speed,
    now,
  );
  op.confirm = (at, userId) => {
    st.setMigration(m, 'confirming', at);
    const a = st.startAction(s.id, 'confirmResize', at, userId);
    const ev = st.startEvent(a, 'compute_confirm_resize', source, at);
    op.program?.then(
      [
        { wait: 1500 },
        {
          at: (t) => {
            st.setMigration(m, 'confirmed', t);
            s.vmState = 'active';
            st.touch(s, t);
            st.finishEvent(a, ev, t);
            release(st, op);
          },
        },
      ],
      at,
    );
  };
  op.revert = (at, userId) => {
    st.setMigration(m, 'reverting', at);
    task(at, 'resize_reverting');
    const a = st.startAction(s.id, 'revertResize', at, userId);
    const onDest = st.startEvent(a, 'compute_revert_resize', o.dest, at);
    op.program?.then(
      [
        { wait: 1000 },
        { at: (t) => st.finishEvent(a, onDest, t) },
        { wait: 1000 },
        {
          at: (t) => {
            st.quickEvent(a, 'compute_finish_revert_resize', source, t);
            st.setMigration(m, 'reverted', t);
            Object.assign(s, { vmState: 'active', taskState: null, host: source, flavorId: oldFlavor });
            st.touch(s, t);
            release(st, op);
          },
        },
      ],
      at,
    );
  };
  return op;
}

/** Nova attaches a volume: Cinder's attachment reserved → attaching → attached, the volume reserved → attaching → in-use. */
export function attachVolume(st: CloudState, s: SimServer, v: SimVolume, speed: number, now: number, owner: Op['owner']): Op {
  // Nova's reservation (attachment_create without a connector) shows attach_mode and connection_info as JSON null
  const att = st.newAttachment(v, s.id, now, { attachMode: null, connection: 'none' });
  const op: Op = { nativeId: `attachment:${att.id}`, instanceId: s.id, program: null, owner };
  begin(st, s, op);
  st.setVolume(v, 'reserved', now);
  s.volumes.push(v.id);
  const action = st.startAction(s.id, 'attach_volume', now);
  const ev = st.startEvent(action, 'compute_attach_volume', s.host, now);
  op.program = new Program(
    [
      { wait: 2000 },
      {
        at: (t) => {
          Object.assign(att, { status: 'attaching', attachMode: 'null', connection: 'empty' });
          st.setVolume(v, 'attaching', t);
        },
      },
      { wait: 2000 },
      {
        at: (t) => {
          st.connect(att, s, t);
          st.setVolume(v, 'in-use', t);
          st.finishEvent(action, ev, t);
          release(st, op);
        },
      },
    ],
    speed,
    now,
  );
  return op;
}

/** Nova detaches a volume: the volume detaching while the guest lets go, then the attachment is deleted and the volume available. */
export function detachVolume(st: CloudState, s: SimServer, att: SimAttachment, speed: number, now: number, owner: Op['owner']): Op {
  const op: Op = { nativeId: `attachment:${att.id}`, instanceId: s.id, program: null, owner };
  const v = st.volumes.get(att.volumeId)!;
  begin(st, s, op);
  st.setVolume(v, 'detaching', now);
  const action = st.startAction(s.id, 'detach_volume', now);
  const ev = st.startEvent(action, 'compute_detach_volume', s.host, now);
  op.program = new Program(
    [
      { wait: 2500 },
      { at: () => void (att.status = 'detaching') },
      { wait: 500 },
      {
        at: (t) => {
          st.attachments.delete(att.id);
          s.volumes = s.volumes.filter((id) => id !== v.id);
          st.setVolume(v, 'available', t);
          st.finishEvent(action, ev, t);
          release(st, op);
        },
      },
    ],
    speed,
    now,
  );
  return op;
}

/** Nova swaps a volume for another: a new attachment reserved → attaching → attached, then the old one goes; or the new one is dropped. */
export function swapVolume(
  st: CloudState,
  s: SimServer,
  old: SimAttachment,
  nv: SimVolume,
  speed: number,
  now: number,
  fails: boolean,
  owner: Op['owner'],
): Op {
  const ov = st.volumes.get(old.volumeId)!;
  const op: Op = { nativeId: `swap:${s.id}:${ov.id}`, instanceId: s.id, program: null, owner };
  begin(st, s, op);
  st.setVolume(ov, 'detaching', now);
  const nu = st.newAttachment(nv, s.id, now, { attachMode: null, connection: 'none', device: old.device });
  st.setVolume(nv, 'reserved', now);
  const action = st.startAction(s.id, 'swap_volume', now);
  const ev = st.startEvent(action, 'compute_swap_volume', s.host, now);
  const outcome: Step[] = fails
    ? [
        {
          at: (t) => {
            // Nova rolls back: the new attachment is deleted, the old volume is in use again
            st.attachments.delete(nu.id);
            st.setVolume(nv, 'available', t);
            st.setVolume(ov, 'in-use', t);
            st.finishEvent(action, ev, t, { details: 'libvirtError', traceback: SWAP_TRACEBACK });
            release(st, op);
          },
        },
      ]
    : [
        {
          at: (t) => {
            st.connect(nu, s, t);
            st.setVolume(nv, 'in-use', t);
          },
        },
        { wait: 1000 },
        {
          at: (t) => {
            st.attachments.delete(old.id);
            st.setVolume(ov, 'available', t);
            s.volumes = s.volumes.map((id) => (id === ov.id ? nv.id : id));
            st.finishEvent(action, ev, t);
            release(st, op);
          },
        },
      ];
  op.program = new Program(
    [
      { wait: 2000 },
      {
        at: (t) => {
          Object.assign(nu, { status: 'attaching', attachMode: 'null', connection: 'empty' });
          st.setVolume(nv, 'attaching', t);
        },
      },
      { wait: 2000 },
      ...outcome,
    ],
    speed,
    now,
  );
  return op;
}
