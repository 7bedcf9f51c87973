import 'server-only';
import { simMachineName } from '../../sim-names';
import { findLibvirtScenario, LIBVIRT_SCENARIOS, type LibvirtScenario } from './scenarios';

type BlockScenario = Extract<LibvirtScenario, { job: 'copy' | 'pull' | 'active-commit' }>;
type MigrationScenario = Extract<LibvirtScenario, { job: 'migration' }>;

const JOB_TYPE = { copy: 'Block Copy', pull: 'Block Pull', 'active-commit': 'Active Block Commit' } as const;
/** the downtime budget: when one more pass fits in it, the migration completes */
const DOWNTIME_BUDGET_S = 0.3;
const PAGE = 4096;

export interface SimBlockJob {
  scenario: BlockScenario;
  type: (typeof JOB_TYPE)[keyof typeof JOB_TYPE];
  mirror: string | null;
  size: number;
  /** bytes per second at speed 1 */
  bandwidth: number;
  cur: number;
  at: number;
  readyAt: number | null;
}

export interface SimMigration {
  scenario: MigrationScenario;
  startedAt: number;
  bandwidth: number;
  dirtyRate: number;
  ram: number;
  iteration: number;
  iterStartedAt: number;
  /** bytes this pass has to send */
  iterBytes: number;
  /** bytes sent by finished passes */
  sentBefore: number;
  postcopy: boolean;
}

export interface SimDomain {
  name: string;
  /** an idle domain kept for operators to start copies and migrations on */
  keep: boolean;
  disk: { target: 'vda'; source: string; format: 'qcow2' };
  job: SimBlockJob | null;
  migration: SimMigration | null;
  speed: number;
}

/**
 * The simulated libvirt host: domains, their block jobs and migrations,
 * advanced lazily from a clock, and the event lines a real libvirtd would
 * send. The transport renders it in virsh's formats.
 */
export class SimLibvirtHost {
  readonly domains = new Map<string, SimDomain>();
  private readonly listeners = new Set<(line: string) => void>();
  private seq = 0;
  /** until then libvirtd does not answer, as one restarting would */
  private outageUntil = 0;

  constructor(readonly now: () => number = Date.now) {}

  /** libvirtd stops answering for a while; answers until when. */
  startOutage(seconds: number): string {
    this.outageUntil = this.now() + seconds * 1000;
    return new Date(this.outageUntil).toISOString();
  }

  /** libvirtd answers again (an outage ends before its time). */
  endOutage(): void {
    this.outageUntil = 0;
  }

  /** whether libvirtd is down now */
  get down(): boolean {
    return this.now() < this.outageUntil;
  }

