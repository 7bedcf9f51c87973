import { describe, expect, it } from 'vitest';
import { startProcess } from '@/lib/testing/processes';
import { tempDir } from '@/lib/testing/temp-dir';
import { lockDataDir } from './data-dir-lock';

describe('data dir lock', () => {
  it('refuses a second holder with a clear message, and frees the dir when released', () => {
    const dir = tempDir();
    const first = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(/another phaseboard process is using the data directory/);
    first.release();
    lockDataDir(dir).release();
  });

  it('is held against another process, and dropped by the kernel when the holder dies', async () => {
    const dir = tempDir();
    // the holder takes the lock, says so, and waits to be killed (no cleanup of its own can run)
    const hold = `const Database = require('libsql'); const db = new Database(${JSON.stringify(`${dir}/phaseboard.lock`)}); db.exec('PRAGMA locking_mode = EXCLUSIVE'); db.exec('BEGIN EXCLUSIVE'); console.log('held'); setInterval(() => {}, 1000);`;
    const holder = await startProcess('lock holder', process.execPath, ['-e', hold], {}, async (output) => output.includes('held'));
    expect(() => lockDataDir(dir)).toThrow(/another phaseboard process/);
    await new Promise<void>((resolve) => {
      holder.child.once('exit', () => resolve());
      holder.child.kill('SIGKILL');
    });
    lockDataDir(dir).release();
  });
});
