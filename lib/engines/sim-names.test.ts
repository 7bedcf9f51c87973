import { describe, expect, it } from 'vitest';
import { simDiskName, simMachineName } from './sim-names';

describe('simulated names', () => {
  it('read like a real estate, never repeat, and say nothing of a scenario', () => {
    expect([1, 2, 3, 13, 14].map(simMachineName)).toEqual(['db01', 'web-01', 'app01', 'db02', 'web-02']);
    expect(simDiskName(1)).toBe('db01_Disk1');
    const names = Array.from({ length: 5000 }, (_, i) => simMachineName(i + 1));
    expect(new Set(names).size).toBe(5000);
    expect(names.every((n) => /^[a-z]+-?\d{2,}$/.test(n))).toBe(true);
  });
});
