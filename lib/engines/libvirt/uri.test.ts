import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '@/lib/testing/temp-dir';
import { checkCopyTarget } from './storage';
import { DEFAULT_URI_POLICY, libvirtUriProblem, parseLibvirtUri } from './uri';

const problem = (uri: string, policy = DEFAULT_URI_POLICY) => libvirtUriProblem(uri, policy);

describe('libvirt URI rules', () => {
  it('accepts the local, ssh, tls and unix forms operators use', () => {
    expect(parseLibvirtUri('qemu:///system', DEFAULT_URI_POLICY)).toMatchObject({ transport: 'local', host: null, local: true });
    expect(parseLibvirtUri('qemu+ssh://root@kvm1.example.com:2222/system?no_tty=1', DEFAULT_URI_POLICY)).toMatchObject({
      transport: 'ssh',
      user: 'root',
      host: 'kvm1.example.com',
      port: 2222,
      params: { no_tty: '1' },
      local: false,
    });
    expect(parseLibvirtUri('qemu+tls://[fd00::5]/system', DEFAULT_URI_POLICY).host).toBe('[fd00::5]');
    expect(parseLibvirtUri('qemu+unix:///system?socket=/run/dst/libvirt-sock', DEFAULT_URI_POLICY).params.socket).toBe('/run/dst/libvirt-sock');
  });

  it('refuses every URI form that makes libvirt run a program, naming the part', () => {
    expect(problem('qemu+ext:///system?command=/tmp/x.sh')).toMatch(/transport "ext" is not allowed \(it runs a program\)/);
    expect(problem('qemu+ssh://-c@localhost/system?command=/bin/bash&keyfile=x')).toMatch(/user "-c" is not allowed/);
    expect(problem('qemu+ssh://root@-oProxyCommand=touch%20x/system')).toMatch(/host .* is not allowed/);
    expect(problem('qemu+ssh://root@host/system?command=/bin/bash')).toMatch(/parameter "command" is not allowed \(it makes libvirt run or reach a program\)/);
    expect(problem('qemu+ssh://root@host/system?netcat=/tmp/nc')).toMatch(/parameter "netcat" is not allowed/);
    expect(problem('qemu+ssh://root@host/system?keyfile=/root/.ssh/id_rsa')).toMatch(/parameter "keyfile" is refused: no key directory is configured/);
    expect(problem('qemu+ssh://root@host/system?socket=/x;touch%20y')).toMatch(/parameter "socket" is only allowed with qemu\+unix/);
    expect(problem('qemu+unix:///system?socket=/x;touch')).toMatch(/parameter "socket" must be a plain absolute path/);
  });

  it('keeps verification on and tcp off unless the config allows it', () => {
    expect(problem('qemu+tls://host/system?no_verify=1')).toMatch(/no_verify" must be 0/);
    expect(problem('qemu+libssh://host/system?known_hosts_verify=auto')).toMatch(/known_hosts_verify" must be normal/);
    expect(problem('qemu+tcp://10.0.0.1:16509/system')).toMatch(/transport "tcp" is not allowed: it is unencrypted/);
    expect(problem('qemu+tcp://10.0.0.1:16509/system', { allowTcp: true, keyDir: null })).toBeNull();
  });

  it('allows key files only inside the configured key directory', () => {
    const policy = { allowTcp: false, keyDir: '/etc/phaseboard/ssh' };
    expect(problem('qemu+ssh://root@host/system?keyfile=/etc/phaseboard/ssh/id_ed25519', policy)).toBeNull();
    expect(problem('qemu+ssh://root@host/system?keyfile=/etc/phaseboard/ssh/../../shadow', policy)).toMatch(/keyfile" must be a plain absolute path/);
    expect(problem('qemu+ssh://root@host/system?keyfile=/root/.ssh/id_rsa', policy)).toMatch(/keyfile" must lie inside \/etc\/phaseboard\/ssh/);
  });

  it('refuses odd shapes: other drivers, paths, hosts on local URIs', () => {
    expect(problem('test:///default')).toMatch(/must be a libvirt URI/);
    expect(problem('qemu:///etc')).toMatch(/path "\/etc" is not allowed/);
    expect(problem('qemu://host/system')).toMatch(/local URI .* takes no user, host or port/);
    expect(problem('qemu+ssh:///system')).toMatch(/needs a host/);
    expect(problem('qemu+ssh://host:99999/system')).toMatch(/port "99999"/);
  });

  it('names the input field in the thrown error', () => {
    expect(() => parseLibvirtUri('qemu+ext:///system', DEFAULT_URI_POLICY, 'destinationUri')).toThrow(/^destinationUri: transport "ext"/);
  });
});

describe('block copy destinations', () => {
  it('refuses paths outside the storage directories, dot segments and odd characters', () => {
    const base = { allowedDirs: ['/var/lib/libvirt/images'], reuseExternal: false, local: false };
    expect(checkCopyTarget({ ...base, target: '/var/lib/libvirt/images/copy.qcow2' })).toBe('/var/lib/libvirt/images/copy.qcow2');
    expect(() => checkCopyTarget({ ...base, target: '/etc/shadow' })).toThrow(/target: \/etc\/shadow is outside the storage directories/);
    expect(() => checkCopyTarget({ ...base, target: '/var/lib/libvirt/images/../../../etc/shadow' })).toThrow(/"\." or "\.\." segments/);
    expect(() => checkCopyTarget({ ...base, target: '/var/lib/libvirt/images/a b' })).toThrow(/no spaces, quotes/);
    expect(() => checkCopyTarget({ ...base, allowedDirs: [], target: '/x/y' })).toThrow(/set storageDirs/);
  });

  it('on a local host, refuses a symlinked target or parent and an existing file without reuse', () => {
    const dir = tempDir('pb-storage-');
    const images = path.join(dir, 'images');
    fs.mkdirSync(images);
    fs.mkdirSync(path.join(dir, 'outside'));
    fs.symlinkSync('/etc/shadow', path.join(images, 'evil.qcow2'));
    fs.symlinkSync(path.join(dir, 'outside'), path.join(images, 'sub'));
    fs.writeFileSync(path.join(images, 'old.qcow2'), '');
    const base = { allowedDirs: [images], local: true };
    expect(() => checkCopyTarget({ ...base, reuseExternal: true, target: path.join(images, 'evil.qcow2') })).toThrow(/is a symlink/);
    expect(() => checkCopyTarget({ ...base, reuseExternal: false, target: path.join(images, 'sub', 'x.qcow2') })).toThrow(/outside .* \(a symlink\)/);
    expect(() => checkCopyTarget({ ...base, reuseExternal: false, target: path.join(images, 'old.qcow2') })).toThrow(/already exists/);
    expect(() => checkCopyTarget({ ...base, reuseExternal: true, target: path.join(images, 'missing.qcow2') })).toThrow(/does not exist/);
    expect(checkCopyTarget({ ...base, reuseExternal: true, target: path.join(images, 'old.qcow2') })).toBe(path.join(images, 'old.qcow2'));
    expect(checkCopyTarget({ ...base, reuseExternal: false, target: path.join(images, 'new.qcow2') })).toBe(path.join(images, 'new.qcow2'));
  });
});
