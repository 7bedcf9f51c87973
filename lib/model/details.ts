import { z } from 'zod';

/**
 * What a detail's value is, so every screen shows it the same way:
 * "4.1 GiB remaining", not `dataRemaining 4427549245`.
 */
export const DetailUnit = z.enum([
  /** words as the engine says them (a direction, a status) */
  'text',
  /** an identifier, shown in monospace */
  'id',
  /** a file path on a host */
  'path',
  'bytes',
  'bytes_per_s',
  /** libvirt's and QEMU's bandwidth unit */
  'mib_per_s',
  'ms',
  's',
  'count',
  'pages_per_s',
  'flag',
  /** bytes at each step of a series, oldest first (data remaining per migration iteration) */
  'bytes_series',
]);
export type DetailUnit = z.infer<typeof DetailUnit>;

/** One detail an engine reports for a kind of operation: its key in `details`, its label, its unit. */
export const DetailField = z.object({
  key: z.string(),
  label: z.string(),
  unit: DetailUnit,
  /** shown on the board's row, not only on the operation page */
  summary: z.boolean().optional(),
  /** one line on what it means, shown on hover */
  help: z.string().optional(),
});
export type DetailField = z.infer<typeof DetailField>;

/** The details schema of each kind an engine reports: its module declares it once. */
export const DetailSpecs = z.record(z.string(), z.array(DetailField));
export type DetailSpecs = z.infer<typeof DetailSpecs>;

/** Something an operation involves besides its subject: a host, the other end of a copy, an attachment, a parent job. */
export const Related = z.object({
  /** what it is to the operation: "source host", "destination", "old attachment", "image" */
  role: z.string(),
  type: z.enum(['host', 'vm', 'instance', 'disk', 'image', 'volume', 'attachment', 'file', 'job', 'node', 'connection']),
  id: z.string(),
  name: z.string().nullable(),
});
export type Related = z.infer<typeof Related>;

/** A detail with its label and unit, in the order its engine declares; undeclared keys last, under their own names. */
export interface LabelledDetail extends DetailField {
  value: DetailValue;
}

export const DetailValue = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.number())]);
export type DetailValue = z.infer<typeof DetailValue>;

export function labelDetails(details: Record<string, DetailValue>, fields: readonly DetailField[] = []): LabelledDetail[] {
  const declared = fields.filter((f) => f.key in details).map((f) => ({ ...f, value: details[f.key] ?? null }));
  const known = new Set(fields.map((f) => f.key));
  const rest = Object.entries(details)
    .filter(([k]) => !known.has(k))
    .map(([key, value]): LabelledDetail => ({ key, label: key, unit: 'text', value }));
  return [...declared, ...rest];
}

/** A series of numbers from details (older records kept them as "1,2,3"). */
export function detailNumbers(value: DetailValue | undefined): number[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return value.split(',').filter(Boolean).map(Number).filter(Number.isFinite);
  return [];
}
