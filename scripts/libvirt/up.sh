#!/usr/bin/env bash
# Brings up real libvirt for the tests: two libvirtd daemons (source on the
# standard socket, destination in a private mount namespace with its own host
# UUID) on a Debian 12 machine, no systemd. Installs the packages when missing.
# Writes $STATE/env (SRC_URI, DST_URI, DIR) for the tests; down.sh undoes it.
# Fails loudly with the reason: the suite must not skip real-engine tests.
set -euo pipefail
STATE="${PHASEBOARD_LIBVIRT_STATE:-/tmp/phaseboard-libvirt}"
DST="$STATE/dst"
log() { echo "libvirt-up: $*" >&2; }
fail() { echo "libvirt-up: FAILED: $*" >&2; mkdir -p "$STATE"; echo "$*" > "$STATE/failed"; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "needs root to install packages and start libvirtd (running as $(id -un))"
PKGS="qemu-system-x86 qemu-utils libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients libvirt-daemon-system"
if [ ! -x /usr/sbin/libvirtd ] || ! command -v qemu-img >/dev/null || ! command -v virsh >/dev/null; then
  log "installing $PKGS"
  apt-get update -qq -o DPkg::Lock::Timeout=900 || fail "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=900 $PKGS >/dev/null || fail "apt-get install $PKGS failed"
fi

mkdir -p "$STATE" "$DST"/{run,lib,cache,log,etcqemu,sock}
rm -f "$STATE/failed"
chmod 755 "$STATE"
# KVM is not usable here, yet /dev/kvm exists: libvirt would re-probe QEMU on
# every start (~25 s). Inside the daemons' mount namespaces it sees no KVM.
install -m 000 /dev/null "$STATE/nokvm"
# libvirt's own per-domain /dev namespace cannot move the masked /dev/kvm.
printf 'namespaces = []\n' > "$STATE/qemu.conf"
MASK="mount --bind $STATE/nokvm /dev/kvm 2>/dev/null || true; mount --bind $STATE/qemu.conf /etc/libvirt/qemu.conf"

wait_sock() { for _ in $(seq 1 80); do [ -S "$1" ] && return 0; sleep 0.25; done; return 1; }

SRC_URI="qemu:///system"
if virsh -c "$SRC_URI" version >/dev/null 2>&1; then
  log "source libvirtd already answers"
else
  log "starting source virtlogd + libvirtd"
  unshare -m --propagation private sh -c "$MASK; exec /usr/sbin/virtlogd -p $STATE/virtlogd.pid" >"$STATE/virtlogd.log" 2>&1 &
  unshare -m --propagation private sh -c "$MASK; exec /usr/sbin/libvirtd -p $STATE/libvirtd.pid" >"$STATE/libvirtd.log" 2>&1 &
  wait_sock /run/libvirt/libvirt-sock || fail "source libvirtd did not open /run/libvirt/libvirt-sock: $(tail -3 "$STATE/libvirtd.log")"
fi

DST_URI="qemu+unix:///system?socket=$DST/sock/libvirt-sock"
if virsh -c "$DST_URI" version >/dev/null 2>&1; then
  log "destination libvirtd already answers"
else
  log "starting destination libvirtd in a private mount namespace"
  cat >"$DST/libvirtd.conf" <<CONF
unix_sock_dir = "$DST/sock"
host_uuid = "6c0b9a52-9d39-4e6b-8b7b-2f0d5a1c0d57"
auth_unix_rw = "none"
auth_unix_ro = "none"
CONF
  unshare -m --propagation private sh -c "$MASK; \
    mount --bind $DST/run /run/libvirt && mount --bind $DST/lib /var/lib/libvirt && \
    mount --bind $DST/cache /var/cache/libvirt && mount --bind $DST/log /var/log/libvirt && \
    mount --bind $DST/etcqemu /etc/libvirt/qemu && \
    (/usr/sbin/virtlogd -p $DST/virtlogd.pid &) && \
    exec /usr/sbin/libvirtd -f $DST/libvirtd.conf -p $DST/libvirtd.pid" >"$DST/libvirtd.log" 2>&1 &
  wait_sock "$DST/sock/libvirt-sock" || fail "destination libvirtd did not open its socket: $(tail -3 "$DST/libvirtd.log")"
fi

for uri in "$SRC_URI" "$DST_URI"; do
  out=$(virsh -c "$uri" version 2>&1) || fail "virsh -c $uri version: $out"
done
printf 'SRC_URI=%s\nDST_URI=%s\nDIR=%s\n' "$SRC_URI" "$DST_URI" "$STATE" >"$STATE/env"
log "ready: $SRC_URI and $DST_URI (state in $STATE)"
