import { z } from 'zod';

// What the libvirt start forms send, and what they warn about: shared by the
// Engines page (components/engines/libvirt) and the adapter, so both hold
// the same rules. Pure: no server code.

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
  /** what the destination is called (its connection id), shown as where the migration goes */
  destinationName: z.string().max(64).optional(),
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

/**
 * Seed 004: reusing an existing destination without saying its format makes
 * libvirt probe it; if the file is raw, the guest controls its first bytes
 * and can make it look like qcow2 with a backing file of its choosing.
 */
export function copyWarnings(p: BlockCopyParams): string[] {
  if (p.reuseExternal && !p.raw && !p.format) {
    return [
      "The existing destination's format will be probed: if it is a raw file, the guest can make it look like another format (seed 004). Say its format, or mark it raw.",
    ];
  }
  return [];
}

/** What the Engines page can start work on: each domain with its disks (adapter.inventory). */
export const LibvirtInventory = z.object({
  domains: z.array(
    z.object({
      name: z.string(),
      disks: z.array(z.object({ target: z.string(), source: z.string().nullable(), format: z.string().nullable(), busy: z.boolean() })),
      migrating: z.boolean(),
    }),
  ),
});
export type LibvirtInventory = z.infer<typeof LibvirtInventory>;
