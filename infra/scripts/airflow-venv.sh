#!/usr/bin/env bash
# The pinned Airflow virtualenv (.venv-airflow) for the DAG tests and the local Airflow.
#   --relock: resolve infra/airflow/requirements.txt again and rewrite the lock.
source "$(dirname "$0")/lib.sh"
exec "$(dirname "$0")/pinned-venv.sh" "$REPO_ROOT/.venv-airflow" "$REPO_ROOT/infra/airflow/requirements.txt" "$REPO_ROOT/infra/airflow/requirements.lock" "$@"
