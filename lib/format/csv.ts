/**
 * One CSV record (RFC 4180: quoted when needed, CRLF line end). A cell that a
 * spreadsheet would run as a formula (=, +, -, @, tab, CR first) is prefixed
 * with a quote: names come from engines and users, and exports are opened in
 * spreadsheets (OWASP "CSV injection").
 */
export function csvRecord(cells: readonly (string | number | null | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

function csvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
