import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logger } from '@/lib/log/logger';
import { sleep } from '@/lib/testing/processes';
import { createDomain, realLibvirt, virsh, virshBackground, type RealLibvirt } from '@/lib/testing/real-libvirt';
import { createLibvirtAdapter, type LibvirtAdapter } from './adapter';

/** Waits until the check passes, looking every 100 ms. */
async function within(ms: number, check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms: ${what}`);
    await sleep(100);
  }
}

/**
 * What real libvirtd (9.0) says when jobs start, and what the cheap change
 * check sees: a block copy's start sends no event (the first comes when it
 * is ready or ends), a migration's sends 'migration-iteration' 1.
 */
describe('changes against real libvirtd + QEMU', { timeout: 60_000 }, () => {
  let env: RealLibvirt;
  let domain: string;
  let disk: string;
  let adapter: LibvirtAdapter;
  let stream: { stop(): void };
  /** the raw event lines of this test's domain (its own name: other tests may run beside it) */
  const lines: string[] = [];

  beforeAll(() => {
    env = realLibvirt();
    ({ domain, disk } = createDomain(env, `changes-${process.pid}`));
    adapter = createLibvirtAdapter({ uri: env.srcUri, log: logger, events: false });
    stream = adapter.virsh.watchEvents((line) => {
      if (line.includes(`for domain '${domain}'`)) lines.push(line);
    }, logger);
  });
  afterAll(async () => {
    stream?.stop();
    await adapter?.close();
    if (!domain) return;
    for (const uri of [env.srcUri, env.dstUri]) {
      try {
        virsh(uri, 'destroy', domain);
      } catch {
        // not running there
      }
    }
    fs.rmSync(path.dirname(disk), { recursive: true, force: true });
  });

  it('a block copy sends no event as it starts, the change check sees it; a migration sends one within seconds', async () => {
    // the event stream is live: a pause and a resume are heard
    virsh(env.srcUri, 'suspend', domain);
    virsh(env.srcUri, 'resume', domain);
    await within(15_000, () => lines.some((l) => l.includes('Resumed Unpaused')), 'the resume event');
    lines.length = 0;

    await adapter.listOperations();
    const before = await adapter.changedSince!(null);
    virsh(env.srcUri, 'blockcopy', domain, 'vda', path.join(path.dirname(disk), 'copy.qcow2'), '--transient-job', '--bandwidth', '1');
    expect((await adapter.changedSince!(before.cursor)).changed).toBe(true);
    await sleep(2000);
    expect(lines).toEqual([]);
    virsh(env.srcUri, 'blockjob', domain, 'vda', '--abort');
    await within(15_000, () => lines.some((l) => /event 'block-job' .* canceled$/.test(l)), 'the cancel event');

    await adapter.listOperations();
    const idle = await adapter.changedSince!(null);
    lines.length = 0;
    const migration = virshBackground(env.srcUri, 'migrate', '--live', '--p2p', '--unsafe', '--bandwidth', '2', domain, env.dstUri, 'tcp://127.0.0.1:49260');
    await within(15_000, async () => (await adapter.changedSince!(idle.cursor)).changed, 'the change check to see the migration');
    await within(15_000, () => lines.some((l) => /event 'migration-iteration' for domain '.*': iteration: '1'$/.test(l)), "the migration's first event");
    virsh(env.srcUri, 'domjobabort', domain);
    expect((await migration).code).not.toBe(0);
  });
});
