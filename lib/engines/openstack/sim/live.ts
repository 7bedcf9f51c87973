import 'server-only';
import { flavor, memoryAt, type SimActionEvent, type SimAttachment, type SimServer } from './model';
import { Program, begin, release, type Op, type Step } from './program';
import type { CloudState } from './state';

const MiB = 1024 * 1024;
/** the memory copy of a live migration (the fake driver of the recorded cloud keeps one running 40 s) */
const RUN_MS = 40_000;
/** how often libvirt's progress lands in the migration record */
const SAMPLE_MS = 5_000;

const NO_VALID_HOST_TRACEBACK = `  File "/usr/lib/python3/dist-packages/nova/conductor/manager.py", line 503, in _live_migrate
    task.execute()
  File "/usr/lib/python3/dist-packages/nova/conductor/tasks/live_migrate.py", line 100, in _execute
    self.destination, dest_node, self.limits = self._find_destination()
  File "/usr/lib/python3/dist-packages/nova/conductor/tasks/live_migrate.py", line 520, in _find_destination
    selection_lists = self.query_client.select_destinations(
  File "/usr/lib/python3/dist-packages/oslo_messaging/_drivers/amqpdriver.py", line 681, in _send
    raise result
`;

export interface LiveOptions {
  /** the host the scheduler chose; null: none would take it (no valid host) */
  dest: string | null;
  converge: boolean;
  /** the source compute restarts a few seconds into the copy: the record stays running, the instance's task is cleared */
  computeLost?: boolean;
  owner: Op['owner'];
  userId?: string;
}

/** os-migrateLive: accepted → preparing → running (memory copy) → completed, or error when no host takes it. */
export function liveMigration(st: CloudState, s: SimServer, speed: number, now: number, o: LiveOptions): Op {
  const m = st.newMigration(s, 'live-migration', 'accepted', s.flavorId, now, o.userId);
  const op: Op = { nativeId: `migration:${m.id}`, instanceId: s.id, program: null, migration: m, owner: o.owner };
  begin(st, s, op);
  s.taskState = 'migrating';
  st.touch(s, now);
  const action = st.startAction(s.id, 'live-migration', now, o.userId);
  const conductor = st.startEvent(action, 'conductor_live_migrate_instance', 'controller', now);
  const source = s.host;
  const dest = o.dest;
  if (dest === null) {
    op.program = new Program(
      [
        { wait: 1000 },
        {
          at: (t) => {
            st.setMigration(m, 'error', t);
            st.finishEvent(action, conductor, t, { details: 'No valid host was found. ', traceback: NO_VALID_HOST_TRACEBACK });
            s.taskState = null;
            st.touch(s, t);
            release(st, op);
          },
        },
      ],
      speed,
      now,
    );
    return op;
  }
  let live: SimActionEvent | null = null;
  let pre: SimActionEvent | null = null;
  /** Cinder's attachments for the destination host, made while the copy runs, with the source ones they replace */
  const moved: { from: SimAttachment; to: SimAttachment }[] = [];
  let post: SimActionEvent | null = null;
  const switchover = (): Step[] => [
    {
      at: (t) => {
        st.sampleMemory(m, t);
        // Nova shows the instance on its new host a moment before the record says completed
        s.host = dest;
        s.taskState = null;
        st.touch(s, t);
        if (live) st.finishEvent(action, live, t);
        post = st.startEvent(action, 'compute_post_live_migration_at_destination', dest, t);
      },
    },
    { wait: 1000 },
    {
      at: (t) => {
        st.endRun(m, t);
        st.setMigration(m, 'completed', t);
        if (post) st.finishEvent(action, post, t);
        for (const { from } of moved) st.attachments.delete(from.id);
        release(st, op);
      },
    },
  ];
  op.program = new Program(
    [
      { wait: 2000 },
      {
        at: (t) => {
          Object.assign(m, { destCompute: dest, sourceNode: source, destNode: dest });
          st.setMigration(m, 'preparing', t);
          st.finishEvent(action, conductor, t);
          st.quickEvent(action, 'compute_check_can_live_migrate_destination', dest, t);
          st.quickEvent(action, 'compute_check_can_live_migrate_source', source, t);
          live = st.startEvent(action, 'compute_live_migration', source, t);
          pre = st.startEvent(action, 'compute_pre_live_migration', dest, t);
        },
      },
      { wait: 2000 },
      {
        at: (t) => {
          if (pre) st.finishEvent(action, pre, t);
          st.setMigration(m, 'running', t);
          const total = flavor(s.flavorId).ram * MiB;
          m.run = { total, startedAt: t, fullMs: RUN_MS / speed, converges: o.converge, periodMs: Math.max(250, SAMPLE_MS / speed), k: 0 };
          m.memory = { total, processed: 0, remaining: total };
          for (const from of st.attachedOn(s.id)) {
            const v = st.volumes.get(from.volumeId);
            if (!v) continue;
            const to = st.newAttachment(v, s.id, t, {
              status: 'attached',
              attachMode: 'null',
              connection: 'full',
              attachedAt: t,
              host: dest,
              device: from.device,
            });
            moved.push({ from, to });
          }
        },
      },
      ...(o.computeLost
        ? [
            { wait: 6000 },
            {
              at: (t: number) => {
                // nova-compute restarted on the source: it clears the task, nobody moves the record on
                st.endRun(m, t);
                s.taskState = null;
                st.touch(s, t);
              },
            },
            { hold: true as const },
          ]
        : o.converge
          ? [{ wait: RUN_MS }, ...switchover()]
          : [{ hold: true as const }]),
    ],
    speed,
    now,
  );
  op.onSkip = (ms) => {
    if (m.run && m.run.endedAt === undefined) {
      m.run.startedAt -= ms;
      if (m.run.forced) m.run.forced.at -= ms;
    }
  };
  op.forceComplete = (at, userId) => {
    const a = st.startAction(s.id, 'live_migration_force_complete', at, userId);
    st.quickEvent(a, 'compute_live_migration_force_complete', source, at);
    const r = m.run;
    if (r && !r.forced) {
      st.sampleMemory(m, at);
      // the guest is paused: what remains is copied at once
      r.forced = { at, ms: 1000 / speed, ...memoryAt(r, at) };
    }
    op.program?.then([{ wait: 1000 }, ...switchover()], at);
  };
  op.abort = (at, userId) => {
    const a = st.startAction(s.id, 'live_migration_cancel', at, userId);
    const ev = st.startEvent(a, 'compute_live_migration_abort', source, at);
    op.program?.then(
      [
        { wait: 1000 },
        {
          at: (t) => {
            st.endRun(m, t);
            st.setMigration(m, 'cancelled', t);
            st.finishEvent(a, ev, t);
            for (const e of [pre, live]) if (e && e.finishTime === null) st.finishEvent(action, e, t);
            for (const { to } of moved) st.attachments.delete(to.id);
            s.taskState = null;
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
