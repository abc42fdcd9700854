#!/usr/bin/env bash
# A local MLflow tracking server (127.0.0.1:5000, SQLite backend, artifacts proxied by the server)
# for the test that `train` mirrors model versions to MLflow. log-sentinel never needs MLflow to run.
source "$(dirname "$0")/lib.sh"

VENV="$REPO_ROOT/.venv-mlflow"
DATA="$STATE_DIR/mlflow"
PIDFILE="$STATE_DIR/mlflow.pid"
PORT=5000

# /health answers even when the server's database is gone, so ask the tracking API itself.
healthy() { curl -fsS -X POST -H 'content-type: application/json' -d '{"max_results": 1}' "http://127.0.0.1:$PORT/api/2.0/mlflow/experiments/search" >/dev/null 2>&1; }

up() {
  if healthy; then log "MLflow already up"; return; fi
  "$(dirname "$0")/pinned-venv.sh" "$VENV" "$REPO_ROOT/infra/mlflow/requirements.txt" "$REPO_ROOT/infra/mlflow/requirements.lock"
  mkdir -p "$DATA"
  nohup "$VENV/bin/mlflow" server --host 127.0.0.1 --port "$PORT" --workers 1 \
    --backend-store-uri "sqlite:///$DATA/mlflow.db" --artifacts-destination "$DATA/artifacts" >"$STATE_DIR/mlflow.log" 2>&1 &
  local pid=$!
  write_pid_file "$PIDFILE" "$pid"
  wait_for_process "$pid" "$STATE_DIR/mlflow.log" 120 "MLflow (is another process holding port $PORT?)" healthy
  log "MLflow up on 127.0.0.1:$PORT"
}

down() {
  stop_pid_file "$PIDFILE"
  # The server's job consumer (huey) outlives a TERM to the server: stop ours, found by our venv's path.
  pkill -f -- "^$VENV/bin/python[0-9.]* -m huey.bin.huey_consumer" || true
}

"${1:-up}"
