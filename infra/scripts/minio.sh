#!/usr/bin/env bash
# MinIO, built from source (it ships no binaries we can download here) and cached, then started on
# 127.0.0.1:9000 with the test credentials and buckets.
#
# Pinned by commit: MinIO's RELEASE.* git tags are not valid Go module versions, so the Go proxy
# only serves pseudo-versions. This one is the 2026-02-12 commit 7aac2a2c5b7c of minio/minio.
source "$(dirname "$0")/lib.sh"

MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
BIN="$CACHE_DIR/bin/minio-$MINIO_VERSION"
DATA="$STATE_DIR/minio"
PIDFILE="$STATE_DIR/minio.pid"
export MINIO_ROOT_USER=$MINIO_USER MINIO_ROOT_PASSWORD=$MINIO_PASSWORD

# Quiet: "connection refused" before it starts is expected, not news (one line once it is up).
healthy() { curl -fsS http://127.0.0.1:9000/minio/health/live >/dev/null 2>&1; }

build() {
  [[ -x $BIN ]] && return
  log "building MinIO $MINIO_VERSION from source (cached in $CACHE_DIR, a few minutes once)"
  local tmp; tmp=$(mktemp -d)
  GOBIN="$tmp" GOFLAGS=-trimpath go install "github.com/minio/minio@$MINIO_VERSION"
  mkdir -p "$(dirname "$BIN")" && mv "$tmp/minio" "$BIN" && rmdir "$tmp"
}

up() {
  if healthy; then log "MinIO already up"; else
    build
    mkdir -p "$DATA"
    nohup "$BIN" server "$DATA" --address 127.0.0.1:9000 --console-address 127.0.0.1:9001 >"$STATE_DIR/minio.log" 2>&1 &
    local pid=$!
    write_pid_file "$PIDFILE" "$pid"
    wait_for_process "$pid" "$STATE_DIR/minio.log" 60 MinIO healthy
  fi
  (cd "$REPO_ROOT" && AWS_ACCESS_KEY_ID=$MINIO_ROOT_USER AWS_SECRET_ACCESS_KEY=$MINIO_ROOT_PASSWORD node infra/scripts/create-buckets.mjs sentinel sentinel-test)
  log "MinIO up on 127.0.0.1:9000 (console :9001)"
}

down() { stop_pid_file "$PIDFILE"; }

"${1:-up}"
