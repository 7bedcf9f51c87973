#!/usr/bin/env bash
# `npm test`: every check phaseboard has — types, unit tests, then browser
# tests against a production build. Prints one "N passed, N failed" line.
set -uo pipefail
cd "$(dirname "$0")/.."
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 NEXT_TELEMETRY_DISABLED=1

bash scripts/setup.sh || { echo "test: setup failed"; exit 1; }
rm -rf reports && mkdir -p reports
# A real OpenStack control plane (about 2 min to install, 80 s to start) and
# then a real two-node Ganeti cluster (20 s to install, 15 s to start) come up
# while the types are checked and the app is built: one after the other, as
# both install packages.
(
  bash scripts/openstack/up.sh >reports/openstack-up.log 2>&1
  bash scripts/ganeti/up.sh >reports/ganeti-up.log 2>&1
) &
engines_up=$!
trap 'kill $engines_up 2>/dev/null; bash scripts/libvirt/down.sh >/dev/null 2>&1; bash scripts/openstack/down.sh >/dev/null 2>&1; bash scripts/ganeti/down.sh >/dev/null 2>&1' EXIT
npx tsc --noEmit || { echo "test: type check failed"; exit 1; }
# Layers (eslint's no-restricted-imports, eslint.config.mjs) and formatting (prettier): both fail the run.
npm run --silent lint || { echo "test: lint failed (npm run format fixes formatting)"; exit 1; }
npx next build >reports/build.log 2>&1 || { cat reports/build.log; echo "test: build failed"; exit 1; }

# Real libvirtd + QEMU for the libvirt tests. If they (or OpenStack, or Ganeti)
# cannot come up, the tests that need them fail with the reason (written by
# up.sh); nothing skips.
bash scripts/libvirt/up.sh || echo "test: real libvirt is not up; its tests will fail with the reason"
wait $engines_up
for failed in "${PHASEBOARD_OPENSTACK_STATE:-/tmp/phaseboard-openstack}/failed" "${PHASEBOARD_GANETI_STATE:-/tmp/phaseboard-ganeti}/failed"; do
  if [ -s "$failed" ]; then echo "test: $(dirname "$failed") did not come up; its tests will fail with the reason: $(cat "$failed")"; fi
done

npx vitest run --reporter=default --reporter=json --outputFile.json=reports/unit.json
unit=$?
npx playwright test
e2e=$?

node scripts/test-summary.mjs reports/unit.json reports/e2e.json
[ "$unit" -eq 0 ] && [ "$e2e" -eq 0 ]
