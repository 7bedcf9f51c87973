import { afterEach, describe, expect, it } from 'vitest';
import type { Finding } from '@/lib/model/finding';
import { finding as findingOf } from '@/lib/testing/findings';
import { tempDir } from '@/lib/testing/temp-dir';
import { openSqliteStore } from './sqlite-store';
import type { Store } from './types';

const finding = (id: string, o: Partial<Finding>): Finding =>
  findingOf({ id, ruleId: 'r', key: `k-${id}`, title: id, connectionId: 'lab', operationId: `lab:${id}`, subjectName: id, ...o });

describe('the triage inbox order', () => {
  let store: Store;
  afterEach(() => store?.close());

  it('pins a failing connection first (it explains everything on it), then the most severe, oldest first', async () => {
    store = openSqliteStore(tempDir());
    await store.saveFinding(finding('old-critical', { severity: 'critical', since: '2026-01-01T00:00:00.000Z' }));
    await store.saveFinding(finding('new-critical', { severity: 'critical', since: '2026-01-01T00:05:00.000Z' }));
    await store.saveFinding(finding('warning', { severity: 'warning', since: '2025-12-31T00:00:00.000Z' }));
    await store.saveFinding(
      finding('connection', { ruleId: 'connection-degraded', severity: 'warning', operationId: null, since: '2026-01-01T00:10:00.000Z' }),
    );
    const { items } = await store.listFindings({ status: 'open', limit: 10, offset: 0 });
    expect(items.map((f) => f.id)).toEqual(['connection', 'old-critical', 'new-critical', 'warning']);
  });
});
