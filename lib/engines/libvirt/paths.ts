import 'server-only';
import path from 'node:path';

/** An absolute path of plain characters (no spaces, quotes or shell syntax) with no `.` or `..` segment. */
export function isPlainAbsolutePath(p: string): boolean {
  return /^(?:\/[A-Za-z0-9._+,=@-]+)+$/.test(p) && !p.split('/').some((s) => s === '.' || s === '..');
}

/** True when p lies strictly inside dir (both absolute, compared lexically). */
export function isInside(p: string, dir: string): boolean {
  const rel = path.relative(path.resolve(dir), path.resolve(p));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
