import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '@/lib/config/load-config';
import { PHASEBOARD } from '@/lib/model/actor';
import { startRuntime, type Runtime } from '@/lib/runtime/runtime';
import { tempDir } from '@/lib/testing/temp-dir';
import { presenterLink, userCreate } from './access';

/** Found by the fuzz test sending requests side by side: two creations of one name at once were a 500. */
describe('users made by requests at the same moment', () => {
  let rt: Runtime | undefined;
  afterEach(async () => {
    await rt?.stop();
    rt = undefined;
  });

  it('one presenter, and a link for every request', async () => {
    const dir = tempDir();
    rt = await startRuntime(loadConfig({ PHASEBOARD_DATA_DIR: path.join(dir, 'data'), PHASEBOARD_SIMULATOR: 'off' }, dir));
    const links = await Promise.all(Array.from({ length: 6 }, () => presenterLink(rt!, {}, PHASEBOARD)));
    expect(new Set(links.map((l) => l.token)).size).toBe(6);
    expect((await rt.auth.users.list()).filter((u) => u.username === 'presenter')).toHaveLength(1);
  });

  it('the same new name twice at once: one user, and a conflict that names it', async () => {
    const dir = tempDir();
    rt = await startRuntime(loadConfig({ PHASEBOARD_DATA_DIR: path.join(dir, 'data'), PHASEBOARD_SIMULATOR: 'off' }, dir));
    const results = await Promise.allSettled([0, 1, 2].map(() => userCreate(rt!, { username: 'dana', role: 'operator' }, PHASEBOARD)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'conflict', message: 'there is already a user "dana"' });
  });
});