  onEventLine(listener: (line: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  scenarios(): readonly LibvirtScenario[] {
    return LIBVIRT_SCENARIOS;
  }

  /** Starts a scenario on a new domain; answers the domain name. */
  startScenario(id: string, options: { speed?: number } = {}): SimDomain {
    const scenario = findLibvirtScenario(id);
    if (!scenario) throw new Error(`unknown scenario ${id}; known: ${LIBVIRT_SCENARIOS.map((s) => s.id).join(', ')}`);
    this.seq += 1;
    const name = simMachineName(this.seq);
    const speed = options.speed ?? 1;
    const t = this.now();
    const d: SimDomain = {
      name,
      keep: false,
      disk: { target: 'vda', source: `/var/lib/libvirt/images/${name}.qcow2`, format: 'qcow2' },
      job: null,
      migration: null,
      speed,
    };
    if (scenario.job === 'migration') {
      d.migration = {
        scenario,
        startedAt: t,
        bandwidth: scenario.bandwidth,
        dirtyRate: scenario.dirtyRate,
        ram: scenario.ramBytes,
        iteration: 1,
        iterStartedAt: t,
        iterBytes: scenario.ramBytes,
        sentBefore: 0,
        postcopy: false,
      };
    } else {
      const mirror =
        scenario.job === 'copy'
          ? `/var/lib/libvirt/images/${name}-copy.qcow2`
          : scenario.job === 'active-commit'
            ? `/var/lib/libvirt/images/${name}-base.qcow2`
            : null;
      d.job = { scenario, type: JOB_TYPE[scenario.job], mirror, size: scenario.sizeBytes, bandwidth: scenario.bandwidth, cur: 0, at: t, readyAt: null };
    }
    this.domains.set(name, d);
    // libvirtd announces a domain it starts; a copy's start has no event of its own
    this.emit(t, name, 'lifecycle', 'Started Booted');
    if (d.migration) this.emitFirstIteration(d.name, t);
    return d;
  }

  /** An idle domain to start copies and migrations on from phaseboard. */
  addIdleDomain(name: string): SimDomain {
    const d: SimDomain = {
      name,
      keep: true,
      disk: { target: 'vda', source: `/var/lib/libvirt/images/${name}.qcow2`, format: 'qcow2' },
      job: null,
      migration: null,
      speed: 1,
    };
    this.domains.set(name, d);
    return d;
  }

  /** virsh blockcopy on a domain: the copy waits for an operator once ready. */
  startCopy(d: SimDomain, target: string, bandwidthMiBs: number | null): string | null {
    this.advance();
    if (d.job) return `block copy still active: disk 'vda' already in active block job`;
    const scenario = { ...findLibvirtScenario('copy-awaits-pivot'), id: 'operator-copy' } as BlockScenario;
    const bandwidth = (bandwidthMiBs ?? 200) * 1024 * 1024;
    d.job = { scenario, type: 'Block Copy', mirror: target, size: 2 * 1024 ** 3, bandwidth, cur: 0, at: this.now(), readyAt: null };
    return null;
  }

  /** virsh migrate from a domain: a guest that converges in a few passes. */
  startMigration(d: SimDomain, bandwidthMiBs: number | null): string | null {
    this.advance();
    if (d.migration) return `operation invalid: domain is already being migrated`;
    const scenario = findLibvirtScenario('migration-converging') as MigrationScenario;
    const bandwidth = (bandwidthMiBs ?? 300) * 1024 * 1024;
    const t = this.now();
    d.migration = {
      scenario,
      startedAt: t,
      bandwidth,
      dirtyRate: 40 * 1024 * 1024,
      ram: 4 * 1024 ** 3,
      iteration: 1,
      iterStartedAt: t,
      iterBytes: 4 * 1024 ** 3,
      sentBefore: 0,
      postcopy: false,
    };
    this.emitFirstIteration(d.name, t);
    return null;
  }

  /** Plays the next `ms` of one domain's job or migration at once; false when the domain has neither. */
  skip(name: string, ms: number): boolean {
    this.advance();
    const d = this.domains.get(name);
    if (!d || (!d.job && !d.migration)) return false;
    if (d.job) {
      d.job.at -= ms;
      if (d.job.readyAt !== null) d.job.readyAt -= ms;
    }
    if (d.migration) {
      d.migration.startedAt -= ms;
      d.migration.iterStartedAt -= ms;
    }
    this.advance();
    return true;
  }

  /** Moves every domain on to now, sending the events that happen on the way. */
  advance(): void {
    const now = this.now();
    for (const d of [...this.domains.values()]) {
      this.advanceJob(d, now);
      this.advanceMigration(d, now);
    }
  }

  pivot(d: SimDomain): string | null {
    this.advance();
    const j = d.job;
    if (!j) return `invalid argument: disk vda does not have an active block job`;
    if (j.readyAt === null) return `block copy still active: disk 'vda' not ready for pivot yet`;
    if (j.mirror && j.scenario.job === 'copy') d.disk.source = j.mirror;
    d.job = null;
    this.emitBlock(d, j, 'completed', this.now());
    return null;
  }

  abortJob(d: SimDomain): string | null {
    this.advance();
    const j = d.job;
    if (!j) return `invalid argument: disk vda does not have an active block job`;
    d.job = null;
    this.emitBlock(d, j, 'canceled', this.now());
    return null;
  }

  abortMigration(d: SimDomain): string | null {
    this.advance();
    if (!d.migration) return `operation invalid: no job is active on the domain`;
    d.migration = null;
    return null;
  }

  setSpeed(d: SimDomain, mibs: number): string | null {
    this.advance();
    if (!d.migration) return `operation invalid: no job is active on the domain`;
    this.restartPass(d.migration, this.now(), d.speed);
    d.migration.bandwidth = mibs * 1024 * 1024;
    return null;
  }

  postcopy(d: SimDomain): string | null {
    this.advance();
    if (!d.migration) return `operation invalid: no job is active on the domain`;
    d.migration.postcopy = true;
    return null;
  }

  private advanceJob(d: SimDomain, now: number): void {
    const j = d.job;
    if (!j) return;
    const rate = (j.bandwidth * d.speed) / 1000;
    const reachesEndAt = j.at + Math.max(0, j.size - j.cur) / rate;
    const cancelAt = j.scenario.cancelAtFraction !== undefined ? j.at + Math.max(0, j.scenario.cancelAtFraction * j.size - j.cur) / rate : Infinity;
    if (cancelAt <= now && cancelAt < reachesEndAt) {
      j.cur = Math.floor(j.scenario.cancelAtFraction! * j.size);
      d.job = null;
      return this.emitBlock(d, j, 'canceled', cancelAt);
    }
    j.cur = Math.min(j.size, Math.floor(j.cur + (now - j.at) * rate));
    j.at = now;
    if (j.cur < j.size) return;
    if (j.scenario.job === 'pull') {
      d.job = null;
      return this.emitBlock(d, j, 'completed', reachesEndAt);
    }
    if (j.readyAt === null) {
      j.readyAt = Math.min(reachesEndAt, now);
      this.emitBlock(d, j, 'ready', j.readyAt);
    }
    const w = j.scenario.whenReady;
    if (w.action !== 'wait' && now >= j.readyAt + w.afterMs / d.speed) {
      if (w.action === 'pivot' && j.mirror && j.scenario.job === 'copy') d.disk.source = j.mirror;
      d.job = null;
      this.emitBlock(d, j, w.action === 'pivot' ? 'completed' : 'canceled', j.readyAt + w.afterMs / d.speed);
    }
  }

  private advanceMigration(d: SimDomain, now: number): void {
    const m = d.migration;
    if (!m) return;
    for (let guard = 0; guard < 1000; guard++) {
      const rate = (m.bandwidth * d.speed) / 1000;
      const passEnds = m.iterStartedAt + m.iterBytes / rate;
      if (passEnds > now && !m.postcopy) return;
      const end = m.postcopy ? now : passEnds;
      m.sentBefore += m.iterBytes;
      // what the guest dirtied while this pass ran (in scenario time, so speed cancels out)
      const dirty = m.postcopy ? 0 : Math.min(m.ram, Math.floor((m.dirtyRate * m.iterBytes) / m.bandwidth));
      if (m.postcopy || dirty <= m.bandwidth * DOWNTIME_BUDGET_S) return this.completeMigration(d, m, end, dirty);
      if (m.scenario.abortAfterIterations !== undefined && m.iteration >= m.scenario.abortAfterIterations) {
        d.migration = null; // the client gave up: the domain stays here
        return;
      }
      m.iteration += 1;
      m.iterStartedAt = end;
      m.iterBytes = dirty;
      this.emit(end, d.name, 'migration-iteration', `iteration: '${m.iteration}'`);
    }
  }

  /** After a speed change the pass goes on from where it is, at the new rate. */
  private restartPass(m: SimMigration, now: number, speed: number): void {
    const sent = Math.min(m.iterBytes, ((now - m.iterStartedAt) * m.bandwidth * speed) / 1000);
    m.sentBefore += sent;
    m.iterBytes -= sent;
    m.iterStartedAt = now;
  }

  private completeMigration(d: SimDomain, m: SimMigration, at: number, lastPass: number): void {
    this.domains.delete(d.name);
    const elapsed = Math.round(at - m.startedAt);
    const processed = m.sentBefore + lastPass;
    this.emit(at, d.name, 'lifecycle', 'Suspended Migrated');
    this.emit(at, d.name, 'job-completed', '', [
      ['operation', 5],
      ['time_elapsed', elapsed],
      ['downtime', Math.max(1, Math.round((lastPass / m.bandwidth) * 1000))],
      ['data_total', m.ram],
      ['data_processed', processed],
      ['data_remaining', 0],
      ['memory_bps', Math.round(m.bandwidth)],
      ['memory_dirty_rate', Math.round(m.dirtyRate / PAGE)],
      ['memory_iteration', m.iteration + 1],
    ]);
    this.emit(at, d.name, 'lifecycle', 'Stopped Migrated');
  }

  /** libvirtd 9.0 sends iteration '1' as the first pass starts (about 1 s after `virsh migrate`, once set up). */
  private emitFirstIteration(domain: string, at: number): void {
    this.emit(at, domain, 'migration-iteration', "iteration: '1'");
  }

  private emitBlock(d: SimDomain, j: SimBlockJob, status: string, at: number): void {
    this.emit(at, d.name, 'block-job', `${j.type} for ${d.disk.source} ${status}`);
    this.emit(at, d.name, 'block-job-2', `${j.type} for vda ${status}`);
  }

  private emit(at: number, domain: string, name: string, text: string, stats?: [string, number][]): void {
    const stamp = new Date(at).toISOString().replace('T', ' ').replace('Z', '+0000');
    const lines = [`${stamp}: event '${name}' for domain '${domain}':${text ? ` ${text}` : ''}`, ...(stats ?? []).map(([k, v]) => `\t${k}: ${v}`)];
    for (const l of this.listeners) for (const line of lines) l(line);
  }
}
