import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@/lib/testing/temp-dir';
import { loadConfig } from './load-config';

function withConfig(content: unknown) {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'phaseboard.config.json'), typeof content === 'string' ? content : JSON.stringify(content));
  return dir;
}

describe('loadConfig', () => {
  it('defaults to the embedded simulator and ./data with no config at all', () => {
    const dir = tempDir();
    const c = loadConfig({}, dir);
    expect(c.simulator).toEqual({ enabled: true, mix: 6, speed: 1 });
    expect(c.engines).toEqual([]);
    expect(c.dataDir).toBe(path.join(dir, 'data'));
  });

  it('names the bad field of a config file', () => {
    const dir = withConfig({ engines: [{ id: 'prod', engine: 'ovirt', url: 'not a url', username: 'admin@internal', password: 'x' }] });
    expect(() => loadConfig({}, dir)).toThrow(/engines\[0\]\.url: must be an http\(s\) URL/);
  });

  it('names a missing password and unknown keys', () => {
    expect(() => loadConfig({}, withConfig({ engines: [{ id: 'prod', engine: 'ovirt', url: 'https://e/ovirt-engine', username: 'a' }] }))).toThrow(
      /engines\[0\]\.password: password or passwordFile is required/,
    );
    expect(() => loadConfig({}, withConfig({ engines: [], colour: 'blue' }))).toThrow(/colour/);
  });

  it('refuses duplicate ids, unreadable CA files and non-JSON files', () => {
    const e = { engine: 'ovirt', url: 'https://e/ovirt-engine', username: 'a', password: 'b' };
    expect(() =>
      loadConfig(
        {},
        withConfig({
          engines: [
            { id: 'x', ...e },
            { id: 'x', ...e },
          ],
        }),
      ),
    ).toThrow(/engines\[1\]\.id: duplicate connection id "x"/);
    expect(() => loadConfig({}, withConfig({ engines: [{ id: 'x', ...e, caFile: '/nonexistent/ca.pem' }] }))).toThrow(
      /engines\[0\]\.caFile: cannot read \/nonexistent\/ca\.pem: ENOENT/,
    );
    expect(() => loadConfig({}, withConfig('{ nope'))).toThrow(/is not valid JSON/);
  });

  it('takes one oVirt connection from the environment, turning the simulator off by default', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'pw'), 'from-file\n');
    const c = loadConfig(
      {
        PHASEBOARD_OVIRT_URL: 'https://engine.example/ovirt-engine',
        PHASEBOARD_OVIRT_USERNAME: 'admin@internal',
        PHASEBOARD_OVIRT_PASSWORD_FILE: path.join(dir, 'pw'),
        PHASEBOARD_DATA_DIR: '/var/lib/pb',
      },
      dir,
    );
    expect(c.engines).toMatchObject([
      { id: 'ovirt', url: 'https://engine.example/ovirt-engine', password: 'from-file', pollIntervalMs: { fast: 1000, slow: 10_000 } },
    ]);
    expect(c.simulator.enabled).toBe(false);
    expect(c.dataDir).toBe('/var/lib/pb');
  });

  it('rejects bad simulator variables by name', () => {
    expect(() => loadConfig({ PHASEBOARD_SIM_SPEED: 'fast' }, tempDir())).toThrow(/PHASEBOARD_SIM_SPEED must be a number/);
    expect(() => loadConfig({ PHASEBOARD_SIMULATOR: 'yes' }, tempDir())).toThrow(/PHASEBOARD_SIMULATOR must be "on" or "off"/);
  });

  it('takes a libvirt connection by URI and names a bad one', () => {
    const c = loadConfig({ PHASEBOARD_LIBVIRT_URI: 'qemu+ssh://root@kvm1/system' }, tempDir());
    expect(c.engines).toEqual([expect.objectContaining({ id: 'libvirt', engine: 'libvirt', uri: 'qemu+ssh://root@kvm1/system' })]);
    expect(c.simulator.enabled).toBe(false);
    expect(() => loadConfig({}, withConfig({ engines: [{ id: 'kvm', engine: 'libvirt', uri: 'kvm1.example.com' }] }))).toThrow(
      /engines\[0\]\.uri: must be a libvirt URI such as qemu:\/\/\/system/,
    );
  });

  it('refuses an http oVirt URL unless that connection says insecure', () => {
    const e = { id: 'prod', engine: 'ovirt', url: 'http://engine.example/ovirt-engine', username: 'a', password: 'b' };
    expect(() => loadConfig({}, withConfig({ engines: [e] }))).toThrow(/engines\[0\]\.url: must be https: the SSO password would cross the network in clear/);
    expect(loadConfig({}, withConfig({ engines: [{ ...e, insecure: true }] })).engines[0]).toMatchObject({ insecure: true });
    const env = { PHASEBOARD_OVIRT_URL: 'http://engine.example/ovirt-engine', PHASEBOARD_OVIRT_USERNAME: 'a', PHASEBOARD_OVIRT_PASSWORD: 'b' };
    expect(() => loadConfig(env, tempDir())).toThrow(/url: must be https/);
    expect(loadConfig({ ...env, PHASEBOARD_OVIRT_INSECURE: 'true' }, tempDir()).engines[0]).toMatchObject({ insecure: true });
  });

  it('stops startup on a libvirt URI that would run a program, naming the parameter', () => {
    expect(() => loadConfig({ PHASEBOARD_LIBVIRT_URI: 'qemu+ssh://root@kvm1/system?command=/tmp/x' }, tempDir())).toThrow(
      /engines\[0\]\.uri: parameter "command" is not allowed/,
    );
    expect(() => loadConfig({}, withConfig({ engines: [{ id: 'kvm', engine: 'libvirt', uri: 'qemu+tcp://kvm1/system' }] }))).toThrow(
      /transport "tcp" is not allowed/,
    );
    const allowed = loadConfig(
      {},
      withConfig({ libvirt: { allowTcp: true }, engines: [{ id: 'kvm', engine: 'libvirt', uri: 'qemu+tcp://kvm1/system', storageDirs: ['/srv/images'] }] }),
    );
    expect(allowed.engineSettings.libvirt).toEqual({ allowTcp: true });
    expect(() => loadConfig({}, withConfig({ engines: [{ id: 'kvm', engine: 'libvirt', uri: 'qemu:///system', storageDirs: ['/srv/../etc'] }] }))).toThrow(
      /storageDirs\.\[0\]|storageDirs\[0\]/,
    );
  });
});
