#!/usr/bin/env bash
# Undoes up.sh: stops the RAPI forward (socat), every process inside the two
# node namespaces (Ganeti's daemons, sshd, a forward's per-connection socat)
# with SIGTERM, SIGKILL for what is left after 5 s, then the holders; the
# namespaces, their mounts and the veth pair between them vanish with their
# last process (up.sh creates the veth pair inside them: no end of it is ever
# in the root namespace). Removes $STATE. Safe to run twice, or when up.sh
# never ran. Processes are found by the network namespace each node recorded
# at bring-up (never the root one), swept only while that namespace is still
# this state's (its holder runs, by pid and start time, or a process in it
# sees the node's own /run), so nothing else on the machine is touched.
# (Ganeti's own `daemon-util stop-all` is clean too, but takes about 19 s.)
set -uo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
STATE="${PHASEBOARD_GANETI_STATE:-/tmp/phaseboard-ganeti}"
T0=$(date +%s.%N)
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
log() { echo "ganeti-down: $*" >&2; }
ROOT_NET=$(readlink /proc/self/ns/net)

proc() { # pid -> "state starttime"
  local s
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  s=${s##*) }
  # shellcheck disable=SC2086
  set -- $s
  echo "$1 ${20}"
}
alive_pid() { # pid-file holding "pid starttime" -> the pid, when that process still runs
  local p t st start
  [ -s "$1" ] || return 1
  read -r p t <"$1" || return 1
  read -r st start <<<"$(proc "$p")" || return 1
  [ "$st" != Z ] && [ "$start" = "$t" ] && echo "$p"
}
in_ns() { # netns -> live processes in it
  local p
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/ns/net" 2>/dev/null)" = "$1" ] || continue
    [ "$(proc "${p#/proc/}" | cut -d' ' -f1)" != Z ] && echo "${p#/proc/}"
  done
}
stop() { # pids...: SIGTERM, then SIGKILL after 5 s; prints what was killed
  local p left
  [ $# -gt 0 ] || return 0
  kill -TERM "$@" 2>/dev/null
  for _ in $(seq 1 50); do
    left=""
    for p in "$@"; do [ -d "/proc/$p" ] && [ "$(proc "$p" | cut -d' ' -f1)" != Z ] && left="$left $p"; done
    [ -z "$left" ] && return 0
    sleep 0.1
  done
  for p in $left; do kill -KILL "$p" 2>/dev/null && echo "$(cat "/proc/$p/comm" 2>/dev/null)($p)"; done
}

total=0 report="" killed=""

# The RAPI forward in the root namespace.
if fwd=$(alive_pid "$STATE/forward.pid"); then
  killed="$killed $(stop "$fwd")"
  total=$((total + 1))
  report="$report forward(socat $fwd);"
fi

# The nodes: their namespaces as recorded, plus that of any holder of this
# state directory still running (up.sh may have failed before recording it).
declare -A NS=()
for N in 2 1; do
  ns=$(cat "$STATE/n$N/netns" 2>/dev/null || true)
  [ -n "$ns" ] && NS[$ns]="node$N"
done
for p in /proc/[0-9]*; do
  { tr '\0' '\n' <"$p/cmdline"; } 2>/dev/null | grep -qxF "$STATE/holder.sh" || continue
  ns=$(readlink "$p/ns/net" 2>/dev/null) || continue
  [ -n "${NS[$ns]:-}" ] || NS[$ns]="node?"
done
ours() { # netns node-number: the namespace is this state's node (a namespace id can be reused once it is gone)
  local p id
  [ -n "$(alive_pid "$STATE/n$2/holder.pid" 2>/dev/null)" ] && return 0
  id=$(stat -c %d:%i "$STATE/n$2/run" 2>/dev/null) || return 1
  for p in $(in_ns "$1"); do
    [ "$(stat -c %d:%i "/proc/$p/root/run" 2>/dev/null)" = "$id" ] && return 0
  done
  return 1
}
for ns in "${!NS[@]}"; do
  [ "$ns" != "$ROOT_NET" ] || { log "refusing to sweep the root network namespace ($ns)"; continue; }
  name=${NS[$ns]}
  N=${name#node}
  if [ "$N" != "?" ] && ! ours "$ns" "$N"; then
    report="$report $name: gone;"
    continue
  fi
  holder=$(alive_pid "$STATE/n$N/holder.pid" 2>/dev/null || true)
  # Everything but the holder and its unshare parent first (daemons, sshd,
  # socat), then the holder; unshare --fork ignores SIGTERM and exits with
  # its child.
  parent=none
  [ -z "$holder" ] || parent=$(awk '{ sub(/.*\) /, ""); print $2 }' "/proc/$holder/stat" 2>/dev/null || echo none)
  pids=$(in_ns "$ns" | grep -vx -e "${holder:-none}" -e "$parent" | tr '\n' ' ')
  comms=$(for p in $pids; do cat "/proc/$p/comm" 2>/dev/null; done | sort | uniq -c | awk '{ printf "%s%s", (NR > 1 ? ", " : ""), ($1 > 1 ? $2 " x" $1 : $2) }')
  # shellcheck disable=SC2086
  killed="$killed $(stop $pids)"
  rest=$(in_ns "$ns" | tr '\n' ' ')
  # shellcheck disable=SC2086
  killed="$killed $(stop $rest)"
  count=$(($(wc -w <<<"$pids") + $(wc -w <<<"$rest")))
  total=$((total + count))
  report="$report $name: $count processes (${comms:-none} + holder);"
done

STOPPED=$(since "$T0")
case "$STATE" in
  "" | / | /tmp | /var | /var/tmp | "${HOME:-/root}") log "not removing state directory '$STATE'" ;;
  *) rm -rf "$STATE" ;;
esac
killed=$(echo $killed)
log "stopped $total processes in $STOPPED s:${report:- nothing was running;}${killed:+ SIGKILL: $killed;} removed $STATE; done in $(since "$T0") s"
