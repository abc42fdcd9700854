#!/usr/bin/env bash
# Starts the Docker engine in the background when it is not running (no systemd in CI containers).
source "$(dirname "$0")/lib.sh"

up() {
  if docker info >/dev/null 2>&1; then log "dockerd already up"; return; fi
  command -v dockerd >/dev/null || die "dockerd is missing: run infra/scripts/install-system.sh"
  local pid
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
  wait_for_process "$pid" "$STATE_DIR/dockerd.log" 120 dockerd docker info
  log "dockerd up"
}

"${1:-up}"
