#!/usr/bin/env bash
# The pinned virtualenv of the benchmark peers (.venv-bench): scikit-learn, PySpark and Drain3 from
# bench/requirements.txt, which pins every package (dependencies too), so it is its own lock.
# Reinstalled only when that file changes; `make test` never needs it. PySpark runs on the
# machine's Java (17 or newer for PySpark 4).
source "$(dirname "$0")/lib.sh"
command -v java >/dev/null || die "no java: PySpark needs a JDK 17+ (infra/scripts/install-system.sh installs one for Kafka)"
exec "$(dirname "$0")/pinned-venv.sh" "$REPO_ROOT/.venv-bench" "$REPO_ROOT/bench/requirements.txt" "$REPO_ROOT/bench/requirements.txt" "$@"
