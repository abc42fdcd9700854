#!/usr/bin/env bash
# The pinned Airflow virtualenv (.venv-airflow) for the DAG tests and the local Airflow.
# Installs from infra/airflow/requirements.lock; skipped when the lock has not changed.
#   --relock: resolve infra/airflow/requirements.txt again and rewrite the lock.
source "$(dirname "$0")/lib.sh"

VENV="$REPO_ROOT/.venv-airflow"
LOCK="$REPO_ROOT/infra/airflow/requirements.lock"
STAMP="$VENV/.lock.sha256"
PYTHON="${PYTHON:-python3}"

if [[ ${1:-} == --relock ]]; then
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip
  "$VENV/bin/pip" install -q -r "$REPO_ROOT/infra/airflow/requirements.txt"
  "$VENV/bin/pip" freeze --exclude-editable >"$LOCK"
  sha256sum "$LOCK" | cut -d' ' -f1 >"$STAMP"
  log "relocked: $(grep -c '==' "$LOCK") packages"
  exit
fi

want=$(sha256sum "$LOCK" | cut -d' ' -f1)
if [[ -f $STAMP && $(cat "$STAMP") == "$want" ]]; then
  log "Airflow venv up to date"
  exit
fi
"$PYTHON" -m venv "$VENV" || die "python3 -m venv failed: install python3-venv (infra/scripts/install-system.sh)"
"$VENV/bin/pip" install -q --upgrade pip
"$VENV/bin/pip" install -q --no-deps -r "$LOCK"
"$VENV/bin/pip" check >/dev/null || die "the Airflow lock is inconsistent: run $0 --relock"
echo "$want" >"$STAMP"
log "Airflow venv installed from the lock"
