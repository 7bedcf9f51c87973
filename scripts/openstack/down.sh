#!/usr/bin/env bash
# Undoes up.sh: stops every process of the stack (SIGTERM to each service's
# session, SIGKILL to what is left after 10 s), drops its databases
# (pbos_*) and database user, deletes its RabbitMQ vhost and removes $STATE.
# MariaDB and RabbitMQ keep running, with nothing else of theirs touched.
# Safe to run twice, or when up.sh never ran.
set -uo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
STATE="${PHASEBOARD_OPENSTACK_STATE:-/tmp/phaseboard-openstack}"
DBS="pbos_keystone pbos_placement pbos_neutron pbos_nova_api pbos_nova pbos_nova_cell0 pbos_cinder"
DB_USER=pbos
VHOST=phaseboard-openstack
IP=127.0.0.1
T0=$(date +%s.%N)
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
log() { echo "openstack-down: $*" >&2; }

# Each service leads its own session (up.sh starts it with setsid); its pid
# file holds the leader's pid and start time. The stack is every process in
# those sessions: uwsgi and neutron workers too, even if a leader died.
proc() { # pid -> "state sid starttime"
  local s
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  s=${s##*) }
  # shellcheck disable=SC2086
  set -- $s
  echo "$1 $4 ${20}"
}
sids="" names=""
for f in "$STATE"/pids/*.pid; do
  [ -f "$f" ] || continue
  read -r p t <"$f" || continue
  read -r st sid start <<<"$(proc "$p")"
  # A live leader with another start time is someone else's process now.
  if [ -z "$start" ] || [ "$start" = "$t" ]; then
    sids="$sids $p"
    names="$names $p=$(basename "$f" .pid)"
  fi
done
name_of() { # pid -> the service whose session it is in
  local sid
  sid=$(ps -o sid= -p "$1" 2>/dev/null | tr -d ' ')
  for kv in $names; do [ "${kv%%=*}" = "$sid" ] && echo "${kv#*=}" && return; done
  echo "?"
}
members() { # live (not zombie) processes of the stack's sessions
  ps -eo pid=,sid=,stat= | awk -v s="$sids " 'index(" " s, " " $2 " ") && $3 !~ /^Z/ { print $1 }'
}
pids=$(members | tr '\n' ' ')
n=$(wc -w <<<"$pids") killed=""
if [ "$n" -gt 0 ]; then
  # SIGTERM to each session leader (uwsgi master, oslo.service parent), which
  # stops its own workers (oslo.service's graceful_shutdown_timeout and
  # uwsgi's worker-reload-mercy are 5 s here); members of a session whose
  # leader is gone get it directly. Neutron's workers have been seen to
  # ignore SIGTERM: whatever is left after 10 s gets SIGKILL.
  for p in $pids; do
    sid=$(ps -o sid= -p "$p" 2>/dev/null | tr -d ' ')
    if [ "$sid" = "$p" ] || ! [[ " $pids " == *" $sid "* ]]; then kill -TERM "$p" 2>/dev/null; fi
  done
  for _ in $(seq 1 40); do
    left=$(members | tr '\n' ' ')
    [ -z "${left// /}" ] && break
    sleep 0.25
  done
  for p in $(members); do
    svc=$(name_of "$p")
    kill -KILL "$p" 2>/dev/null && killed="$killed $svc($p)"
  done
fi
STOPPED=$(since "$T0")
rm -f "$STATE"/pids/*.pid "$STATE/env"

if mysql -uroot -e "SELECT 1" >/dev/null 2>&1; then
  mysql -uroot -e "$(for d in $DBS; do printf 'DROP DATABASE IF EXISTS %s;' "$d"; done) DROP USER IF EXISTS '$DB_USER'@'$IP';" ||
    log "could not drop the databases $DBS"
else
  log "MariaDB is not reachable; databases $DBS left as they are"
fi
if rabbitmqctl -q list_vhosts name 2>/dev/null | grep -qxF "$VHOST"; then
  rabbitmqctl -q delete_vhost "$VHOST" >/dev/null 2>&1 || log "could not delete the RabbitMQ vhost $VHOST"
fi
case "$STATE" in
  / | /tmp | /var | /var/tmp | "$HOME") log "not removing state directory $STATE" ;;
  *) rm -rf "$STATE" ;;
esac
log "stopped $n processes in $STOPPED s${killed:+ (SIGKILL:$killed)}; dropped databases pbos_*, vhost $VHOST and $STATE; done in $(since "$T0") s"
