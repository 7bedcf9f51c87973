import 'server-only';
import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import type { Logger } from '@/lib/log/logger';

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
    child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()).slice(-2000));
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
