import 'server-only';
import { execFile } from 'node:child_process';
import { AppError } from '@/lib/errors/app-error';
import type { Logger } from '@/lib/log/logger';
import { EventWatcher } from './events';
import { virshError } from './parse';

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
    const line = commands.map((c) => c.map(quote).join(' ')).join(` ; echo ${SEPARATOR} ; `);
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
