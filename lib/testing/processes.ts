import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

/** A free loopback port (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface Started {
  child: ChildProcess;
  /** everything it printed so far */
  output(): string;
}

/** Starts a child and resolves once `ready` answers true (polled), or fails with its output. */
export async function startProcess(
  name: string,
  command: string,
  args: string[],
  env: Record<string, string>,
  /** asked until it says true; gets what the child printed so far */
  ready: (output: string) => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<Started> {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (output += b.toString()));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output}`);
    if (await ready(output).catch(() => false)) return { child, output: () => output };
    await sleep(250);
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not become ready in ${timeoutMs} ms:\n${output}`);
}

/** Runs a child to its end (or kills it after timeoutMs); answers its exit code and output. */
export function runToCompletion(
  command: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr?.on('data', (b: Buffer) => (output += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Stops a child with SIGTERM and waits until it is gone. */
export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Resident memory of a process and all its descendants, in bytes (Linux /proc). */
export function treeRss(rootPid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // the command name may hold spaces; fields after ") " are fixed
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  let total = 0;
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      total += Number(m?.[1] ?? 0) * 1024;
    } catch {
      // gone
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/**
 * The standalone oVirt simulator (`npm run sim`) as a child process on a
 * port, for tests and the bench that point a phaseboard at it by URL.
 * Server modules import `server-only`, which loads under the react-server
 * condition only: the simulator runs with it, as Next.js runs them.
 */
export function startOvirtSimulator(port: number, password: string, env: Record<string, string> = {}): Promise<Started> {
  const base = `http://127.0.0.1:${port}`;
  return startProcess(
    'simulator',
    process.execPath,
    ['--conditions=react-server', '--import', 'tsx', 'lib/engines/ovirt/sim/cli.ts'],
    { SIM_PORT: String(port), SIM_MIX: '0', SIM_PASSWORD: password, ...env },
    async () => (await fetch(`${base}/sim/stats`)).ok,
  );
}
