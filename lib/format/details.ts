import type { DetailUnit, DetailValue } from '@/lib/model/details';
import { formatBytes, formatRate } from './bytes';
import { formatDuration } from './durations';

/** A detail's value in its unit, as every screen shows it: "4.1 GiB", "120 MiB/s", "1.2 s", "yes". */
export function formatDetail(value: DetailValue | undefined, unit: DetailUnit): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.map((v) => formatDetail(v, unit === 'bytes_series' ? 'bytes' : unit)).join(' → ');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string') return value;
  switch (unit) {
    case 'bytes':
    case 'bytes_series':
      return formatBytes(value);
    case 'bytes_per_s':
      return formatRate(value);
    case 'mib_per_s':
      return value === 0 ? 'unlimited' : `${value} MiB/s`;
    case 'ms':
      return value < 1000 ? `${Math.round(value)} ms` : formatDuration(value);
    case 's':
      return formatDuration(value * 1000);
    case 'pages_per_s':
      return `${value.toLocaleString('en-US')} pages/s`;
    case 'count':
      return value.toLocaleString('en-US');
    default:
      return String(value);
  }
}
