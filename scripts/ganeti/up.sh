#!/usr/bin/env bash
# Brings up a real two-node Ganeti 3.0 cluster for the tests, from Debian 12's
# own packages, on this machine with no systemd. Each node is a set of
# namespaces (net, uts, mount) kept by a holder process; the two are joined by
# a veth pair (gnt0 in each, 198.51.100.0/24: node1 .1, node2 .2, master IP
# .10) and each runs its own sshd. Ganeti runs the fake hypervisor with
# diskless instances, which can live-migrate, fail over and be cleaned up
# like real ones. node1 is the master; its RAPI (127.0.0.1:5080 inside node1)
# is forwarded by socat to 127.0.0.1:$PHASEBOARD_GANETI_RAPI_PORT (15080) in
# the root namespace.
# Every file of the nodes (/var/lib/ganeti, /var/log/ganeti, /etc/ganeti,
# /etc/ssh, /root, /run, /etc/hosts, ...) is a per-node copy under $STATE,
# bind-mounted only inside that node's mount namespace; apart from the apt
# packages nothing is written outside $STATE.
# Installs the packages with apt when missing. Idempotent: a second run with
# the cluster up only checks that RAPI answers. Writes $STATE/env for the
# tests; down.sh undoes everything. Fails loudly with the reason in
# $STATE/failed: the suite must not skip real-engine tests.
# Creates inst1.gnt.test (diskless, 64M) on node1 unless
# PHASEBOARD_GANETI_NO_INSTANCE=1.
set -Eeuo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C.UTF-8
STATE="${PHASEBOARD_GANETI_STATE:-/tmp/phaseboard-ganeti}"
PORT="${PHASEBOARD_GANETI_RAPI_PORT:-15080}"
HERE="$(cd "$(dirname "$0")" && pwd)"
DOMAIN=gnt.test
NET=198.51.100
CLUSTER="cluster.$DOMAIN" NODE1="node1.$DOMAIN" NODE2="node2.$DOMAIN" INSTANCE="inst1.$DOMAIN"
RAPI_USER=phaseboard RAPI_RO_USER=phaseboard-ro
LOGS="$STATE/logs"
T0=$(date +%s.%N)

since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
log() { echo "ganeti-up: [$(since "$T0") s] $*" >&2; }
fail() { # the first reason wins (the ERR trap also fires in subshells, then in the shell around them)
  mkdir -p "$STATE" && rm -f "$STATE/env"
  if [ ! -s "$STATE/failed" ]; then
    echo "$*" >"$STATE/failed"
    echo "ganeti-up: FAILED: $*" >&2
  fi
  exit 1
}
rm -f "$STATE/failed"
trap 'rc=$?; fail "line $LINENO: \`$BASH_COMMAND\` exited $rc"' ERR
tail_of() { tail -n "${2:-5}" "$1" 2>/dev/null | tr '\n' ' ' | cut -c1-800; }

[ "$(id -u)" -eq 0 ] || fail "needs root for namespaces, mounts and packages (running as $(id -un))"
case "$STATE" in *[[:space:]]* | "" | / | /tmp | /var | /var/tmp) fail "PHASEBOARD_GANETI_STATE must be a dedicated directory without spaces: '$STATE'" ;; esac
case "$PORT" in '' | *[!0-9]*) fail "PHASEBOARD_GANETI_RAPI_PORT must be a port number: '$PORT'" ;; esac

