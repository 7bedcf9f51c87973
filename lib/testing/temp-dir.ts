import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh directory under the OS temp dir, for a store or a config file. */
export function tempDir(prefix = 'phaseboard-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
