#!/usr/bin/env bash
# Brings up a real OpenStack control plane for the tests, from Debian 12's own
# Zed packages, on this machine with no systemd: Keystone, Placement, Nova
# (api, conductor, scheduler and two computes on a fake driver), Neutron
# server (Nova needs it even with no networks) and Cinder (api, scheduler,
# volume on the fake driver). It uses the machine's MariaDB (root, no
# password) and RabbitMQ (guest) but only its own databases (pbos_*), its
# own database user and its own vhost. Every config file, key, log and pid
# lives under $STATE; nothing is written to /etc.
# Installs the packages with apt when missing. Idempotent: a second run with
# the stack up only checks it. Writes $STATE/env for the tests; down.sh
# undoes everything. Fails loudly with the reason in $STATE/failed: the suite
# must not skip real-engine tests.
# The fake compute driver ($STATE/lib/phaseboard_fake.py, written below)
# keeps a live migration `running` for the number of seconds in
# $STATE/live-migration-seconds (read when each migration starts; tests may
# change it), reporting memory progress, until force-complete or abort; a
# volume attach, detach or swap takes the seconds in $STATE/volume-seconds.
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin # python3 must be Debian's, not a pyenv one
export LC_ALL=C.UTF-8
STATE="${PHASEBOARD_OPENSTACK_STATE:-/tmp/phaseboard-openstack}"
ETC="$STATE/etc" LOGS="$STATE/logs" PIDS="$STATE/pids" LIB="$STATE/lib" DONE="$STATE/done"
HERE="$(cd "$(dirname "$0")" && pwd)"
IP=127.0.0.1
DBS="pbos_keystone pbos_placement pbos_neutron pbos_nova_api pbos_nova pbos_nova_cell0 pbos_cinder"
DB_USER=pbos
VHOST=phaseboard-openstack
HOSTS="fake-1 fake-2"
PORTS="5000 8774 8776 8778 9696"
T0=$(date +%s.%N)

since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
log() { echo "openstack-up: [$(since "$T0") s] $*" >&2; }
fail() {
  echo "openstack-up: FAILED: $*" >&2
  mkdir -p "$STATE" && echo "$*" >"$STATE/failed" && rm -f "$STATE/env"
  exit 1
}
trap 'rc=$?; fail "line $LINENO: \`$BASH_COMMAND\` exited $rc"' ERR
tail_of() { tail -n "${2:-5}" "$1" 2>/dev/null | tr '\n' ' ' | cut -c1-800; }

[ "$(id -u)" -eq 0 ] || fail "needs root to install packages and start services (running as $(id -un))"
case "$STATE" in *[[:space:]]*) fail "PHASEBOARD_OPENSTACK_STATE must not contain spaces: '$STATE'" ;; esac

# ---------------------------------------------------------------- packages
# Not nova-compute: it pulls libvirt and QEMU; the fake computes run from
# python3-nova alone.
PKGS="keystone placement-api nova-api nova-conductor nova-scheduler neutron-server
  cinder-api cinder-scheduler cinder-volume python3-openstackclient uwsgi-core uwsgi-plugin-python3"
# shellcheck disable=SC2086
MISSING=$(for p in $PKGS; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"
done | tr '\n' ' ')
if [ -n "${MISSING// /}" ]; then
  log "installing $MISSING"
  mkdir -p "$STATE"
  t=$(date +%s.%N)
  # Every dbconfig/endpoint question of these packages already defaults to
  # false; say so explicitly so no postinst ever touches a database.
  debconf-set-selections <<'EOF'
