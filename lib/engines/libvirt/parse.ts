import 'server-only';
import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';
import { AppError } from '@/lib/errors/app-error';

/**
 * Every virsh output phaseboard reads, parsed in one place (fixtures beside
 * it). virsh prints for people; where it has a --raw form we use it.
 */

/** `virsh list --name`: one domain per line. */
export function parseDomainNames(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

export const BLOCK_JOB_TYPES = ['Block Copy', 'Block Pull', 'Block Commit', 'Active Block Commit'] as const;
export type BlockJobType = (typeof BLOCK_JOB_TYPES)[number];

export interface BlockJobInfo {
  type: BlockJobType | string;
  /** MiB/s; 0 is unlimited */
  bandwidthMiBs: number;
  cur: number;
  end: number;
}

/** `virsh blockjob DOM DISK --raw`: ` type=Block Copy` … lines; empty when there is no job. */
export function parseBlockJobRaw(text: string): BlockJobInfo | null {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*([a-z]+)=(.*)$/.exec(line);
    if (m) fields.set(m[1]!, m[2]!.trim());
  }
  if (fields.size === 0) return null;
  const num = (k: string) => {
    const v = Number(fields.get(k));
    if (!Number.isFinite(v)) throw new AppError('engine_payload', `unexpected virsh blockjob --raw output: ${k}=${fields.get(k) ?? '(missing)'}`);
    return v;
  };
  return { type: fields.get('type') ?? 'unknown', bandwidthMiBs: num('bandwidth'), cur: num('cur'), end: num('end') };
}

export interface DomainDisk {
  target: string;
  device: string;
  source: string | null;
  format: string | null;
  /** a block copy's destination while the job runs */
  mirror: { file: string; format: string | null; job: string; ready: boolean } | null;
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => name === 'disk' });
const DiskXml = z.object({
  device: z.string().optional(),
  driver: z.object({ type: z.string().optional() }).optional(),
  source: z.object({ file: z.string().optional(), dev: z.string().optional(), name: z.string().optional() }).optional(),
  target: z.object({ dev: z.string() }),
  mirror: z
    .object({
      file: z.string().optional(),
      // libvirt writes the format twice, as an attribute and as a <format type=…/> child (newer versions), which the parser merges
      format: z.unknown().optional(),
      job: z.string().optional(),
      ready: z.string().optional(),
      source: z.object({ file: z.string().optional() }).optional(),
    })
    .optional(),
});

/** The disks of `virsh dumpxml DOM` (live XML), with the mirror of a running copy. */
export function parseDomainDisks(text: string): DomainDisk[] {
  const doc = xml.parse(text) as { domain?: { devices?: { disk?: unknown[] } } };
  const disks = doc.domain?.devices?.disk ?? [];
  return disks.map((raw) => {
    const r = DiskXml.safeParse(raw);
    if (!r.success)
      throw new AppError(
        'engine_payload',
        `unexpected disk in libvirt domain XML: ${r.error.issues[0]?.path.join('.') ?? ''}: ${r.error.issues[0]?.message ?? ''}`,
      );
    const d = r.data;
    const mirror = d.mirror
      ? { file: d.mirror.file ?? d.mirror.source?.file ?? '', format: formatOf(d.mirror.format), job: d.mirror.job ?? 'copy', ready: d.mirror.ready === 'yes' }
      : null;
    return {
      target: d.target.dev,
      device: d.device ?? 'disk',
      source: d.source?.file ?? d.source?.dev ?? d.source?.name ?? null,
      format: d.driver?.type ?? null,
      mirror,
    };
  });
}

/** The mirror's format, whichever way the XML says it: `format='raw'`, `<format type='raw'/>`, or both. */
function formatOf(v: unknown): string | null {
  for (const x of Array.isArray(v) ? v : [v]) {
    if (typeof x === 'string' && x) return x;
    if (x && typeof x === 'object' && typeof (x as { type?: unknown }).type === 'string') return (x as { type: string }).type;
  }
  return null;
}

/**
 * Every file or device a domain's XML names as storage: disk sources, their
 * backing chains and copy mirrors (a copy must never be written over one).
 */