proc() { # pid -> "state starttime" from /proc/<pid>/stat
  local s
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  s=${s##*) }
  # shellcheck disable=SC2086
  set -- $s
  echo "$1 ${20}"
}
alive() { # pid-file holding "pid starttime": the process still runs (not a reused pid)
  local p t st start
  [ -s "$1" ] || return 1
  read -r p t <"$1" || return 1
  read -r st start <<<"$(proc "$p")" || return 1
  [ "$st" != Z ] && [ "$start" = "$t" ]
}
ROOT_NET=$(readlink /proc/self/ns/net)

# ---------------------------------------------------------------- already up?
healthy() {
  [ -s "$STATE/env" ] && alive "$STATE/n1/holder.pid" && alive "$STATE/n2/holder.pid" && alive "$STATE/forward.pid" || return 1
  local url user pw
  url=$(sed -n 's/^RAPI_URL=//p' "$STATE/env") user=$(sed -n 's/^RAPI_USER=//p' "$STATE/env")
  pw=$(sed -n 's/^RAPI_PASSWORD=//p' "$STATE/env")
  [ "$url" = "https://127.0.0.1:$PORT" ] || return 1
  curl -sfk --max-time 10 -u "$user:$pw" "$url/2/info" -o /dev/null
}
if healthy; then
  echo "ganeti-up: already up: RAPI answers on https://127.0.0.1:$PORT, checked in $(since "$T0") s (env in $STATE/env)" >&2
  exit 0
fi
if [ -e "$STATE" ]; then
  log "state in $STATE but the cluster is not (fully) up: tearing it down first"
  bash "$HERE/down.sh" >&2 || fail "down.sh could not clear the old state in $STATE"
fi

# ---------------------------------------------------------------- packages
PKGS="ganeti ganeti-os-noop openssh-server socat"
# shellcheck disable=SC2086
MISSING=$(for p in $PKGS; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"
done | tr '\n' ' ')
mkdir -p "$STATE" "$LOGS"
chmod 700 "$STATE"
if [ -n "${MISSING// /}" ]; then
  log "installing $MISSING"
  t=$(date +%s.%N)
  # On a machine with an init system apt would start sshd and Ganeti's
  # daemons in the root namespace; forbid that unless a policy already does.
  OWN_POLICY=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && OWN_POLICY=1
  fi
  apt-get update -qq -o DPkg::Lock::Timeout=900 >"$STATE/apt.log" 2>&1 || {
    [ -z "$OWN_POLICY" ] || rm -f /usr/sbin/policy-rc.d
    fail "apt-get update failed: $(tail_of "$STATE/apt.log")"
  }
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=900 $MISSING \
    >>"$STATE/apt.log" 2>&1 || {
    [ -z "$OWN_POLICY" ] || rm -f /usr/sbin/policy-rc.d
    fail "apt-get install $MISSING failed: $(tail_of "$STATE/apt.log")"
  }
  [ -z "$OWN_POLICY" ] || rm -f /usr/sbin/policy-rc.d
  log "installed in $(since "$t") s"
fi
for b in gnt-cluster gnt-node gnt-instance /usr/lib/ganeti/daemon-util /usr/sbin/sshd socat unshare nsenter ssh-keygen openssl curl; do
  command -v "$b" >/dev/null || fail "$b is missing after installing $PKGS"
done
[ -d /usr/share/ganeti/os/noop ] || [ -d /srv/ganeti/os/noop ] || ls -d /usr/share/ganeti/*/os/noop >/dev/null 2>&1 ||
  fail "the noop OS definition (ganeti-os-noop) is missing"

# ---------------------------------------------------------------- the port
owner=$(ss -Hltnp "sport = :$PORT" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)
[ -z "$owner" ] || fail "port 127.0.0.1:$PORT is taken by pid $owner ($(tr '\0' ' ' <"/proc/$owner/cmdline" 2>/dev/null | cut -c1-120)); set PHASEBOARD_GANETI_RAPI_PORT"

# ---------------------------------------------------------------- node files
# One root key pair and one set of ssh host keys for both nodes (Ganeti gives
# every node the master's host keys anyway), so `gnt-node add` asks nothing.
mkdir -p "$STATE/keys"
ssh-keygen -q -t rsa -b 2048 -N '' -C "root@$DOMAIN" -f "$STATE/keys/id_rsa"
for t in rsa ecdsa ed25519; do ssh-keygen -q -t "$t" -N '' -C "root@$DOMAIN" -f "$STATE/keys/ssh_host_${t}_key"; done

# The holder: first process of a node, inside `unshare --net --uts --mount
# --propagation private --fork`. It bind-mounts the node's own files over the
# system's (a private /run, so daemon-util never sees a systemd and Ganeti's
# pid files, sockets and fake hypervisor state stay per node), sets the host
# name, brings lo up, writes its pid and sleeps until down.sh ends it.
cat >"$STATE/holder.sh" <<'EOF'
#!/bin/sh
set -e
N=$1 D=$2 NAME=$3
mount --bind "$D/run" /run
mkdir -p /run/lock /run/sshd /run/ganeti
chmod 1777 /run/lock
ln -sfn /dev/shm /run/shm
mount --bind "$D/lib" /var/lib/ganeti
mount --bind "$D/log" /var/log/ganeti
mount --bind "$D/etc-ganeti" /etc/ganeti
mount --bind "$D/default-ganeti" /etc/default/ganeti
mount --bind "$D/etc-ssh" /etc/ssh
mount --bind "$D/root" /root
mount --bind "$D/hosts" /etc/hosts
mount --bind "$D/hostname" /etc/hostname
hostname "$NAME"
ip link set lo up
echo $$ >"$D/pid.new"
mv "$D/pid.new" "$D/pid"
exec sleep infinity
EOF
chmod 755 "$STATE/holder.sh"

for N in 1 2; do
  D="$STATE/n$N"
  mkdir -p "$D"/{run,lib,log,etc-ganeti,root/.ssh}
  cp -a /etc/ganeti/. "$D/etc-ganeti/" # keeps its symlinks (share, lib)
  mkdir -p "$D/etc-ganeti/hooks/instance-migrate-pre.d" "$D/etc-ganeti/hooks/instance-failover-pre.d"
  cp -a /etc/ssh "$D/etc-ssh"
  rm -f "$D"/etc-ssh/ssh_host_*
  cp "$STATE"/keys/ssh_host_* "$D/etc-ssh/"
  cp /etc/default/ganeti "$D/default-ganeti"
  cp "$STATE/keys/id_rsa" "$STATE/keys/id_rsa.pub" "$D/root/.ssh/"
  cp "$STATE/keys/id_rsa.pub" "$D/root/.ssh/authorized_keys"
  chmod 700 "$D/root" "$D/root/.ssh"
  chmod 600 "$D"/root/.ssh/*
  echo "node$N.$DOMAIN" >"$D/hostname"
  printf '127.0.0.1\tlocalhost\n%s.1\t%s node1\n%s.2\t%s node2\n%s.10\t%s cluster\n' \
    "$NET" "$NODE1" "$NET" "$NODE2" "$NET" "$CLUSTER" >"$D/hosts"
done

# ---------------------------------------------------------------- namespaces
for N in 1 2; do
  setsid unshare --net --uts --mount --propagation private --fork \
    "$STATE/holder.sh" "$N" "$STATE/n$N" "node$N.$DOMAIN" </dev/null >"$LOGS/holder-$N.log" 2>&1 &
done
for N in 1 2; do
  for _ in $(seq 1 100); do [ -s "$STATE/n$N/pid" ] && break; sleep 0.05; done
  [ -s "$STATE/n$N/pid" ] || fail "node$N's holder did not start: $(tail_of "$LOGS/holder-$N.log")"
  p=$(cat "$STATE/n$N/pid")
  echo "$p $(proc "$p" | cut -d' ' -f2)" >"$STATE/n$N/holder.pid"
  ns=$(readlink "/proc/$p/ns/net")
  [ "$ns" != "$ROOT_NET" ] || fail "node$N's holder (pid $p) is in the root network namespace"
  echo "$ns" >"$STATE/n$N/netns"
done
P1=$(cut -d' ' -f1 "$STATE/n1/holder.pid") P2=$(cut -d' ' -f1 "$STATE/n2/holder.pid")
# The veth pair is created straight inside the two namespaces: no name in the root namespace.
ip link add gnt0 netns "$P1" type veth peer name gnt0 netns "$P2"
in_node() { local p=$1; shift; nsenter -t "$p" -n -u -m "$@"; }
for N in 1 2; do
  p=$(cut -d' ' -f1 "$STATE/n$N/holder.pid")
  in_node "$p" ip addr add "$NET.$N/24" dev gnt0
  in_node "$p" ip link set gnt0 up
  in_node "$p" /usr/sbin/sshd -E /var/log/ganeti/sshd.log </dev/null # daemonizes; pid file in the node's /run
done
for _ in $(seq 1 100); do
  in_node "$P1" bash -c "exec 3<>/dev/tcp/$NET.2/22" 2>/dev/null && break
  sleep 0.05
done
in_node "$P1" bash -c "exec 3<>/dev/tcp/$NET.2/22" 2>/dev/null || fail "node1 cannot reach node2's sshd at $NET.2:22"
log "nodes up: namespaces, veth gnt0 ($NET.0/24), sshd (holders $P1, $P2)"

# The helper for tests: $STATE/in.sh NODE CMD... runs CMD inside a node
# (NODE: 1, 2, node1, node2 or the full name).
cat >"$STATE/in.sh" <<EOF
#!/bin/sh
# Runs a command inside a node of the Ganeti test cluster: in.sh NODE CMD...
# (NODE: 1, 2, node1, node2, $NODE1 or $NODE2).
case "\$1" in 1 | node1 | $NODE1) N=1 ;; 2 | node2 | $NODE2) N=2 ;; *) echo "in.sh: unknown node '\$1'" >&2; exit 2 ;; esac
shift
P=\$(cut -d' ' -f1 "$STATE/n\$N/holder.pid") || exit 1
exec nsenter -t "\$P" -n -u -m "\$@"
EOF
chmod 755 "$STATE/in.sh"

# ---------------------------------------------------------------- the cluster
t=$(date +%s.%N)
in_node "$P1" gnt-cluster init --enabled-hypervisors=fake --enabled-disk-templates=diskless \
  --master-netdev=gnt0 --master-netmask=32 --no-etc-hosts --no-ssh-init \
  --nic-parameters=mode=routed,link=gnt0 \
  --ipolicy-bounds-specs min:cpu-count=1,disk-count=0,disk-size=0,memory-size=32,nic-count=0,spindle-use=0/max:cpu-count=8,disk-count=16,disk-size=1048576,memory-size=32768,nic-count=8,spindle-use=12 \
  "$CLUSTER" </dev/null >"$LOGS/cluster-init.log" 2>&1 || fail "gnt-cluster init failed: $(tail_of "$LOGS/cluster-init.log")"
log "gnt-cluster init $CLUSTER on $NODE1 ($(since "$t") s)"

# RAPI users, written before node2 joins (gnt-node add copies the file;
# later edits would need gnt-cluster redist-conf). A fresh password per
# bring-up; the read-only user has no "write" option.
RAPI_PASSWORD=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
RAPI_RO_PASSWORD=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
U="$STATE/n1/lib/rapi/users"
[ -d "$STATE/n1/lib/rapi" ] || fail "gnt-cluster init left no /var/lib/ganeti/rapi on node1"
printf '%s %s write\n%s %s\n' "$RAPI_USER" "$RAPI_PASSWORD" "$RAPI_RO_USER" "$RAPI_RO_PASSWORD" >"$U.new"
in_node "$P1" sh -c 'chown gnt-rapi:gnt-masterd /var/lib/ganeti/rapi/users.new && chmod 640 /var/lib/ganeti/rapi/users.new &&
  mv /var/lib/ganeti/rapi/users.new /var/lib/ganeti/rapi/users'

t=$(date +%s.%N)
in_node "$P1" gnt-node add "$NODE2" </dev/null >"$LOGS/node-add.log" 2>&1 || fail "gnt-node add $NODE2 failed: $(tail_of "$LOGS/node-add.log")"
log "gnt-node add $NODE2 ($(since "$t") s)"

if [ "${PHASEBOARD_GANETI_NO_INSTANCE:-}" != 1 ]; then
  t=$(date +%s.%N)
  in_node "$P1" gnt-instance add -n "$NODE1" -t diskless -o noop --no-nics --no-name-check --no-ip-check \
    -B memory=64M "$INSTANCE" </dev/null >"$LOGS/instance-add.log" 2>&1 ||
    fail "gnt-instance add $INSTANCE failed: $(tail_of "$LOGS/instance-add.log")"
  log "gnt-instance add $INSTANCE on $NODE1 ($(since "$t") s)"
else
  INSTANCE=""
fi

# ---------------------------------------------------------------- RAPI from the root namespace
setsid socat "TCP-LISTEN:$PORT,bind=127.0.0.1,reuseaddr,fork" \
  "EXEC:nsenter -t $P1 -n socat STDIO TCP\\:127.0.0.1\\:5080" </dev/null >"$LOGS/forward.log" 2>&1 &
echo "$! $(proc $! | cut -d' ' -f2)" >"$STATE/forward.pid"
ok=""
for _ in $(seq 1 150); do
  if curl -sfk --max-time 5 -u "$RAPI_USER:$RAPI_PASSWORD" "https://127.0.0.1:$PORT/2/info" -o /dev/null; then ok=1; break; fi
  alive "$STATE/forward.pid" || fail "the RAPI forward (socat) died: $(tail_of "$LOGS/forward.log")"
  sleep 0.2
done
[ -n "$ok" ] || fail "RAPI does not answer on https://127.0.0.1:$PORT/2/info after 30 s: $(tail_of "$STATE/n1/log/rapi-daemon.log" 3)"

# The certificate RAPI serves (without its key), checked against what the
# port really hands out.
openssl x509 -in "$STATE/n1/lib/rapi.pem" -out "$STATE/rapi-cert.pem"
CERT_SHA256=$(openssl x509 -in "$STATE/rapi-cert.pem" -noout -fingerprint -sha256 | cut -d= -f2)
SERVED=$(openssl s_client -connect "127.0.0.1:$PORT" </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256 | cut -d= -f2)
[ "$SERVED" = "$CERT_SHA256" ] || fail "RAPI serves certificate $SERVED, not rapi.pem's $CERT_SHA256"

# Where the fake hypervisor keeps "running" instances (one file each), per node.
for N in 1 2; do mkdir -p -m 775 "$STATE/n$N/run/ganeti/fake-hypervisor"; done

cat >"$STATE/env.new" <<EOF
RAPI_URL=https://127.0.0.1:$PORT
RAPI_USER=$RAPI_USER
RAPI_PASSWORD=$RAPI_PASSWORD
RAPI_RO_USER=$RAPI_RO_USER
RAPI_RO_PASSWORD=$RAPI_RO_PASSWORD
RAPI_CERT_FILE=$STATE/rapi-cert.pem
RAPI_CERT_SHA256=$CERT_SHA256
CLUSTER=$CLUSTER
NODE1=$NODE1
NODE2=$NODE2
NODE1_PID=$P1
NODE2_PID=$P2
INSTANCE=$INSTANCE
IN=$STATE/in.sh
HOOKS_DIR1=$STATE/n1/etc-ganeti/hooks
HOOKS_DIR2=$STATE/n2/etc-ganeti/hooks
FAKE_HV_STATE_DIR1=$STATE/n1/run/ganeti/fake-hypervisor
FAKE_HV_STATE_DIR2=$STATE/n2/run/ganeti/fake-hypervisor
DIR=$STATE
EOF
chmod 600 "$STATE/env.new"
mv "$STATE/env.new" "$STATE/env"

MEM=$(for N in 1 2; do
  ns=$(cat "$STATE/n$N/netns")
  for p in /proc/[0-9]*; do if [ "$(readlink "$p/ns/net" 2>/dev/null)" = "$ns" ]; then echo "${p#/proc/}"; fi; done
done | sort -u | while read -r q; do
  awk '/^Rss:/ { r = $2 } /^Pss:/ { p = $2 } END { print r, p }' "/proc/$q/smaps_rollup" 2>/dev/null
done | awk '{ r += $1; p += $2; n++ } END { printf "%d processes, %.0f MiB RSS (%.0f MiB PSS)", n, r / 1024, p / 1024 }')
echo "ganeti-up: ready: $CLUSTER ($NODE1 master, $NODE2)${INSTANCE:+, $INSTANCE on $NODE1}, RAPI https://127.0.0.1:$PORT, $MEM, in $(since "$T0") s (env in $STATE/env)" >&2
