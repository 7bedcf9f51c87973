import 'server-only';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import { AppError } from '@/lib/errors/app-error';
import type { Logger } from '@/lib/log/logger';
import { virshError } from './parse';

/**
 * One named virsh option, `--name=value`. virsh reads a bare argument that
 * starts with `--` as an option, and libvirt allows a domain called
 * `--pivot`: every name, path and URI is passed this way, never by position.
 */
export const opt = (name: string, value: string | number): string => `--${name}=${value}`;

/** The named options and bare flags of a virsh command line (the simulator reads commands with this). */
export function readOptions(args: readonly string[]): { options: Record<string, string>; flags: Set<string> } {
  const options: Record<string, string> = {};
  const flags = new Set<string>();
  for (const a of args) {
    const m = /^--([\w-]+)=(.*)$/s.exec(a);
    if (m) options[m[1]!] = m[2]!;
    else if (a.startsWith('--')) flags.add(a.slice(2));
  }
  return { options, flags };
}

/**
 * How the adapter reaches libvirt: virsh commands and the event stream, as
 * text in virsh's own formats. Real virsh, or the embedded simulator.
 */
export interface VirshTransport {
  run(args: string[]): Promise<string>;
  batch(commands: string[][]): Promise<string[]>;
  /** a command that runs until its operation ends (virsh migrate); settles then */
  background(args: string[]): Promise<void>;
  /** lines as `virsh event --all --loop --timestamp` prints them */
  watchEvents(onLine: (line: string) => void, log: Logger): { stop(): void };
}

const SEPARATOR = '@@phaseboard@@';

export interface VirshOptions {
  uri: string;
  timeoutMs: number;
  /** the virsh binary (tests and the simulator may point elsewhere) */
  bin?: string;
}

/** Quotes one argument for virsh's own command-line parser. */
function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}

/**
 * Runs virsh against one connection. `run` is one command and fails with
 * virsh's own error words; `batch` runs many in one virsh process (one
 * connection) and answers each one's output, empty where it failed.
 */
export class Virsh implements VirshTransport {
  constructor(private readonly o: VirshOptions) {}

  run(args: string[], timeoutMs = this.o.timeoutMs): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(this.o.bin ?? 'virsh', ['-q', '-c', this.o.uri, ...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const e = err as NodeJS.ErrnoException & { killed?: boolean };
        if (e.code === 'ENOENT') return reject(new AppError('engine_unreachable', `virsh is not installed (${this.o.bin ?? 'virsh'} not found)`));
        if (e.killed) return reject(new AppError('timeout', `virsh ${args[0]} on ${this.o.uri} took longer than ${timeoutMs} ms`));
        const message = virshError(stderr);
        const unreachable = /failed to connect|Failed to connect socket|unable to connect|End of file while reading/i.test(message);
        reject(new AppError(unreachable ? 'engine_unreachable' : 'engine_refused', `libvirt ${this.o.uri}: ${message}`, { engineMessage: message }));
      });
    });
  }

  async batch(commands: string[][]): Promise<string[]> {
    if (commands.length === 0) return [];
    // virsh exits with its last command's status: a closing `echo` keeps one domain gone meanwhile
    // (destroyed between the list and this batch) from failing the whole batch; its output is just empty
    const line = [...commands, ['echo']].map((c) => c.map(quote).join(' ')).join(` ; echo ${SEPARATOR} ; `);
    const out = await this.run([line]);
    const parts = out.split(SEPARATOR);
    return commands.map((_, i) => (parts[i] ?? '').replace(/^\n/, ''));
  }

  async background(args: string[]): Promise<void> {
    // A migration may take hours; its progress is polled, not waited for here.
    await this.run(args, 24 * 3600_000);
  }

  watchEvents(onLine: (line: string) => void, log: Logger): { stop(): void } {
    const watcher = new EventWatcher({ uri: this.o.uri, bin: this.o.bin, log, onLine });
    watcher.start();
    return { stop: () => watcher.stop() };
  }
}

/**
 * One long-running `virsh event --all --loop --timestamp` per connection:
 * pushes arrive within milliseconds instead of the next poll. Restarted with
 * backoff when virsh exits (daemon restart, connection lost).
 */
export class EventWatcher {
  private child: ChildProcess | null = null;
  private stopped = false;
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: { uri: string; bin?: string; log: Logger; onLine: (line: string) => void }) {}

  start(): void {
    this.stopped = false;
    this.spawn();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.child?.kill();
    this.child = null;
  }

  private spawn(): void {
    const child = spawn(this.o.bin ?? 'virsh', ['-c', this.o.uri, 'event', '--all', '--loop', '--timestamp'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      this.failures = 0;
      this.o.onLine(line);
    });
    let stderr = '';
    // only the tail is kept: a stream that runs for weeks must not grow it without bound
    child.stderr?.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-2000)));
    child.on('error', (e) => this.o.log.warn({ err: e.message, uri: this.o.uri }, 'virsh event could not start'));
    child.on('close', () => {
      if (this.stopped) return;
      this.failures += 1;
      const wait = Math.min(30_000, 500 * 2 ** Math.min(this.failures, 6));
      this.o.log.warn({ uri: this.o.uri, stderr: stderr.trim().slice(-300), retryInMs: wait }, 'virsh event stream ended; reconnecting');
      this.timer = setTimeout(() => this.spawn(), wait);
      this.timer.unref();
    });
  }
}