export function storagePathsInXml(text: string): string[] {
  return [...text.matchAll(/<source\b[^>]*?\b(?:file|dev)=(['"])([^'"]+)\1/g)]
    .map((m) => m[2]!)
    .concat([...text.matchAll(/<mirror\b[^>]*?\bfile=(['"])([^'"]+)\1/g)].map((m) => m[2]!));
}

/** `virsh domblklist DOM --details`: Type Device Target Source. */
export function parseDomBlkList(text: string): { type: string; device: string; target: string; source: string | null }[] {
  return (
    text
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      // the header and its rule are there unless virsh ran with -q
      .filter((cols) => cols.length >= 3 && cols[0] !== 'Type' && !cols[0]!.startsWith('---'))
      .map(([type = '', device = '', target = '', ...rest]) => ({ type, device, target, source: rest.length && rest[0] !== '-' ? rest.join(' ') : null }))
  );
}

const UNITS: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };

export interface DomJobInfo {
  jobType: string;
  operation: string;
  elapsedMs: number | null;
  dataProcessed: number | null;
  dataRemaining: number | null;
  dataTotal: number | null;
  /** bytes per second */
  memoryBandwidth: number | null;
  dirtyRatePagesPerS: number | null;
  pageSize: number | null;
  iteration: number | null;
  postcopyRequests: number | null;
  expectedDowntimeMs: number | null;
}

/** `virsh domjobinfo DOM` (libvirt 9 has no --raw here): `Key: value [unit]` lines; null for "Job type: None". */
export function parseDomJobInfo(text: string): DomJobInfo | null {
  const f = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) f.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  const jobType = f.get('Job type');
  if (!jobType || jobType === 'None') return null;
  const bytes = (k: string) => {
    const m = /^([\d.]+)\s*(B|KiB|MiB|GiB|TiB)(\/s)?$/.exec(f.get(k) ?? '');
    return m ? Math.round(Number(m[1]) * UNITS[m[2]!]!) : null;
  };
  const number = (k: string) => {
    const m = /^([\d.]+)/.exec(f.get(k) ?? '');
    return m ? Number(m[1]) : null;
  };
  return {
    jobType,
    operation: f.get('Operation') ?? 'unknown',
    elapsedMs: number('Time elapsed'),
    dataProcessed: bytes('Data processed'),
    dataRemaining: bytes('Data remaining'),
    dataTotal: bytes('Data total'),
    memoryBandwidth: bytes('Memory bandwidth'),
    dirtyRatePagesPerS: number('Dirty rate'),
    pageSize: number('Page size'),
    iteration: number('Iteration'),
    postcopyRequests: number('Postcopy requests'),
    expectedDowntimeMs: number('Expected downtime'),
  };
}

export type VirshEvent =
  | { at: string; domain: string; type: 'block-job-2'; disk: string; job: string; status: 'ready' | 'completed' | 'canceled' | 'failed' | string }
  | { at: string; domain: string; type: 'migration-iteration'; iteration: number }
  | { at: string; domain: string; type: 'lifecycle'; event: string; detail: string }
  | { at: string; domain: string; type: 'job-completed'; stats: Record<string, number> }
  | { at: string; domain: string; type: 'other'; name: string; text: string };

const EVENT_LINE = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+[+-]\d{4}): event '([a-z0-9-]+)' for domain '([^']+)':?\s?(.*)$/;

/**
 * Reads `virsh event --all --loop --timestamp` line by line. `job-completed`
 * continues on tab-indented `key: value` lines; it is emitted when the next
 * non-indented line (or flush) arrives.
 */
export class EventLineParser {
  private pending: Extract<VirshEvent, { type: 'job-completed' }> | null = null;

  constructor(private readonly emit: (e: VirshEvent) => void) {}

  push(line: string): void {
    if (this.pending && /^\t/.test(line)) {
      const m = /^\t([a-z_]+):\s*(-?\d+)/.exec(line);
      if (m) this.pending.stats[m[1]!] = Number(m[2]);
      return;
    }
    this.flush();
    const m = EVENT_LINE.exec(line);
    if (!m) return; // "events received: N", errors: the process watcher reports those
    const [, stamp = '', name = '', domain = '', rest = ''] = m;
    const at = new Date(stamp.replace(' ', 'T').replace(/([+-]\d\d)(\d\d)$/, '$1:$2')).toISOString();
    if (name === 'block-job-2') {
      const b = /^(.+) for (\S+) (\S+)$/.exec(rest);
      if (b) return this.emit({ at, domain, type: 'block-job-2', job: b[1]!, disk: b[2]!, status: b[3]! });
    }
    if (name === 'migration-iteration') {
      const it = /iteration: '(\d+)'/.exec(rest);
      if (it) return this.emit({ at, domain, type: 'migration-iteration', iteration: Number(it[1]) });
    }
    if (name === 'lifecycle') {
      const [event = '', ...detail] = rest.split(' ');
      return this.emit({ at, domain, type: 'lifecycle', event, detail: detail.join(' ') });
    }
    if (name === 'job-completed') {
      this.pending = { at, domain, type: 'job-completed', stats: {} };
      return;
    }
    this.emit({ at, domain, type: 'other', name, text: rest });
  }

  flush(): void {
    const p = this.pending;
    this.pending = null;
    if (p) this.emit(p);
  }
}

/** virsh's one-line error (`error: …`), without the prefix, for the operator. */
export function virshError(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('error:'))
    .map((l) => l.replace(/^error:\s*/, ''));
  return lines.at(-1) ?? (stderr.trim() || 'virsh failed');
}
