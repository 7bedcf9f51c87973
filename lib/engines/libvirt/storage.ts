import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '@/lib/errors/app-error';

/** An absolute path of plain characters (no spaces, quotes or shell syntax) with no `.` or `..` segment. */
export function isPlainAbsolutePath(p: string): boolean {
  return /^(?:\/[A-Za-z0-9._+,=@-]+)+$/.test(p) && !p.split('/').some((s) => s === '.' || s === '..');
}

/** True when p lies strictly inside dir (both absolute, compared lexically). */
export function isInside(p: string, dir: string): boolean {
  const rel = path.relative(path.resolve(dir), path.resolve(p));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

export interface CopyTargetInput {
  target: string;
  /** directories copies may be written to: the connection's storageDirs, or the source disk's directory */
  allowedDirs: string[];
  /** the copy reuses an existing file (--reuse-external) */
  reuseExternal: boolean;
  /** libvirt runs on this machine: the path can be looked at here (symlinks, existence) */
  local: boolean;
}

const refuse = (message: string) => new AppError('invalid_input', `target: ${message}`, { field: 'target' });

/**
 * Where a block copy may write. A destination is a file libvirt opens as
 * root on the host: outside the storage directories, or through a symlink,
 * it could overwrite anything (`/etc/shadow` with --reuse-external --raw).
 */
export function checkCopyTarget(input: CopyTargetInput): string {
  const { target, allowedDirs } = input;
  if (!isPlainAbsolutePath(target)) throw refuse('must be an absolute path of letters, digits and ._+,=@- (no spaces, quotes, "." or ".." segments)');
  if (allowedDirs.length === 0) throw refuse('no storage directory is known for this disk; set storageDirs on the connection');
  const dir = allowedDirs.find((d) => isInside(target, d));
  if (!dir) throw refuse(`${target} is outside the storage directories (${allowedDirs.join(', ')})`);
  if (input.local) checkOnDisk(target, dir, input.reuseExternal);
  return target;
}

/** Looks at the real file system: the parent must resolve inside the directory, and the target must not be a link. */
function checkOnDisk(target: string, dir: string, reuseExternal: boolean): void {
  let realDir: string;
  let realParent: string;
  try {
    realDir = fs.realpathSync(dir);
    realParent = fs.realpathSync(path.dirname(target));
  } catch (e) {
    throw refuse(`${path.dirname(target)} does not exist on the host (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (realParent !== realDir && !isInside(realParent, realDir)) throw refuse(`${path.dirname(target)} resolves to ${realParent}, outside ${dir} (a symlink)`);
  let stat: fs.Stats | null = null;
  try {
    stat = fs.lstatSync(target);
  } catch {
    stat = null;
  }
  if (stat?.isSymbolicLink()) throw refuse(`${target} is a symlink; name the real file`);
  if (reuseExternal && !stat) throw refuse(`${target} does not exist; create it first or untick "reuse existing destination"`);
  if (reuseExternal && stat && !stat.isFile()) throw refuse(`${target} is not a regular file`);
  if (!reuseExternal && stat) throw refuse(`${target} already exists; tick "reuse existing destination" to write into it`);
}
