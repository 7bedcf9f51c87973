// Prints one plain "N passed, N failed" line from vitest's and Playwright's JSON reports.
import { existsSync, readFileSync } from 'node:fs';

const [unitPath, e2ePath] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
if (unitPath && existsSync(unitPath)) {
  const u = JSON.parse(readFileSync(unitPath, 'utf8'));
  passed += u.numPassedTests;
  failed += u.numFailedTests;
  skipped += u.numPendingTests + u.numTodoTests;
  // A file whose setup failed (say, real libvirt not up) leaves its tests
  // unrun: those count as failed, not skipped.
  for (const file of u.testResults ?? []) {
    if (file.status !== 'failed') continue;
    const unrun = (file.assertionResults ?? []).filter((a) => a.status === 'pending' || a.status === 'skipped').length;
    failed += unrun || ((file.assertionResults ?? []).length === 0 ? 1 : 0);
    skipped -= unrun;
  }
} else failed += 1;
if (e2ePath && existsSync(e2ePath)) {
  const s = JSON.parse(readFileSync(e2ePath, 'utf8')).stats;
  passed += s.expected + s.flaky;
  failed += s.unexpected;
  skipped += s.skipped;
} else failed += 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
