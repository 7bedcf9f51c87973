import 'server-only';
import { AppError } from '@/lib/errors/app-error';
import type { BlockCopyParams, MigrationParams } from './forms';
import { opt } from './virsh-args';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Where QEMU may send the guest's memory: the destination host itself (on
 * another of its addresses, a migration network, that would be a config
 * setting), or loopback when the destination is local. Anything else would
 * hand the memory to whoever listens there.
 */
export function checkMigrationUri(migrationUri: string | undefined, destinationHost: string | null): void {
  if (!migrationUri) return;
  const host = /^tcp:\/\/(\[[^\]]+\]|[^:/]+)/.exec(migrationUri)?.[1]?.toLowerCase() ?? '';
  const ok = destinationHost === null ? LOOPBACK.has(host) : host === destinationHost.toLowerCase();
  if (!ok) {
    throw new AppError(
      'invalid_input',
      `migrationUri: ${host} is not the destination host (${destinationHost ?? 'this machine'}); QEMU sends the guest's memory there`,
      { field: 'migrationUri' },
    );
  }
}

/** virsh arguments for the copy. */
export function blockCopyArgs(p: BlockCopyParams): string[] {
  return [
    'blockcopy',
    opt('domain', p.domain),
    opt('path', p.disk),
    opt('dest', p.target),
    '--transient-job',
    ...(p.format && !p.raw ? [opt('format', p.format)] : []),
    ...(p.shallow ? ['--shallow'] : []),
    ...(p.reuseExternal ? ['--reuse-external'] : []),
    ...(p.raw ? ['--raw'] : []),
    ...(p.bandwidthMiBs ? [opt('bandwidth', p.bandwidthMiBs)] : []),
  ];
}

/** virsh arguments for the migration (it runs until the migration ends). */
export function migrationArgs(p: MigrationParams): string[] {
  return [
    'migrate',
    '--live',
    '--p2p',
    ...(p.postcopy ? ['--postcopy'] : []),
    ...(p.autoConverge ? ['--auto-converge'] : []),
    ...(p.unsafe ? ['--unsafe'] : []),
    ...(p.bandwidthMiBs ? [opt('bandwidth', p.bandwidthMiBs)] : []),
    opt('domain', p.domain),
    opt('desturi', p.destinationUri),
    ...(p.migrationUri ? [opt('migrateuri', p.migrationUri)] : []),
  ];
}
