/**
 * `npm run bench`: phaseboard's speed and memory figures, printed.
 *
 * Starts the standalone oVirt simulator and a production phaseboard pointed at
 * it by URL (three processes, as in a real deployment), then for each number
 * of active transfers measures:
 *  - phase latency: the simulator's phase change (its own clock) → the same
 *    change arriving at an SSE client of /api/stream;
 *  - discovery latency: the same for a new operation's first phase (found by
 *    the change check while idle, by the fast poll while busy);
 *  - engine load: requests phaseboard sent to the engine per minute: full
 *    lists, change checks (GET /events) and the rest;
 *  - server RSS.
 * Then the collector's write path alone (ingestion: phase events per second
 * written and broadcast).
 *
 * BENCH_SIZES=1,100,1000  BENCH_WINDOW_S=60  BENCH_WARMUP_S=30  BENCH_IDLE_S=40  BENCH_CPU_PROF=<dir>
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { measureIngestion } from './ingest';
import { freePort, sleep, startOvirtSimulator, startProcess, treeRss } from '@/lib/testing/processes';
import { readEventStream, type ReceivedEvent } from './sse-reader';

const env = process.env;
const SIZES = (env.BENCH_SIZES ?? '1,100,1000').split(',').map(Number);
const WINDOW_S = Number(env.BENCH_WINDOW_S ?? 60);
const WARMUP_S = Number(env.BENCH_WARMUP_S ?? 30);
const IDLE_S = Number(env.BENCH_IDLE_S ?? 40);
const CONNECTION = 'bench';

interface RunFigures {
  label: string;
  active: number;
  phaseChanges: number;
  seen: number;
  /** phase changes of operations phaseboard already tracks */
  p50: number | null;
  p99: number | null;
  /** new operations in the window (their first phase) */
  newOps: number;
  newSeen: number;
  /** a new operation's first phase: found by the change check while idle, by the fast poll while busy */
  firstP50: number | null;
  firstP99: number | null;
  listPerMin: number;
  /** the cheap change checks (oVirt's audit log, GET /events) */
  checkPerMin: number;
  otherPerMin: number;
  streamPerSec: number;
  rssMiB: number;
}

type SimStats = { requests: number; byRoute: Record<string, number> };
type SimTransfers = { transfers: { id: string; history: { phase: string; at: number }[] }[] };

const mib = (b: number) => Math.round(b / 1024 / 1024);
const BENCH_TOKEN = 'bench-token-0123456789abcdef0123';

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
}

async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

