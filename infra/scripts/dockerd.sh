#!/usr/bin/env bash
# Starts the Docker engine in the background when it is not running (no systemd in CI containers).
source "$(dirname "$0")/lib.sh"

up() {
  if docker info >/dev/null 2>&1; then log "dockerd already up"; return; fi
  command -v dockerd >/dev/null || die "dockerd is missing: run infra/scripts/install-system.sh"
  nohup dockerd >"$STATE_DIR/dockerd.log" 2>&1 &
  wait_for 60 "dockerd" docker info
  log "dockerd up"
}

"${1:-up}"
