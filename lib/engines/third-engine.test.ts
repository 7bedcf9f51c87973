import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { engineList } from '@/lib/api/engines';
import { scenarioList, scenarioStart } from '@/lib/api/demo';
import { operationActionRequest, operationGet, operationList } from '@/lib/api/operations';
import { loadConfig } from '@/lib/config/load-config';
import { AppError } from '@/lib/errors/app-error';
import type { OperationSnapshot } from '@/lib/model/snapshot';
import { startRuntime, type Runtime } from '@/lib/runtime/runtime';
import { tempDir } from '@/lib/testing/temp-dir';
import { connectionFields } from './connection-schema';
import { describeAdapterContract } from './contract.suite';
import { defineEngine, type SimulatorSpec } from './module';
import { ENGINES } from './registry';
import type { EngineAdapter } from './types';

/**
 * An engine added without touching anything outside its own module: a toy
 * hypervisor whose migrations move one step each time the test says so.
 * The config, the API, the demo list, the filters and the actions take it
 * from the list of modules alone.
 */
class ToyHost {
  readonly jobs = new Map<string, { vm: string; phase: 'preparing' | 'copying' | 'done' | 'aborted'; percent: number }>();
  private seq = 0;
  start(vm: string): string {
    const id = `job-${++this.seq}`;
    this.jobs.set(id, { vm, phase: 'preparing', percent: 0 });
    return id;
  }
  step(): void {
    for (const j of this.jobs.values()) {
      if (j.phase === 'preparing') j.phase = 'copying';
      else if (j.phase === 'copying') j.percent = Math.min(100, j.percent + 50);
      if (j.phase === 'copying' && j.percent === 100) j.phase = 'done';
    }
  }
}

function toyAdapter(host: ToyHost): EngineAdapter {
  const snapshot = (id: string): OperationSnapshot | null => {
    const j = host.jobs.get(id);
    if (!j || j.phase === 'done' || j.phase === 'aborted') return null;
    return {
      nativeId: id,
      kind: 'live_migration',
      subject: { type: 'instance', id: j.vm, name: j.vm },
      nativePhase: j.phase,
      state: j.phase === 'preparing' ? 'pending' : 'running',
      progress: { unit: 'percent', done: j.percent, total: 100 },
      details: { vm: j.vm },
      related: [],
      startedAt: null,
    };
  };
  return {
    engine: 'toyhv',
    capabilities: { push: false },
    async listOperations() {
      return [...host.jobs.keys()].flatMap((id) => snapshot(id) ?? []);
    },
    async getOperation(id) {
      return snapshot(id);
    },
    async resolveVanished(op) {
      const j = host.jobs.get(op.nativeId);
      if (j?.phase === 'aborted') return { state: 'cancelled', message: `migration of ${j.vm} aborted; it stays where it was` };
      return j ? { state: 'succeeded', message: `${j.vm} migrated` } : { state: 'unknown', message: 'the toy host forgot this job' };
    },
    describeActions: (op) => [
      {
        name: 'abort',
        label: 'Abort',
        dangerous: true,
        effect: 'The toy host stops the migration.',
        ...(op.state === 'running' ? { enabled: true } : { enabled: false, reason: `abort needs a running migration; it is ${op.nativePhase}` }),
      },
    ],
    async performAction(op, req) {
      const j = host.jobs.get(op.nativeId);
      if (req.action !== 'abort') throw new AppError('unsupported', `toy migrations have no ${req.action} action`);
      if (!j || j.phase !== 'copying') throw new AppError('engine_refused', `toyhv: job ${op.nativeId} is not copying`);
      j.phase = 'aborted';
      return { ok: true, message: 'abort accepted' };
    },
    async close() {},
  };
}

const ToyConnection = z.object({ ...connectionFields, engine: z.literal('toyhv'), endpoint: z.url() }).strict();
type ToyConnection = z.infer<typeof ToyConnection>;
const hosts = new Map<string, ToyHost>();
const hostOf = (id: string) => hosts.get(id) ?? hosts.set(id, new ToyHost()).get(id)!;

const toySimulator: SimulatorSpec<ToyConnection> = {
  connectionId: 'sim-toyhv',
  scenarios: [
    {
      id: 'toy-migrate',
      title: 'Toy migration',
      description: 'Prepares, copies in two steps, done.',
      next: 'Open it and watch its two steps.',
      detail: 'migration',
      finalizeBy: null,
      tags: [],
    },
  ],
  async start() {
    const host = hostOf('sim-toyhv');
    return {
      connection: {
        id: 'sim-toyhv',
        engine: 'toyhv',
        endpoint: 'https://toy.invalid',
        pollIntervalMs: { fast: 1000, slow: 10_000 },
        timeoutMs: 15_000,
        simulated: true,
      },
      startScenario() {
        const id = host.start(`vm-${host.jobs.size + 1}`);
        return (op) => op.nativeId === id;
      },
      async stop() {},
    };
  },
};

