import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OperationSnapshot } from '@/lib/model/snapshot';
import { describeGanetiActions } from './actions';
import { refused } from './client';
import { instanceOpcode, jobKind, jobSnapshot, progressOf } from './normalize';
import { Instance, Job, JobId, JobList, JobWait, parsePayload, type LogEntry } from './parse';

const raw = (name: string, status = 200) => ({ status, headers: {}, text: fs.readFileSync(path.join(__dirname, 'fixtures', `${name}.json`), 'utf8') });
const job = (name: string) => parsePayload(Job, name, raw(name));
const instance = (name: string) => parsePayload(Instance, name, raw(name));
const snap = (name: string, inst: string | null = null, source: string | null = 'node1.gnt.test') => {
  const j = job(name);
  return jobSnapshot(j, instanceOpcode(j)!, { instance: inst ? instance(inst) : null, source });
};
const view = (s: OperationSnapshot) => ({ ...s, gone: false, progress: s.progress ? { ...s.progress } : null });
const action = (s: OperationSnapshot, name: string) => describeGanetiActions(view(s)).find((a) => a.name === name);

/** Recorded answers of a real Ganeti 3.0 cluster (fixtures/SOURCE.txt) through the parser and normalizer. */
describe('Ganeti RAPI answers → operations', () => {
  it('a submitted job answers a bare id; an unknown job answers 200 with every field null', () => {
    expect(parsePayload(JobId, 'submit', raw('migrate-live-submit'))).toBe(25);
    expect(parsePayload(Job, 'unknown', raw('job-unknown-all-null')).status).toBeNull();
  });

  it('a live migration by the allocator: nodes from the log, every log line in order, succeeded', () => {
    const s = snap('migrate-live-job-success', 'instance-running-node2-after-migrate');
    expect(OperationSnapshot.safeParse(s).error).toBeUndefined();
    expect(s).toMatchObject({ nativeId: 'job:25', kind: 'live_migration', nativePhase: 'success', state: 'succeeded', subject: { name: 'inst1.gnt.test' } });
    expect(s.details).toMatchObject({ source: 'node1.gnt.test', target: 'node2.gnt.test', allocator: 'hail', mode: 'live', instanceStatus: 'running' });
    expect(s.log!.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(s.log![1]).toEqual({ seq: 2, at: '2026-11-22T01:51:35.980Z', text: 'Migrating instance inst1.gnt.test' });
    expect(s.details.lastLog).toBe('* done');
  });

  it('queued, waiting and running are told apart; a pre-hook shows as running with no log yet', () => {
    expect(snap('migrate-live-job-queued')).toMatchObject({ nativePhase: 'queued', state: 'pending' });
    expect(snap('migrate-blocked-job-waiting')).toMatchObject({ nativePhase: 'waiting', state: 'pending' });
    const hook = snap('migrate-slow-job-running-in-hook');
    expect(hook).toMatchObject({ nativePhase: 'running', state: 'running', log: [] });
    expect(hook.details.lastLog).toBeNull();
  });

  it('a failover and a cleanup are their own kinds; the cleanup says where it found the instance', () => {
    expect(snap('failover-job-success')).toMatchObject({ kind: 'failover', details: { target: 'node2.gnt.test' } });
    const c = snap('cleanup-wrongnode-job-success');
    expect(c.kind).toBe('migration_cleanup');
    expect(c.details.target).toBe('node1.gnt.test');
    expect(jobKind({ OP_ID: 'OP_INSTANCE_MIGRATE', mode: 'non-live' })).toBe('cold_migration');
  });

  it('a target whose noded is down: OpPrereqError with its kind, retry allowed once the instance runs on its primary', () => {
    const s = snap('migrate-target-down-job-error', 'instance-running-node1');
    expect(s).toMatchObject({ state: 'failed', details: { errorClass: 'OpPrereqError', errorKind: 'environment_error' } });
    expect(s.details.failure).toMatch(/^Can't get data from node node2\.gnt\.test: Error 7: Failed to connect/);
    expect(action(s, 'retry')).toMatchObject({ enabled: true });
  });

  it('the wrong-node state after a migration: cleanup offered, retry refused until it is repaired', () => {
    const s = snap('migrate-live-job-success', 'instance-wrongnode-config-node1-running-node2');
    expect(s.details.instanceStatus).toBe('ERROR_down');
    expect(action(s, 'cleanup')).toMatchObject({ enabled: true, awaited: true });
    const failed = snap('migrate-target-down-job-error', 'instance-wrongnode-config-node1-running-node2');
    expect(action(failed, 'retry')).toMatchObject({ enabled: false, reason: expect.stringMatching(/ERROR_down.*clean up first/) });
    expect(action(snap('migrate-live-job-success', 'instance-running-node2-after-migrate'), 'cleanup')).toMatchObject({ enabled: false });
  });

  it('a cleanup that finds the instance nowhere fails with OpExecError and offers the stop-and-start', () => {
    const s = snap('cleanup-running-nowhere-job-error', 'instance-running-nowhere');
    expect(s.details).toMatchObject({ errorClass: 'OpExecError', target: null });
    expect(s.details.failure).toMatch(/does not seem to be running at all/);
    expect(action(s, 'restart')).toMatchObject({ enabled: true });
  });

  it('a cancelled job is cancelled, not failed; only queued and waiting jobs offer cancel', () => {
    const s = snap('migrate-blocked-job-canceled');
    expect(s).toMatchObject({ state: 'cancelled', details: { errorClass: null, failure: 'Job canceled by request' } });
    expect(action(snap('migrate-blocked-job-waiting'), 'cancel')).toMatchObject({ enabled: true });
    expect(action(snap('migrate-live-job-running'), 'cancel')).toMatchObject({
      enabled: false,
      reason: expect.stringMatching(/only while it is queued or waiting/),
    });
  });

  it('reads /wait answers: new log lines with their serials, and the unchanged 10-s answer with none', () => {
    const w = parsePayload(JobWait, 'wait', raw('migrate-live-wait-05'));
    expect(w.job_info).toEqual(['running', ['running']]);
    expect(w.log_entries.map((e) => e[0])).toEqual([2]);
    expect(parsePayload(JobWait, 'wait', raw('migrate-slow-wait-unchanged')).log_entries).toEqual([]);
  });

  it('lists jobs in bulk without their logs', () => {
    const list = parsePayload(JobList, 'jobs', raw('jobs-bulk-one-running-one-blocked'));
    expect(list.length).toBeGreaterThan(3);
    expect(list.every((j) => j.oplog === undefined)).toBe(true);
  });

  it("Ganeti's error bodies are told in its words, unescaped, with a hint for auth", () => {
    const e = refused(raw('error-400-migrate-bad-mode', 400), 'PUT /2/instances/inst1.gnt.test/migrate');
    expect(e.message).toContain(`Parameter 'OP_INSTANCE_MIGRATE.mode' fails validation`);
    expect(refused(raw('error-403-read-only-user-wait', 403), 'wait').message).toMatch(/needs the "write" option/);
  });

  it('takes progress from a migration that reports it', () => {
    const line = (seq: number, text: string): LogEntry => [seq, [1, 0], 'message', text];
    expect(progressOf([line(1, '* starting memory transfer'), line(2, '* memory transfer progress: 42.10 %')])).toBe(42.1);
    expect(progressOf([line(1, ' - INFO: - device disk/0: 63.20% done, 1m 2s remaining (estimated)')])).toBe(63.2);
    expect(progressOf([line(1, 'Migrating instance inst1')])).toBeNull();
  });
});
