#!/usr/bin/env bash
# Undoes up.sh: destroys test domains (pbt-*), stops both daemons by PID.
set -uo pipefail
STATE="${PHASEBOARD_LIBVIRT_STATE:-/tmp/phaseboard-libvirt}"
DST_URI="qemu+unix:///system?socket=$STATE/dst/sock/libvirt-sock"
for uri in qemu:///system "$DST_URI"; do
  for d in $(virsh -c "$uri" list --all --name 2>/dev/null | grep '^pbt-' || true); do virsh -c "$uri" destroy "$d" >/dev/null 2>&1; done
done
for pid in "$STATE"/dst/libvirtd.pid "$STATE"/dst/virtlogd.pid "$STATE"/libvirtd.pid "$STATE"/virtlogd.pid; do
  [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null
done
rm -rf "$STATE"/dst/sock "$STATE"/env
echo "libvirt-down: stopped"
