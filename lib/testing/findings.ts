import type { Finding } from '@/lib/model/finding';
import { at } from './operations';

/** A finding as the store would hold it (open, unmarked, on c1:t1); override what the test is about. */
export function finding(over: Partial<Finding> = {}): Finding {
  return {
    id: 'f1',
    ruleId: 'ovirt.paused-system',
    key: 'ovirt.paused-system:c1:t1',
    severity: 'warning',
    title: 'paused',
    explanation: '',
    cause: '',
    since: at(0),
    connectionId: 'c1',
    operationId: 'c1:t1',
    subjectName: 'vm01-disk',
    evidence: [],
    remedies: [],
    supersedes: [],
    status: 'open',
    firstSeenAt: at(0),
    lastSeenAt: at(0),
    claim: null,
    acknowledged: null,
    snoozedUntil: null,
    resolvedAt: null,
    resolution: null,
    resolvedBy: null,
    incident: null,
    ...over,
  };
}
