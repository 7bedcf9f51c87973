import 'server-only';
/** SQLite's answer to an insert that a UNIQUE index or key refuses. */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string'
    ? code.startsWith('SQLITE_CONSTRAINT') && /UNIQUE/i.test(String((e as Error).message))
    : /UNIQUE constraint failed/.test(String(e));
}
