'use client';
import { formatDetail } from '@/lib/format/details';
import { labelDetails, type DetailField, type Related } from '@/lib/model/details';
import type { Operation } from '@/lib/model/operation';

const MONO = new Set(['id', 'path']);

/**
 * The operation's details as its engine labels them, in their units, then what
 * else it involves. Each thing is said once: a detail or a related entity that
 * only repeats the subject's id, or a value already shown, is left out.
 */
export function DetailsList({ op, fields }: { op: Pick<Operation, 'details' | 'related' | 'subject'>; fields: DetailField[] }) {
  const details = labelDetails(op.details, fields).filter((d) => d.value !== op.subject.id);
  const shown = new Set<unknown>([op.subject.id, ...details.map((d) => d.value)]);
  const related = op.related.filter((r) => !shown.has(r.id) && !(r.name && shown.has(r.name)));
  return (
    <>
      {details.map((d) => (
        <div key={d.key} className="contents">
          <dt className="text-slate-600 dark:text-slate-400" title={d.help}>
            {d.label}
          </dt>
          <dd data-testid={`detail-${d.key}`} className={MONO.has(d.unit) ? 'font-mono text-xs break-all' : undefined}>
            {formatDetail(d.value, d.unit)}
          </dd>
        </div>
      ))}
      {related.map((r: Related) => (
        <div key={`${r.role}:${r.id}`} className="contents">
          <dt className="text-slate-600 first-letter:uppercase dark:text-slate-400">{r.role}</dt>
          <dd data-testid={`related-${r.role}`} className="break-all">
            {r.name ? `${r.name} ` : ''}
            <span className="font-mono text-xs break-all text-slate-600 dark:text-slate-400">{r.name ? `(${r.type} ${r.id})` : r.id}</span>
          </dd>
        </div>
      ))}
    </>
  );
}

/** The few details an engine marks as worth a glance, for the board's row: "Remaining 4.1 GiB · Iteration 3". */
export function summaryLine(op: Pick<Operation, 'details'>, fields: DetailField[]): string {
  return labelDetails(op.details, fields)
    .filter((d) => d.summary && d.value !== null)
    .map((d) => (d.unit === 'text' ? formatDetail(d.value, d.unit) : `${d.label} ${formatDetail(d.value, d.unit)}`))
    .join(' · ');
}
