import { z } from 'zod';
import { AppError } from '@/lib/errors/app-error';
import { fromZodError } from '@/lib/errors/zod-error';
import { opt } from './virsh-args';

/** A block copy as seed 004 describes it: destination, format, the three flags, bandwidth. */
export const BlockCopyParams = z.strictObject({
  domain: z.string().min(1),
  disk: z.string().regex(/^[a-z]+[a-z0-9]*$/, 'a disk target such as vda'),
  target: z.string().regex(/^\/\S+$/, 'an absolute path on the libvirt host'),
  /** destination format; omitted: same as the source, or probed from an existing file with reuseExternal */
  format: z.enum(['qcow2', 'raw']).optional(),
  /** copy only the top image; the destination keeps the source's backing chain */
  shallow: z.boolean().default(false),
  /** the destination already exists (created beforehand) */
  reuseExternal: z.boolean().default(false),
  /** the destination is raw */
  raw: z.boolean().default(false),
  bandwidthMiBs: z.number().int().min(1).max(1_000_000).optional(),
});
export type BlockCopyParams = z.infer<typeof BlockCopyParams>;

export const MigrationParams = z.strictObject({
  domain: z.string().min(1),
  /** the destination libvirt, e.g. qemu+ssh://host2/system */
  destinationUri: z.string().regex(/^[a-z]+(\+[a-z]+)?:\/\/\S*\/(system|session)(\?\S*)?$/, 'a libvirt URI such as qemu+ssh://host2/system'),
  /** where QEMU sends the data, e.g. tcp://10.0.0.2:49152; default: libvirt picks */
  migrationUri: z
    .string()
    .regex(/^tcp:\/\/(?:[A-Za-z0-9][A-Za-z0-9.-]{0,252}|\[[0-9a-fA-F:.]+\])(?::\d{1,5})?$/, 'a tcp://host:port URI')
    .optional(),
  bandwidthMiBs: z.number().int().min(1).max(1_000_000).optional(),
  /** allow switching to post-copy later */
  postcopy: z.boolean().default(false),
  /** throttle the guest CPU until the migration converges */
  autoConverge: z.boolean().default(false),
  /** migrate with local, non-shared disks and cache modes libvirt calls unsafe */
  unsafe: z.boolean().default(false),
});
export type MigrationParams = z.infer<typeof MigrationParams>;

export function parseStart<S extends z.ZodType>(schema: S, params: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(params ?? {});
  if (!r.success) throw fromZodError(r.error, what);
  return r.data;
}

/**
 * Seed 004: reusing an existing destination without saying its format makes
 * libvirt probe it; if the file is raw, the guest controls its first bytes
 * and can make it look like qcow2 with a backing file of its choosing.
 */
export function copyWarnings(p: BlockCopyParams): string[] {
  if (p.reuseExternal && !p.raw && !p.format) {
    return ['The existing destination\'s format will be probed: if it is a raw file, the guest can make it look like another format (seed 004). Say its format, or mark it raw.'];
  }
  return [];
}

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
    throw new AppError('invalid_input', `migrationUri: ${host} is not the destination host (${destinationHost ?? 'this machine'}); QEMU sends the guest's memory there`, { field: 'migrationUri' });
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