keystone keystone/configure_db boolean false
keystone keystone/create-admin-tenant boolean false
keystone keystone/register-endpoint boolean false
placement-common placement/configure_db boolean false
placement-common placement/configure_ksat boolean false
placement-api placement/configure_api-endpoint boolean false
nova-common nova/configure_db boolean false
nova-common nova/configure_rabbit boolean false
nova-common nova/configure_ksat boolean false
nova-common nova/configure_neutron boolean false
nova-common nova/configure_placement boolean false
nova-api novaapi/configure_db boolean false
nova-api nova/configure_api-endpoint boolean false
neutron-common neutron/configure_db boolean false
neutron-common neutron/configure_rabbit boolean false
neutron-common neutron/configure_ksat boolean false
neutron-common neutron/configure_nova boolean false
cinder-common cinder/configure_db boolean false
cinder-common cinder/configure_rabbit boolean false
cinder-common cinder/configure_ksat boolean false
cinder-api cinder/configure_api-endpoint boolean false
EOF
  # On a machine with an init system apt would start Debian's own daemons on
  # our ports; forbid that for this install unless a policy already does.
  OWN_POLICY=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && OWN_POLICY=1
  fi
  apt-get update -qq -o DPkg::Lock::Timeout=900 || { [ -z "$OWN_POLICY" ] || rm -f /usr/sbin/policy-rc.d; fail "apt-get update failed"; }
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=900 $MISSING \
    >"$STATE/apt.log" 2>&1 || {
    [ -z "$OWN_POLICY" ] || rm -f /usr/sbin/policy-rc.d
    fail "apt-get install $MISSING failed: $(tail_of "$STATE/apt.log")"
  }
  [ -z "$OWN_POLICY" ] || rm -f /usr/sbin/policy-rc.d
  log "installed in $(since "$t") s"
fi
for b in keystone-manage placement-manage nova-manage neutron-server neutron-db-manage cinder-manage cinder-volume uwsgi_python3; do
  command -v "$b" >/dev/null || fail "$b is missing after installing $PKGS"
done

# ---------------------------------------------------------------- state
mkdir -p "$ETC"/{keystone,placement,neutron,nova,cinder} "$LOGS" "$PIDS" "$LIB" "$DONE" \
  "$STATE"/var/{keystone,nova,cinder,neutron,fake-1,fake-2}/lock
rm -f "$STATE/failed"
chmod 700 "$STATE"

