import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@/lib/config/load-config';
import { tempDir } from '@/lib/testing/temp-dir';

const FP = 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89';
function load(engine: Record<string, unknown>, env: Record<string, string> = {}) {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'gnt.password'), 'secret\n');
  fs.writeFileSync(path.join(dir, 'phaseboard.config.json'), JSON.stringify({ engines: [{ id: 'gnt1', engine: 'ganeti', ...engine }] }));
  return loadConfig(env, dir);
}
const base = { url: 'https://cluster.example.com:5080', username: 'phaseboard', passwordFile: 'gnt.password' };

describe('a Ganeti connection in the config', () => {
  it('takes a pinned certificate or a CA file, never both, and a password from a file', () => {
    const c = load({ ...base, certSha256: FP });
    expect(c.engines[0]).toMatchObject({ engine: 'ganeti', certSha256: FP, secret: 'secret', simulated: false });
    expect(() => load({ ...base, certSha256: 'not-a-fingerprint' })).toThrow(/engines\[0\]\.certSha256: must be a SHA-256 fingerprint/);
    expect(() => load({ ...base, certSha256: FP, caFile: 'ca.pem' })).toThrow(/give certSha256 or caFile, not both/);
  });

  it('refuses a plain http RAPI unless told, and a missing password', () => {
    expect(() => load({ ...base, url: 'http://cluster.example.com:5080' })).toThrow(/engines\[0\]\.url: must be https/);
    expect(load({ ...base, url: 'http://cluster.example.com:5080', insecure: true }).engines[0]).toMatchObject({ insecure: true });
    expect(() => load({ url: base.url, username: 'phaseboard' })).toThrow(/password or passwordFile is required/);
  });
});
