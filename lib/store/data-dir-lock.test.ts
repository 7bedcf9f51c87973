import { describe, expect, it } from 'vitest';
import { runToCompletion } from '@/lib/testing/processes';
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
    const hold = `const Database = require('libsql'); const db = new Database(${JSON.stringify(`${dir}/phaseboard.lock`)}); db.exec('PRAGMA locking_mode = EXCLUSIVE'); db.exec('BEGIN EXCLUSIVE'); console.log('held'); setTimeout(() => process.kill(process.pid, 'SIGKILL'), 300);`;
    const run = runToCompletion(process.execPath, ['-e', hold], {}, 10_000);
    await new Promise((r) => setTimeout(r, 150));
    expect(() => lockDataDir(dir)).toThrow(/another phaseboard process/);
    await run;
    lockDataDir(dir).release();
  });
});