async function main() {
  if (!fs.existsSync('.next/BUILD_ID')) {
    console.log('bench: no production build yet; running next build');
    execFileSync('npx', ['next', 'build'], { stdio: 'inherit' });
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'phaseboard-bench-'));
  const simPort = await freePort();
  const webPort = await freePort();
  const simBase = `http://127.0.0.1:${simPort}`;
  const web = `http://127.0.0.1:${webPort}`;
  const children: ChildProcess[] = [];
  const stopAll = () => children.forEach((c) => c.kill('SIGTERM'));
  process.on('exit', stopAll);

  try {
    const sim = await startOvirtSimulator(simPort, 'bench-password');
    children.push(sim.child);
    const server = await startProcess(
      'phaseboard',
      process.execPath,
      // BENCH_CPU_PROF=<dir>: phaseboard writes a CPU profile there when it stops (chrome://inspect reads it)
      [...(env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${env.BENCH_CPU_PROF}`] : []), 'scripts/start.mjs'],
      {
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(webPort),
        // the bench reads the stream as a script would: with an API token
        PHASEBOARD_ADMIN_TOKEN: BENCH_TOKEN,
        PHASEBOARD_SIMULATOR: 'off',
        PHASEBOARD_DATA_DIR: dataDir,
        PHASEBOARD_LOG_LEVEL: 'warn',
        PHASEBOARD_OVIRT_ID: CONNECTION,
        PHASEBOARD_OVIRT_URL: `${simBase}/ovirt-engine`,
        PHASEBOARD_OVIRT_INSECURE: 'true',
        PHASEBOARD_OVIRT_USERNAME: 'admin@internal',
        PHASEBOARD_OVIRT_PASSWORD: 'bench-password',
      },
      async () => (await fetch(`${web}/api/health`)).ok,
    );
    children.push(server.child);
    const serverPid = server.child.pid!;

    // Everything the stream delivers, and every phase the simulator went through.
    const arrivals = new Map<string, number>();
    const arrivalCount = new Map<string, number>();
    const streamTimes: number[] = [];
    const stream = readEventStream(`${web}/api/stream`, BENCH_TOKEN, (e: ReceivedEvent) => {
      if (e.id !== null) streamTimes.push(e.receivedAt);
      if (e.event !== 'timeline') return;
      const ev = JSON.parse(e.data) as { operationId: string; entry: { type: string; nativePhase?: string; to?: string } };
      const phase = ev.entry.type === 'observed' ? ev.entry.nativePhase : ev.entry.type === 'phase' ? ev.entry.to : undefined;
      if (!phase || !ev.operationId.startsWith(`${CONNECTION}:`)) return;
      const base = `${ev.operationId.slice(CONNECTION.length + 1)}|${phase}`;
      const k = (arrivalCount.get(base) ?? 0) + 1;
      arrivalCount.set(base, k);
      arrivals.set(`${base}|${k}`, e.receivedAt);
    });
    void stream.done.catch((err: unknown) => {
      console.error(`bench: the event stream broke: ${String(err)}`);
      process.exit(1);
    });
    const simPhases = new Map<string, { at: number; first: boolean }>();
    const collectSim = async () => {
      const { transfers } = await getJson<SimTransfers>(`${simBase}/sim/transfers`);
      for (const t of transfers) {
        const count = new Map<string, number>();
        t.history.forEach((h, i) => {
          const k = (count.get(h.phase) ?? 0) + 1;
          count.set(h.phase, k);
          simPhases.set(`${t.id}|${h.phase}|${k}`, { at: h.at, first: i === 0 });
        });
      }
    };
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        await collectSim().catch(() => undefined);
        await sleep(500);
      }
    })();

    const measure = async (label: string, active: number, windowS: number): Promise<RunFigures> => {
      const before = await getJson<SimStats>(`${simBase}/sim/stats`);
      const from = Date.now();
      await sleep(windowS * 1000);
      const to = Date.now();
      const after = await getJson<SimStats>(`${simBase}/sim/stats`);
      await collectSim();
      await sleep(3000); // let changes from the window's last second arrive
      const lat: number[] = [];
      const firstLat: number[] = [];
      let phaseChanges = 0;
      let newOps = 0;
      for (const [key, { at, first }] of simPhases) {
        if (at < from || at >= to) continue;
        if (first) newOps += 1;
        else phaseChanges += 1;
        const got = arrivals.get(key);
        if (got !== undefined) (first ? firstLat : lat).push(got - at);
      }
      lat.sort((a, b) => a - b);
      firstLat.sort((a, b) => a - b);
      const delta = (route: string) => (after.byRoute[route] ?? 0) - (before.byRoute[route] ?? 0);
      const list = delta('GET /imagetransfers');
      const check = delta('GET /events');
      const all = after.requests - before.requests;
      const minutes = (to - from) / 60_000;
      const inWindow = streamTimes.filter((t) => t >= from && t < to).length;
      return {
        label,
        active,
        phaseChanges,
        seen: lat.length,
        p50: percentile(lat, 50),
        p99: percentile(lat, 99),
        newOps,
        newSeen: firstLat.length,
        firstP50: percentile(firstLat, 50),
        firstP99: percentile(firstLat, 99),
        listPerMin: list / minutes,
        checkPerMin: check / minutes,
        otherPerMin: (all - list - check) / minutes,
        streamPerSec: inWindow / ((to - from) / 1000),
        rssMiB: mib(treeRss(serverPid)),
      };
    };

    const runs: RunFigures[] = [];
    console.log(`bench: idle for ${IDLE_S} s`);
    await sleep(12_000); // past the first fast polls after start
    runs.push(await measure('idle', 0, IDLE_S));
    for (const n of SIZES) {
      console.log(`bench: ${n} active transfers (warm-up ${WARMUP_S} s, window ${WINDOW_S} s)`);
      await getJson(`${simBase}/sim/mix`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ active: n }) });
      await sleep(WARMUP_S * 1000);
      runs.push(await measure(`${n} active`, n, WINDOW_S));
    }
    sampling = false;
    await sampler;
    stream.close();
    stopAll();

    console.log('bench: ingestion (collector write path, 1,000 operations changing phase every cycle)');
    const ingest = await measureIngestion(fs.mkdtempSync(path.join(os.tmpdir(), 'phaseboard-ingest-')));
    report(runs, ingest);
  } finally {
    stopAll();
  }
}

function report(runs: RunFigures[], ingest: Awaited<ReturnType<typeof measureIngestion>>) {
  const ms = (v: number | null) => (v === null ? '–' : `${v} ms`);
  const lines = [
    '| load | phase changes in window (seen) | phase latency p50 | p99 | new operations (seen) | discovery p50 | p99 | list calls/min | change checks/min | other engine calls/min | SSE messages/s | server RSS |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...runs.map(
      (r) =>
        `| ${r.label} | ${r.phaseChanges} (${r.seen}) | ${ms(r.p50)} | ${ms(r.p99)} | ${r.newOps} (${r.newSeen}) | ${ms(r.firstP50)} | ${ms(r.firstP99)} | ` +
        `${r.listPerMin.toFixed(1)} | ${r.checkPerMin.toFixed(1)} | ${r.otherPerMin.toFixed(1)} | ${r.streamPerSec.toFixed(1)} | ${r.rssMiB} MiB |`,
    ),
  ];
  console.log(`\n${lines.join('\n')}\n`);
  const perSec = ingest.phaseEvents / ingest.seconds;
  console.log(
    `ingestion: ${ingest.phaseEvents} phase events (+ ${ingest.messages - ingest.phaseEvents} operation updates) written and broadcast in ` +
      `${ingest.seconds.toFixed(2)} s = ${Math.round(perSec)} phase events/s (${Math.round(ingest.messages / ingest.seconds)} messages/s)`,
  );
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
}

await main();
process.exit(0);
