import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { openOperation, runAction, startScenario, subjectOf, untilNeedsYou } from './helpers';
import { openFinding } from './triage-helpers';

test('a failed finalize: triage flags it, and the support bundle holds the whole story without secrets', async ({ page, request }) => {
  test.setTimeout(90_000);
  const id = await startScenario('finalize-failure', 4);
  await openOperation(page, id);
  await untilNeedsYou(page, 'Finalize');
  await runAction(page, 'Finalize');
  await expect(page.getByTestId('state').first()).toHaveText('failed', { timeout: 30_000 });
  const finding = await openFinding(request, id, 'action-failed');
  await expect(page.getByTestId('operation-findings')).toContainText(`finalize failed on ${await subjectOf(id)}`);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download support bundle' }).click()]);
  expect(download.suggestedFilename()).toBe(`phaseboard-${id.replace(/[^A-Za-z0-9._-]+/g, '_')}.json`);
  const text = fs.readFileSync((await download.path())!, 'utf8');
  const bundle = JSON.parse(text);
  expect(bundle.kind).toBe('phaseboard-support-bundle');
  expect(bundle.phaseboard.version).toMatch(/^\d+\.\d+\.\d+$/);
  expect(bundle.engine.version).toEqual({ product: 'oVirt Engine (phaseboard simulator)', version: '4.5.5.0' });
  expect(bundle.operation).toMatchObject({ id, state: 'failed', nativePhase: 'finished_failure' });
  expect(bundle.timeline.map((e: { entry: { type: string; to?: string } }) => e.entry.to).filter(Boolean)).toContain('finished_failure');
  expect(bundle.formatVersion).toBe(2);
  expect(bundle.actionRuns).toContainEqual(
    expect.objectContaining({ action: 'finalize', status: 'failed', actor: { kind: 'user', id: expect.any(String), name: 'e2eadmin' }, playbook: null }),
  );
  const flagged = bundle.findings.find((f: { id: string }) => f.id === finding.id);
  expect(flagged.journal[0]).toMatchObject({ kind: 'opened', by: { kind: 'phaseboard' } });
  // Credentials never leave the server: the simulator's random password is nowhere, nor any key.
  expect(text).not.toMatch(/"password":\s*"(?!\[redacted\])/);
  expect(text).not.toContain('-----BEGIN');
});