const toyEngine = defineEngine({
  kind: 'toyhv',
  label: 'Toy hypervisor',
  connectionSchema: ToyConnection,
  resolve: (c) => ({ ...c, simulated: false }),
  redact: (c) => ({ id: c.id, engine: c.engine, endpoint: c.endpoint }),
  describe: (c) => ({ url: c.endpoint, insecure: false }),
  createAdapter: (c) => toyAdapter(hostOf(c.id)),
  testConnection: async () => {},
  capabilities: { push: false, inventory: false, start: [], addable: false, actions: { live_migration: [{ name: 'abort' }] } },
  details: { live_migration: [{ key: 'vm', label: 'Instance', unit: 'id', summary: true }] },
  triage: { rules: [], playbooks: [] },
  simulator: toySimulator,
  ui: {},
});

describe('a third engine, added as one module', () => {
  let rt: Runtime | undefined;
  afterEach(async () => {
    await rt?.stop();
    rt = undefined;
    hosts.clear();
  });

  function configDir(config: unknown) {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'phaseboard.config.json'), JSON.stringify(config));
    return dir;
  }
  const toyConfig = { engines: [{ id: 'toy-lab', engine: 'toyhv', endpoint: 'https://toy.example' }], simulator: { enabled: true, mix: 0 } };

  it('is a config error until its module is listed, then a connection like any other', () => {
    const dir = configDir(toyConfig);
    expect(() => loadConfig({}, dir)).toThrow(/engines\[0\]/);
    const config = loadConfig({}, dir, [...ENGINES, toyEngine]);
    expect(config.engines).toEqual([expect.objectContaining({ id: 'toy-lab', engine: 'toyhv', endpoint: 'https://toy.example' })]);
    expect(() => loadConfig({}, configDir({ engines: [{ id: 'toy-lab', engine: 'toyhv', endpoint: 'not a url' }] }), [...ENGINES, toyEngine])).toThrow(
      /engines\[0\]\.endpoint/,
    );
  });

  it('shows on the Engines page, the demo list, the engine filter, and takes its own actions', async () => {
    const dir = configDir(toyConfig);
    rt = await startRuntime(loadConfig({ PHASEBOARD_DATA_DIR: path.join(dir, 'data') }, dir, [...ENGINES, toyEngine]), { engines: [...ENGINES, toyEngine] });

    const engines = await engineList(rt);
    expect(engines.modules.map((m) => m.kind)).toEqual(['ovirt', 'libvirt', 'openstack', 'ganeti', 'toyhv']);
    expect(engines.engines.filter((c) => c.engine === 'toyhv').map((c) => [c.id, c.url])).toEqual([
      ['toy-lab', 'https://toy.example'],
      ['sim-toyhv', 'https://toy.invalid'],
    ]);
    expect(scenarioList(rt).scenarios).toContainEqual(expect.objectContaining({ id: 'toy-migrate', engine: 'toyhv', engineLabel: 'Toy hypervisor' }));

    // its simulator's scenario starts, and its operation is filtered by its engine
    const { operationId } = await scenarioStart(rt, 'toy-migrate', {});
    const toyOps = await operationList(rt, new URLSearchParams({ engine: 'toyhv' }));
    expect(toyOps.items.map((o) => [o.id, o.kind, o.state])).toEqual([[operationId, 'live_migration', 'pending']]);
    expect((await operationList(rt, new URLSearchParams({ engine: 'ovirt' }))).items.map((o) => o.id)).not.toContain(operationId);

    // its own action, refused with its reason until it applies, then performed
    const poll = () => rt!.collector.connection('sim-toyhv').poller.pollOnce();
    expect((await operationGet(rt, operationId)).operation.actions).toEqual([
      expect.objectContaining({ name: 'abort', enabled: false, reason: 'abort needs a running migration; it is preparing' }),
    ]);
    hostOf('sim-toyhv').step();
    await poll();
    const requested = await operationActionRequest(rt, {
      id: operationId,
      action: 'abort',
      body: {},
      idempotencyKey: null,
      actor: { kind: 'user', id: 'u-alice', name: 'alice' },
    });
    expect(await requested.done).toMatchObject({ status: 'succeeded', message: 'abort accepted' });
    await poll();
    const ended = (await operationGet(rt, operationId)).operation;
    expect(ended).toMatchObject({ state: 'cancelled', gone: true, outcome: 'migration of vm-1 aborted; it stays where it was' });

    // an action it does not have is refused against its own list
    await expect(
      operationActionRequest(rt, { id: operationId, action: 'pivot', body: {}, idempotencyKey: null, actor: { kind: 'user', id: 'u-alice', name: 'alice' } }),
    ).rejects.toThrow(/pivot/);
  });
});

/** The toy engine runs the same adapter contract as every engine. */
describeAdapterContract('a toy engine defined in this test', async () => {
  const host = new ToyHost();
  const adapter = toyAdapter(host);
  return {
    adapter,
    module: toyEngine,
    startOperation: async () => host.start('vm-contract'),
    advance: async () => host.step(),
    actions: [{ action: 'abort', start: async () => host.start('vm-abort'), endsIn: 'cancelled' }],
    // abort while still preparing: the toy host refuses
    refusal: async () => ({ nativeId: host.start('vm-early'), action: 'abort' }),
    close: () => adapter.close(),
  };
});
