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
wait_for() {
  local timeout=$1 what=$2; shift 2
  local start=$SECONDS
  until "$@" >/dev/null 2>&1; do
    (( SECONDS - start >= timeout )) && die "$what not ready after ${timeout}s"
    sleep 0.5
  done
}

# Root runs apt directly; others need sudo.
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
