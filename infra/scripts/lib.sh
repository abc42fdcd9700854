# Shared helpers for infra/scripts (sourced, not run).
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE_DIR="$REPO_ROOT/.sentinel"
# Builds that are safe to reuse across clones (MinIO binary, base image tarball) live here.
CACHE_DIR="${SENTINEL_CACHE_DIR:-$HOME/.cache/log-sentinel}"
mkdir -p "$STATE_DIR" "$CACHE_DIR"
# Local and test credentials, one place. Not words: Airflow masks secret values in every log line and in
# the UI, and a password like "sentinel" turned `log-sentinel/score:dev` into `log-***/score:dev`.
PG_PASSWORD=ls-pg-3b9d
MINIO_USER=ls-minio-7f3a
MINIO_PASSWORD=ls-minio-secret-5c2e

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# wait_for <seconds> <description> <command...>: polls until the command succeeds.
wait_for() { wait_for_process "" "" "$@"; }

# wait_for_process <pid> <log> <seconds> <description> <command...>: wait_for for a process just started.
# A process that exited will never answer: fail at once then, not after the timeout, and show the end of
# its log on either failure.
wait_for_process() {
  local pid=$1 logfile=$2 timeout=$3 what=$4; shift 4
  local start=$SECONDS
  until "$@" >/dev/null 2>&1; do
    if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then fail_starting "$logfile" "$what exited while starting"; fi
    (( SECONDS - start >= timeout )) && fail_starting "$logfile" "$what not ready after ${timeout}s"
    sleep 0.5
  done
}
fail_starting() { # fail_starting <log or ""> <message>
  if [[ -n $1 ]]; then
    log "last lines of $1:"
    tail -n 20 "$1" >&2 || true
  fi
  die "$2"
}

# Root runs apt directly; others need sudo.
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

# Pid files. /run and the state directories live on disk on these VMs, so after a reboot a pid file can
# name a pid that now belongs to some other process: killing it would hit a stranger, and "alive" would lie.
# A pid file therefore holds "pid boot-id start-time" and counts only while all three still match.
process_identity() { # process_identity <pid>: "pid boot-id start-time", or fails when it does not run (or is a zombie)
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) } # the command name in parentheses may hold spaces; then state is field 3, start-time field 22
  # shellcheck disable=SC2086
  set -- "$1" $stat
  [[ $2 != Z ]] || return 1
  echo "$1 $(cat /proc/sys/kernel/random/boot_id) ${21}"
}
write_pid_file() { process_identity "$2" >"$1" || echo "$2" >"$1"; } # write_pid_file <file> <pid>
pid_from_file() { # pid_from_file <file>: prints the pid when that very process still runs
  local recorded pid
  [[ -f $1 ]] || return 1
  recorded=$(cat "$1")
  pid=${recorded%% *}
  [[ -n $pid && $(process_identity "$pid") == "$recorded" ]] || return 1
  echo "$pid"
}
# stop_pid_file <file> [seconds]: TERM the recorded process, KILL it after the wait, remove the file.
stop_pid_file() {
  local pid
  if pid=$(pid_from_file "$1"); then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq $((${2:-10} * 2))); do pid_from_file "$1" >/dev/null || break; sleep 0.5; done
    pid_from_file "$1" >/dev/null && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$1"
}
# remove_foreign_pid_file <file> <text>: for pid files other programs write (dockerd's): removes the file
# unless its pid runs a command line holding <text>.
remove_foreign_pid_file() {
  [[ -f $1 ]] || return 0
  local pid; pid=$(tr -d '[:space:]' <"$1")
  if ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$2"; then
    log "removing stale $1 (pid $pid is not $2)"
    rm -f "$1"
  fi
}
