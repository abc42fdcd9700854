#!/usr/bin/env bash
# Starts the Docker engine in the background when it is not running (no systemd in CI containers).
source "$(dirname "$0")/lib.sh"

fail_with_log() {
  log "last lines of $STATE_DIR/dockerd.log:"
  tail -n 20 "$STATE_DIR/dockerd.log" >&2 || true
  die "$1"
}

up() {
  if docker info >/dev/null 2>&1; then log "dockerd already up"; return; fi
  command -v dockerd >/dev/null || die "dockerd is missing: run infra/scripts/install-system.sh"
  local pid start=$SECONDS
  if pid=$(pgrep -x dockerd | head -1) && [[ -n $pid ]]; then
    log "dockerd (pid $pid) runs but does not answer yet: waiting for it"
  else
    # /run is not a tmpfs on these VMs, so a machine booted from a disk saved while dockerd ran still has the
    # pid files of dockerd and of the containerd it manages. When such a pid now belongs to another process,
    # dockerd either refuses to start ("pid file found") or waits for a containerd that is not there and gives
    # up after a while ("timeout waiting for containerd to start"): both files go unless their process is ours.
    remove_foreign_pid_file /var/run/docker.pid dockerd
    remove_foreign_pid_file /var/run/docker/containerd/containerd.pid /var/run/docker/containerd/containerd.toml
    nohup dockerd >"$STATE_DIR/dockerd.log" 2>&1 &
    pid=$!
  fi
  until docker info >/dev/null 2>&1; do
    # A daemon that exited will never answer: say why now instead of after the timeout.
    kill -0 "$pid" 2>/dev/null || fail_with_log "dockerd exited while starting"
    ((SECONDS - start >= 120)) && fail_with_log "dockerd not ready after 120 s"
    sleep 0.5
  done
  log "dockerd up"
}

"${1:-up}"
