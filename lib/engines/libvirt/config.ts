import 'server-only';
import { z } from 'zod';
import { AppError } from '@/lib/errors/app-error';
import { parseInput } from '@/lib/errors/zod-error';
import type { ConnectionFacts } from '@/lib/model/connection';
import { connectionFields } from '../connection-schema';
import type { Resolved } from '../module';
import { isPlainAbsolutePath } from './storage';
import { libvirtUriProblem, type LibvirtUriPolicy } from './uri';

const AbsoluteDir = z.string().refine(isPlainAbsolutePath, 'must be a plain absolute path such as /var/lib/libvirt/images');

export const LibvirtConnectionConfig = z
  .object({
    ...connectionFields,
    engine: z.literal('libvirt'),
    /** qemu:///system, qemu+ssh://host/system, qemu+tls://host/system; checked against the libvirt URI rules */
    uri: z.string().min(1).max(1024),
    /** directories on the host block copies may write to; default: the source disk's directory */
    storageDirs: z.array(AbsoluteDir).max(32).optional(),
  })
  .strict();
export type LibvirtConnectionConfig = z.infer<typeof LibvirtConnectionConfig>;
export type LibvirtConnection = Resolved<LibvirtConnectionConfig>;

/** Rules every libvirt URI (connections and migration destinations) is held to: the config file's `libvirt` section. */
export const LibvirtSettings = z
  .object({
    /** qemu+tcp is unencrypted and unauthenticated: refused unless this is true */
    allowTcp: z.boolean().default(false),
    /** keyfile=, known_hosts= and pkipath= may only point inside this directory */
    keyDir: AbsoluteDir.optional(),
  })
  .strict();
export type LibvirtSettings = z.infer<typeof LibvirtSettings>;

export const uriPolicy = (s: LibvirtSettings | undefined): LibvirtUriPolicy => ({ allowTcp: s?.allowTcp ?? false, keyDir: s?.keyDir ?? null });

/** PHASEBOARD_LIBVIRT_URI, _ID, _STORAGE_DIRS (one connection); _ALLOW_TCP, _KEY_DIR (the URI rules). */
export function libvirtFromEnv(env: Record<string, string | undefined>) {
  const bool = (v: string | undefined) => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v);
  const storageDirs = env.PHASEBOARD_LIBVIRT_STORAGE_DIRS?.split(':').filter(Boolean);
  return {
    ...(env.PHASEBOARD_LIBVIRT_URI
      ? {
          connection: {
            id: env.PHASEBOARD_LIBVIRT_ID ?? 'libvirt',
            engine: 'libvirt',
            uri: env.PHASEBOARD_LIBVIRT_URI,
            ...(storageDirs ? { storageDirs } : {}),
          },
        }
      : {}),
    settings: {
      ...(env.PHASEBOARD_LIBVIRT_ALLOW_TCP !== undefined ? { allowTcp: bool(env.PHASEBOARD_LIBVIRT_ALLOW_TCP) } : {}),
      ...(env.PHASEBOARD_LIBVIRT_KEY_DIR ? { keyDir: env.PHASEBOARD_LIBVIRT_KEY_DIR } : {}),
    },
  };
}

/** Checked before anything runs: a URI libvirt would turn into a program must stop startup. */
export function checkLibvirt(c: LibvirtConnectionConfig, s: LibvirtSettings | undefined) {
  const problem = libvirtUriProblem(c.uri, uriPolicy(s));
  return problem ? { field: 'uri', message: problem } : null;
}

const Destination = z.object({ destination: z.string().max(64) }).loose();

/**
 * A migration goes to one of the configured libvirt connections, named by
 * id: a guest's memory is only ever sent to a host an admin added (its URI
 * already checked), never to a URI typed with the request.
 */
export function withDestination(body: unknown, { from, connections }: { from: string; connections: readonly ConnectionFacts[] }): unknown {
  if (typeof body === 'object' && body !== null && 'destinationUri' in body) {
    throw new AppError(
      'invalid_input',
      'destinationUri: name the destination by its connection id (destination); phaseboard migrates only to configured connections',
      { field: 'destinationUri' },
    );
  }
  const { destination, ...rest } = parseInput(Destination, body, 'live migration');
  const choices = connections.filter((c) => c.engine === 'libvirt' && c.id !== from && !c.simulated);
  const target = choices.find((c) => c.id === destination);
  if (!target)
    throw new AppError('invalid_input', `destination: no other libvirt connection "${destination}"; one of: ${choices.map((c) => c.id).join(', ') || 'none'}`, {
      field: 'destination',
    });
  return { ...rest, destinationUri: target.url, destinationName: target.id };
}
