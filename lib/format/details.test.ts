import { describe, expect, it } from 'vitest';
import { labelDetails } from '@/lib/model/details';
import { percent, percentText } from './bytes';
import { formatDetail } from './details';

describe('details with labels and units', () => {
  it('shows each value in its unit', () => {
    expect(formatDetail(4427549245, 'bytes')).toBe('4.1 GiB');
    expect(formatDetail(125829120, 'bytes_per_s')).toBe('120.0 MiB/s');
    expect(formatDetail(16, 'mib_per_s')).toBe('16 MiB/s');
    expect(formatDetail(0, 'mib_per_s')).toBe('unlimited');
    expect(formatDetail(300, 'ms')).toBe('300 ms');
    expect(formatDetail(5200, 'ms')).toBe('5.2 s');
    expect(formatDetail(60, 's')).toBe('1m 00s');
    expect(formatDetail([2147483648, 1181116006, 966367641], 'bytes_series')).toBe('2.0 GiB → 1.1 GiB → 921.6 MiB');
    expect(formatDetail(true, 'flag')).toBe('yes');
    expect(formatDetail(null, 'bytes')).toBe('—');
    expect(formatDetail('upload', 'text')).toBe('upload');
  });

  it('orders details as the engine declares them, with undeclared ones last under their own names', () => {
    const labelled = labelDetails({ extra: 1, dataRemaining: 4427549245, domain: 'vm1' }, [
      { key: 'domain', label: 'Domain', unit: 'id' },
      { key: 'dataRemaining', label: 'Remaining', unit: 'bytes' },
      { key: 'iteration', label: 'Iteration', unit: 'count' },
    ]);
    expect(labelled.map((d) => [d.label, formatDetail(d.value, d.unit)])).toEqual([
      ['Domain', 'vm1'],
      ['Remaining', '4.1 GiB'],
      ['extra', '1'],
    ]);
  });

  it('never says 100 % while something remains', () => {
    expect(percent(1023, 1024)).toBeLessThan(100);
    expect(percentText(1023, 1024)).toBe('99 %');
    expect(percentText(1024, 1024)).toBe('100 %');
    expect(percentText(5, null)).toBe('');
  });
});