# Each service runs in its own session (setsid); its pid file holds the
# leader's pid and start time, so a reused pid is never taken for ours.
proc() { # pid -> "state sid starttime" from /proc/<pid>/stat
  local s
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  s=${s##*) }
  # shellcheck disable=SC2086
  set -- $s
  echo "$1 $4 ${20}"
}
alive() {
  local f="$PIDS/$1.pid" p t st sid start
  [ -f "$f" ] || return 1
  read -r p t <"$f" || return 1
  read -r st sid start <<<"$(proc "$p")" || return 1
  [ "$st" != Z ] && [ "$start" = "$t" ]
}
SERVICES="keystone placement neutron-server nova-api nova-conductor nova-scheduler nova-compute-fake-1 nova-compute-fake-2
  cinder-api cinder-scheduler cinder-volume"

# Ports must be free or ours.
ours_sids=" $(for n in $SERVICES; do if alive "$n"; then cut -d' ' -f1 "$PIDS/$n.pid"; fi; done | tr '\n' ' ')"
for port in $PORTS; do
  owner=$(ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)
  [ -n "$owner" ] || continue
  read -r _ sid _ <<<"$(proc "$owner")" || continue
  [[ "$ours_sids" == *" $sid "* ]] ||
    fail "port $IP:$port is taken by pid $owner ($(tr '\0' ' ' <"/proc/$owner/cmdline" 2>/dev/null | cut -c1-120)), not by this stack"
done

# Secrets: made once per state directory, kept for idempotent re-runs.
if [ ! -s "$STATE/secrets" ]; then
  # A new state directory: anything left of an older stack in MariaDB or
  # RabbitMQ (same names, unknown passwords) is discarded.
  mysql -uroot -e "$(for d in $DBS; do printf 'DROP DATABASE IF EXISTS %s;' "$d"; done)" || fail "MariaDB (mysql -uroot) is not usable"
  rabbitmqctl -q delete_vhost "$VHOST" >/dev/null 2>&1 || true
  FRESH=1
  rm -f "$DONE"/*
  {
    for k in DB_PASSWORD SERVICE_PASSWORD ADMIN_PASSWORD MEMBER_PASSWORD APP_CRED_SECRET; do
      echo "$k=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
    done
  } >"$STATE/secrets.new" && chmod 600 "$STATE/secrets.new" && mv "$STATE/secrets.new" "$STATE/secrets"
fi
# shellcheck disable=SC1091
. "$STATE/secrets"

# ---------------------------------------------------------------- configs
# put FILE: write stdin to FILE only when it changed.
put() { local t="$1.new"; cat >"$t"; if cmp -s "$t" "$1"; then rm -f "$t"; else mv "$t" "$1"; fi; }
DB="mysql+pymysql://$DB_USER:$DB_PASSWORD@$IP"
MQ="rabbit://guest:guest@$IP:5672/$VHOST"
auth() { # section user: password auth as a service user of project "service"
  printf '[%s]\nauth_url = http://%s:5000\nauth_type = password\nproject_domain_name = Default\nuser_domain_name = Default\n' "$1" "$IP"
  printf 'project_name = service\nusername = %s\npassword = %s\n' "$2" "$SERVICE_PASSWORD"
}
ksa() { auth keystone_authtoken "$1"; printf 'www_authenticate_uri = http://%s:5000\nservice_token_roles_required = true\n' "$IP"; }

put "$ETC/keystone/keystone.conf" <<EOF
[DEFAULT]
log_dir = $LOGS
log_file = keystone.log
[database]
connection = $DB/pbos_keystone
[token]
provider = fernet
[identity]
# bcrypt's minimum: every password token request verifies a hash (about
# 0.3 s each at the default 12 rounds on this machine).
password_hash_rounds = 4
[fernet_tokens]
key_repository = $STATE/var/keystone/fernet-keys
[fernet_receipts]
key_repository = $STATE/var/keystone/fernet-keys
[credential]
key_repository = $STATE/var/keystone/credential-keys
EOF

{
  cat <<EOF
[DEFAULT]
log_dir = $LOGS
log_file = placement.log
[api]
auth_strategy = keystone
[placement_database]
connection = $DB/pbos_placement
EOF
  ksa placement
} | put "$ETC/placement/placement.conf"

# Neutron: the server alone, ML2 with no mechanism driver and no agent; the
# API in the main process (api_workers = 0), one RPC and one periodic worker.
{
  cat <<EOF
[DEFAULT]
log_dir = $LOGS
log_file = neutron-server.log
api_paste_config = $ETC/neutron/api-paste.ini
core_plugin = ml2
service_plugins =
transport_url = $MQ
notify_nova_on_port_status_changes = false
notify_nova_on_port_data_changes = false
api_workers = 0
rpc_workers = 1
rpc_state_report_workers = 0
graceful_shutdown_timeout = 5
state_path = $STATE/var/neutron
[database]
connection = $DB/pbos_neutron
[oslo_concurrency]
lock_path = $STATE/var/neutron/lock
EOF
  ksa neutron
} | put "$ETC/neutron/neutron.conf"
put "$ETC/neutron/ml2_conf.ini" <<'EOF'
[ml2]
type_drivers = flat
tenant_network_types =
mechanism_drivers =
extension_drivers = port_security
EOF

# Nova: nova.conf for api, conductor and scheduler; compute-<host>.conf for
# each compute, without the databases (a compute reaches them through the
# conductor, and would log "No DB access allowed" for each direct attempt).
nova_conf() { # host state-dir [extra DEFAULT lines]
  printf '[DEFAULT]\nhost = %s\nmy_ip = %s\nstate_path = %s\ntransport_url = %s\ngraceful_shutdown_timeout = 5\n%s\n' \
    "$1" "$IP" "$2" "$MQ" "${3:-}"
  if [ "$1" = controller ]; then
    printf '[api_database]\nconnection = %s\n[database]\nconnection = %s\n' "$DB/pbos_nova_api" "$DB/pbos_nova"
  fi
  cat <<EOF
[wsgi]
api_paste_config = $ETC/nova/api-paste.ini
[conductor]
workers = 1
[scheduler]
workers = 1
discover_hosts_in_cells_interval = -1
[glance]
# No Glance here; Nova still builds image URLs for notifications and fails
# with EndpointNotFound (boot, delete) without one. Only used as a string.
endpoint_override = http://$IP:9292
[oslo_concurrency]
lock_path = $2/lock
[vnc]
enabled = false
[service_user]
# Cinder deletes attachments only for a request that carries a service token.
send_service_user_token = true
EOF
  auth service_user nova | tail -n +2
  ksa nova
  auth placement placement
  printf 'region_name = RegionOne\n'
  auth neutron neutron
  printf 'region_name = RegionOne\n'
  auth cinder cinder
  printf 'os_region_name = RegionOne\n'
}
nova_conf controller "$STATE/var/nova" "log_dir = $LOGS
osapi_compute_workers = 1
metadata_workers = 1" | put "$ETC/nova/nova.conf"
for h in $HOSTS; do
  nova_conf "$h" "$STATE/var/$h" "log_file = $LOGS/nova-compute-$h.log
compute_driver = phaseboard_fake.PhaseboardFakeDriver" | put "$ETC/nova/compute-$h.conf"
done

{
  cat <<EOF
[DEFAULT]
host = cinder-1
my_ip = $IP
state_path = $STATE/var/cinder
log_dir = $LOGS
api_paste_config = $ETC/cinder/api-paste.ini
transport_url = $MQ
auth_strategy = keystone
enabled_backends = fake
osapi_volume_workers = 1
graceful_shutdown_timeout = 5
[database]
connection = $DB/pbos_cinder
[oslo_concurrency]
lock_path = $STATE/var/cinder/lock
[fake]
volume_driver = cinder.tests.fake_driver.FakeLoggingVolumeDriver
volume_backend_name = fake
EOF
  ksa cinder
  auth nova nova
  printf 'region_name = RegionOne\n'
} | put "$ETC/cinder/cinder.conf"
for s in nova cinder neutron; do put "$ETC/$s/api-paste.ini" <"/etc/$s/api-paste.ini"; done
chmod -R go-rwx "$ETC"

# The compute: nova-compute's entry point from python3-nova (the
# nova-compute package would pull libvirt and QEMU), with our driver
# registered as nova.virt.phaseboard_fake (Nova loads drivers only there).
put "$LIB/compute.py" <<'EOF'
import os
import sys

import nova.cmd  # noqa: F401  eventlet's monkey patching comes first

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import phaseboard_fake  # noqa: E402

sys.modules['nova.virt.phaseboard_fake'] = phaseboard_fake
from nova.cmd.compute import main  # noqa: E402

sys.exit(main())
EOF
put "$LIB/phaseboard_fake.py" <<'EOF'
"""phaseboard's fake compute driver for the test stack.

nova.virt.fake.FakeLiveMigrateDriver finishes a live migration in 5 s and
reports no progress. This one keeps each migration `running` for the seconds
in $PHASEBOARD_LM_SECONDS_FILE (or that file's name + .<instance uuid>;
read when the migration starts, default 20)
and records memory progress on the migration every second, the way the
libvirt driver does, so GET /servers/{id}/migrations shows bytes moving.
force-complete ends it at once (completed); abort rolls it back (cancelled).
Several migrations may run at once, one state per instance.
Volume attach, detach and swap wait the seconds in
$PHASEBOARD_VOLUME_SECONDS_FILE (default 0) on the host, so a test sees
Cinder's attaching/detaching states and a swap's two attachments.
"""
import os
import time

from oslo_log import log as logging

from nova.virt import fake

LOG = logging.getLogger(__name__)
MIB = 1024 * 1024


def _seconds(var='PHASEBOARD_LM_SECONDS_FILE', default=20.0, instance=None):
    """The seconds in the file, or in <file>.<instance uuid> when that exists (tests running side by side)."""
    path = os.environ.get(var)
    if not path:
        return default
    for p in ([f'{path}.{instance}'] if instance else []) + [path]:
        try:
            with open(p) as f:
                return max(0.0, float(f.read().strip()))
        except (OSError, ValueError):
            continue
    return default


def _volume_pause(what, instance):
    seconds = _seconds('PHASEBOARD_VOLUME_SECONDS_FILE', 0.0, instance.uuid)
    if seconds:
        LOG.info('phaseboard fake: volume %s takes %.1f s', what, seconds, instance=instance)
        time.sleep(seconds)


class PhaseboardFakeDriver(fake.FakeLiveMigrateDriver):
    def __init__(self, virtapi, read_only=False):
        super().__init__(virtapi, read_only)
        self._lm = {}  # instance uuid -> 'run' | 'complete' | 'abort'

    def live_migration(self, context, instance, dest, post_method, recover_method, block_migration=False, migrate_data=None):
        uuid = instance.uuid
        self._lm[uuid] = 'run'
        seconds = _seconds(instance=uuid)
        migration = None
        if migrate_data is not None and migrate_data.obj_attr_is_set('migration'):
            migration = migrate_data.migration
        memory = max(1, instance.flavor.memory_mb) * MIB
        disk = max(1, instance.flavor.root_gb) * 1024 * MIB if block_migration else 0
        LOG.info('phaseboard fake: live migration of %s to %s for %.1f s', uuid, dest, seconds, instance=instance)
        start = time.monotonic()
        last = -1
        try:
            while self._lm.get(uuid) == 'run':
                done = 1.0 if seconds <= 0 else min(1.0, (time.monotonic() - start) / seconds)
                tick = int(time.monotonic() - start)
                if migration is not None and tick != last:
                    last = tick
                    migration.memory_total = memory
                    migration.memory_processed = int(memory * done)
                    migration.memory_remaining = memory - migration.memory_processed
                    if disk:
                        migration.disk_total = disk
                        migration.disk_processed = int(disk * done)
                        migration.disk_remaining = disk - migration.disk_processed
                    migration.save()
                if done >= 1.0:
                    break
                time.sleep(0.1)
            outcome = self._lm.get(uuid)
        finally:
            self._lm.pop(uuid, None)
        if outcome == 'abort':
            LOG.info('phaseboard fake: live migration aborted', instance=instance)
            recover_method(context, instance, dest, migrate_data, migration_status='cancelled')
        else:
            LOG.info('phaseboard fake: live migration done (%s)', outcome, instance=instance)
            post_method(context, instance, dest, block_migration, migrate_data)

    def live_migration_force_complete(self, instance):
        if self._lm.get(instance.uuid) == 'run':
            self._lm[instance.uuid] = 'complete'

    def live_migration_abort(self, instance):
        if self._lm.get(instance.uuid) == 'run':
            self._lm[instance.uuid] = 'abort'

    def attach_volume(self, context, connection_info, instance, mountpoint, disk_bus=None, device_type=None, encryption=None):
        _volume_pause('attach', instance)
        return super().attach_volume(context, connection_info, instance, mountpoint, disk_bus, device_type, encryption)

    def detach_volume(self, context, connection_info, instance, mountpoint, encryption=None):
        _volume_pause('detach', instance)
        return super().detach_volume(context, connection_info, instance, mountpoint, encryption)

    def swap_volume(self, context, old_connection_info, new_connection_info, instance, mountpoint, resize_to):
        _volume_pause('swap', instance)
        return super().swap_volume(context, old_connection_info, new_connection_info, instance, mountpoint, resize_to)
EOF
[ -s "$STATE/live-migration-seconds" ] || echo "${PHASEBOARD_OPENSTACK_LM_SECONDS:-20}" >"$STATE/live-migration-seconds"
[ -s "$STATE/volume-seconds" ] || echo 0 >"$STATE/volume-seconds"

# ---------------------------------------------------------------- MariaDB, RabbitMQ
have=$(mysql -uroot -N -e "SHOW DATABASES LIKE 'pbos\\_%'" 2>/dev/null) || fail "MariaDB (mysql -uroot) is not usable"
for d in $DBS; do
  grep -qx "$d" <<<"$have" || { rm -f "$DONE"/*; break; } # a database is missing: redo every setup step
done
mysql -uroot -e "CREATE USER IF NOT EXISTS '$DB_USER'@'$IP' IDENTIFIED BY '$DB_PASSWORD';
  ALTER USER '$DB_USER'@'$IP' IDENTIFIED BY '$DB_PASSWORD';
  $(for d in $DBS; do printf 'CREATE DATABASE IF NOT EXISTS %s; GRANT ALL ON %s.* TO '"'%s'@'%s'"';' "$d" "$d" "$DB_USER" "$IP"; done)" ||
  fail "could not create the databases in MariaDB"
if [ -n "${FRESH:-}" ] || ! rabbitmqctl -q list_vhosts name 2>/dev/null | grep -qxF "$VHOST"; then
  rabbitmqctl -q add_vhost "$VHOST" >/dev/null || fail "rabbitmqctl add_vhost $VHOST failed (is RabbitMQ running?)"
  rabbitmqctl -q set_permissions -p "$VHOST" guest '.*' '.*' '.*' >/dev/null || fail "rabbitmqctl set_permissions on $VHOST failed"
  rm -f "$DONE"/*
fi

# ---------------------------------------------------------------- schemas
step() { # name command...: runs once per stack; output in $LOGS/setup-<name>.log
  local n=$1
  shift
  [ -e "$DONE/$n" ] && return 0
  if "$@" >>"$LOGS/setup-$n.log" 2>&1; then touch "$DONE/$n"; else return 1; fi
}
K="--config-file $ETC/keystone/keystone.conf"
N="--config-file $ETC/nova/nova.conf"
setup_keystone() {
  # shellcheck disable=SC2086
  keystone-manage $K db_sync &&
    keystone-manage $K fernet_setup --keystone-user root --keystone-group root &&
    keystone-manage $K credential_setup --keystone-user root --keystone-group root &&
    keystone-manage $K bootstrap --bootstrap-password "$ADMIN_PASSWORD" --bootstrap-region-id RegionOne \
      --bootstrap-admin-url "http://$IP:5000/v3/" --bootstrap-internal-url "http://$IP:5000/v3/" --bootstrap-public-url "http://$IP:5000/v3/"
}
setup_nova() {
  # shellcheck disable=SC2086
  nova-manage $N api_db sync && nova-manage $N cell_v2 map_cell0 &&
    { nova-manage $N cell_v2 list_cells | grep -q ' cell1 ' || nova-manage $N cell_v2 create_cell --name=cell1; } &&
    nova-manage $N db sync
}
# Keystone's first, alone (the catalog waits for it); then the others in
# the background while Keystone starts and gets its catalog. All five at once
# on two cores took twice as long.
JOBS=""
if [ ! -e "$DONE/schemas" ]; then
  log "creating the schemas: keystone"
  step keystone setup_keystone || fail "keystone schema setup failed: $(tail_of "$LOGS/setup-keystone.log" 3)"
  log "creating the schemas: placement, neutron, nova, cinder"
  step placement placement-manage --config-file "$ETC/placement/placement.conf" db sync &
  JOBS="$JOBS placement:$!"
  step neutron neutron-db-manage --config-file "$ETC/neutron/neutron.conf" --config-file "$ETC/neutron/ml2_conf.ini" upgrade head &
  JOBS="$JOBS neutron:$!"
  step nova setup_nova &
  JOBS="$JOBS nova:$!"
  step cinder cinder-manage --config-file "$ETC/cinder/cinder.conf" db sync &
  JOBS="$JOBS cinder:$!"
fi

# ---------------------------------------------------------------- services
STARTED=""
start() { # name command...: starts it in its own session unless it runs already
  local n=$1
  shift
  alive "$n" && return 0
  setsid "$@" >>"$LOGS/$n.out" 2>&1 </dev/null &
  echo "$! $(proc $! | cut -d' ' -f3)" >"$PIDS/$n.pid"
  STARTED="$STARTED $n"
}
uw() { # name port wsgi-file processes threads [VAR=value...]
  local n=$1 port=$2 file=$3 procs=$4 threads=$5
  shift 5
  # Connection: close, because uwsgi's --http-socket resets idle keep-alive
  # connections (ConnectionResetError in keystoneauth clients).
  start "$n" env "$@" uwsgi_python3 --http-socket "$IP:$port" --wsgi-file "$file" --master --processes "$procs" \
    --threads "$threads" --die-on-term --worker-reload-mercy 5 --lazy-apps --buffer-size 65535 --enable-threads \
    --add-header "Connection: close" ${PYARGV:+--pyargv "$PYARGV"}
}
stack() { # stack.py command...: progress on stderr, the reason of a failure in $STATE/failed
  T0="$T0" /usr/bin/python3 "$HERE/stack.py" "$@" --state "$STATE" || exit 1
}

uw keystone 5000 /usr/bin/keystone-wsgi-public 1 4 OS_KEYSTONE_CONFIG_DIR="$ETC/keystone"
if [ ! -e "$DONE/catalog" ]; then
  stack bootstrap # users, projects, roles, catalog, application credential
  touch "$DONE/catalog"
fi
if [ -n "$JOBS" ]; then
  bad=""
  for j in $JOBS; do wait "${j#*:}" || bad="$bad ${j%%:*}: $(tail_of "$LOGS/setup-${j%%:*}.log" 3)"; done
  [ -z "$bad" ] || fail "schema setup failed:$bad"
  touch "$DONE/schemas"
  log "schemas ready"
fi
uw placement 8778 /usr/bin/placement-api 1 4 OS_PLACEMENT_CONFIG_DIR="$ETC/placement"
# nova-api: one thread per process. With more, an RPC call from the API
# (volume attach) never sees its reply: eventlet's reply poller lives in one
# uwsgi thread's hub (MessagingTimeout after 60 s, stale BDM left behind).
uw nova-api 8774 /usr/bin/nova-api-wsgi 2 1 OS_NOVA_CONFIG_DIR="$ETC/nova" # reads api-paste.ini and nova.conf there
PYARGV="--config-file $ETC/cinder/cinder.conf" uw cinder-api 8776 /usr/bin/cinder-wsgi 1 4
start neutron-server neutron-server --config-file "$ETC/neutron/neutron.conf" --config-file "$ETC/neutron/ml2_conf.ini"
start nova-conductor nova-conductor $N
start nova-scheduler nova-scheduler $N
for h in $HOSTS; do
  PHASEBOARD_LM_SECONDS_FILE="$STATE/live-migration-seconds" PHASEBOARD_VOLUME_SECONDS_FILE="$STATE/volume-seconds" \
    start "nova-compute-$h" /usr/bin/python3 "$LIB/compute.py" --config-file "$ETC/nova/compute-$h.conf"
done
start cinder-scheduler cinder-scheduler --config-file "$ETC/cinder/cinder.conf"
start cinder-volume cinder-volume --config-file "$ETC/cinder/cinder.conf"
[ -z "$STARTED" ] || log "started$STARTED"

# Every API answers, Neutron is warmed up, every service reports up. Then
# the computes' nodes are mapped to the cell (a node registers a moment after
# its service reports up; discover again until both are listed).
stack wait --started "$STARTED" --hosts "$HOSTS"
if [ ! -e "$DONE/hosts" ]; then
  for i in $(seq 1 30); do
    # shellcheck disable=SC2086
    nova-manage $N cell_v2 discover_hosts >>"$LOGS/setup-hosts.log" 2>&1 || fail "nova-manage cell_v2 discover_hosts: $(tail_of "$LOGS/setup-hosts.log")"
    if T0="$T0" /usr/bin/python3 "$HERE/stack.py" mapped --state "$STATE" --hosts "$HOSTS"; then
      touch "$DONE/hosts"
      break
    fi
    [ "$i" -lt 30 ] || fail "computes $HOSTS not mapped to cell1 after 30 rounds of discover_hosts"
    sleep 1
  done
  log "computes $HOSTS mapped to cell1"
fi
# Flavors and quotas once; then tokens for every credential, the version
# documents, and $STATE/env.
stack finish --hosts "$HOSTS"
for n in $SERVICES; do alive "$n" || fail "$n died: $(tail_of "$LOGS/$n.out")"; done

MEM=$(for n in $SERVICES; do
  g=$(cut -d' ' -f1 "$PIDS/$n.pid")
  for q in $(ps -eo pid=,sid= | awk -v g="$g" '$2 == g { print $1 }'); do
    awk '/^Rss:/ { r = $2 } /^Pss:/ { p = $2 } END { print r, p }' "/proc/$q/smaps_rollup" 2>/dev/null
  done
done | awk '{ r += $1; p += $2; n++ } END { printf "%d processes, %.0f MiB RSS (%.0f MiB PSS)", n, r / 1024, p / 1024 }')
echo "openstack-up: ready: Keystone http://$IP:5000/v3, computes ${HOSTS// /, }, $MEM, in $(since "$T0") s (env in $STATE/env)" >&2
