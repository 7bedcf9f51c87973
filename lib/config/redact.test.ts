import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@/lib/testing/temp-dir';
import { loadConfig } from './load-config';
import { redactConfig } from './redact';

describe('redactConfig', () => {
  it('keeps what support needs and no secret', () => {
    const dir = tempDir();
    const pem = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUb2Ypdm90\n-----END CERTIFICATE-----\n';
    fs.writeFileSync(path.join(dir, 'ca.pem'), pem);
    fs.writeFileSync(path.join(dir, 'pw'), 's3cret-from-file\n');
    fs.writeFileSync(
      path.join(dir, 'phaseboard.config.json'),
      JSON.stringify({
        engines: [
          { id: 'prod', engine: 'ovirt', url: 'https://engine.example/ovirt-engine', username: 'admin@internal', passwordFile: 'pw', caFile: 'ca.pem' },
          { id: 'lab', engine: 'ovirt', url: 'https://lab.example/ovirt-engine', username: 'admin@internal', password: 'inline-s3cret' },
        ],
      }),
    );
    const redacted = redactConfig(loadConfig({}, dir));
    const text = JSON.stringify(redacted);
    expect(text).not.toContain('s3cret-from-file');
    expect(text).not.toContain('inline-s3cret');
    expect(text).not.toContain('MIIBszCCAVmgAwIBAgIUb2Ypdm90');
    expect(redacted.engines[0]).toMatchObject({
      id: 'prod',
      url: 'https://engine.example/ovirt-engine',
      password: '[redacted]',
      passwordFile: 'pw',
      caFile: 'ca.pem',
      ca: `[PEM, ${pem.length} characters]`,
    });
    expect(redacted.engines[1]).toMatchObject({ id: 'lab', password: '[redacted]' });
  });
});
