import { describe, expect, it } from 'vitest';
import { formatDuration, formatRelative, tookLine } from './durations';

describe('times', () => {
  const now = Date.parse('2026-11-21T15:00:00Z');
  it('says how long ago, in the unit a person would use', () => {
    expect(formatRelative('2026-11-21T14:59:58Z', now)).toBe('just now');
    expect(formatRelative('2026-11-21T14:59:18Z', now)).toBe('42 s ago');
    expect(formatRelative('2026-11-21T14:57:00Z', now)).toBe('3 min ago');
    expect(formatRelative('2026-11-21T12:00:00Z', now)).toBe('3 h ago');
    expect(formatRelative('2026-11-16T15:00:00Z', now)).toBe('5 days ago');
    expect(formatRelative('2026-11-21T15:03:00Z', now)).toBe('in 3 min');
  });

  it('reads durations from seconds to days', () => {
    expect(formatDuration(20_000)).toBe('20.0 s');
    expect(formatDuration(185_000)).toBe('3m 05s');
    expect(formatDuration(3 * 86_400_000 + 2 * 3_600_000)).toBe('3d 02h');
  });

  it('says how long a finished operation took; nothing while it runs', () => {
    expect(tookLine('2026-11-21T15:11:23Z', '2026-11-21T15:11:43Z')).toMatch(/^took 20\.0 s, ended \d\d:\d\d:43$/);
    expect(tookLine('2026-11-21T15:11:23Z', null)).toBeNull();
  });
});
