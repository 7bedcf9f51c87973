import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface RealLibvirt {
  srcUri: string;
  dstUri: string;
  dir: string;
}

/**
 * The libvirt daemons scripts/libvirt/up.sh started (npm test runs it first).
 * Not there is a failure with the reason, never a skip.
 */
export function realLibvirt(): RealLibvirt {
  const dir = process.env.PHASEBOARD_LIBVIRT_STATE ?? '/tmp/phaseboard-libvirt';
  const failed = path.join(dir, 'failed');
  if (fs.existsSync(failed)) throw new Error(`real libvirt could not be brought up: ${fs.readFileSync(failed, 'utf8').trim()}`);
  const envFile = path.join(dir, 'env');
  if (!fs.existsSync(envFile)) throw new Error(`real libvirt is not up (${envFile} missing): run scripts/libvirt/up.sh first (npm test does)`);
  const env = Object.fromEntries(
    fs
      .readFileSync(envFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { srcUri: env.SRC_URI!, dstUri: env.DST_URI!, dir: env.DIR! };
}

export const virsh = (uri: string, ...args: string[]) =>
  execFileSync('virsh', ['-q', '-c', uri, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Starts virsh in the background (a migration); answers its exit. */
export function virshBackground(uri: string, ...args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('virsh', ['-q', '-c', uri, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/**
 * A transient TCG domain `pbt-<name>` with a 64 MiB qcow2 disk of random data
 * and 64 MiB of random RAM, so copies and migrations take long enough to
 * watch when throttled. Answers its disk path.
 */
export function createDomain(env: RealLibvirt, name: string): { domain: string; disk: string } {
  const domain = `pbt-${name}`;
  const dir = path.join(env.dir, domain);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  const disk = path.join(dir, 'disk.qcow2');
  const ram = path.join(dir, 'ram.bin');
  execFileSync('sh', [
    '-c',
    `head -c 64M /dev/urandom > ${dir}/raw && qemu-img convert -f raw -O qcow2 ${dir}/raw ${disk} && rm ${dir}/raw && head -c 64M /dev/urandom > ${ram} && chown libvirt-qemu:kvm ${ram}`,
  ]);
  const xml = `<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>${domain}</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <devices>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${disk}'/><target dev='vda' bus='virtio'/></disk>
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
  </devices>
  <qemu:commandline>
    <qemu:arg value='-object'/><qemu:arg value='memory-backend-file,id=ram0,size=64M,mem-path=${ram},share=off'/>
    <qemu:arg value='-machine'/><qemu:arg value='memory-backend=ram0'/>
  </qemu:commandline>
</domain>`;
  fs.writeFileSync(path.join(dir, 'domain.xml'), xml);
  for (const uri of [env.srcUri, env.dstUri]) {
    try {
      virsh(uri, 'destroy', domain);
    } catch {
      // not running there
    }
  }
  virsh(env.srcUri, 'create', path.join(dir, 'domain.xml'));
  return { domain, disk };
}
