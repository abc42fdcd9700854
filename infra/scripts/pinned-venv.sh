#!/usr/bin/env bash
# A Python virtualenv installed from a committed lock file, reinstalled only when the lock changes.
#   pinned-venv.sh <venv dir> <requirements.txt> <requirements.lock>            install from the lock
#   pinned-venv.sh <venv dir> <requirements.txt> <requirements.lock> --relock   resolve again, rewrite the lock
source "$(dirname "$0")/lib.sh"

VENV=$1 REQUIREMENTS=$2 LOCK=$3
STAMP="$VENV/.lock.sha256"
PYTHON="${PYTHON:-python3}"

if [[ ${4:-} == --relock ]]; then
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip
  "$VENV/bin/pip" install -q -r "$REQUIREMENTS"
  "$VENV/bin/pip" freeze --exclude-editable >"$LOCK"
  sha256sum "$LOCK" | cut -d' ' -f1 >"$STAMP"
  log "relocked $(basename "$VENV"): $(grep -c '==' "$LOCK") packages"
  exit
fi

want=$(sha256sum "$LOCK" | cut -d' ' -f1)
if [[ -f $STAMP && $(cat "$STAMP") == "$want" ]]; then
  log "$(basename "$VENV") up to date"
  exit
fi
"$PYTHON" -m venv "$VENV" || die "python3 -m venv failed: install python3-venv (infra/scripts/install-system.sh)"
"$VENV/bin/pip" install -q --upgrade pip
"$VENV/bin/pip" install -q --no-deps -r "$LOCK"
"$VENV/bin/pip" check >/dev/null || die "$LOCK is inconsistent: rerun with --relock"
echo "$want" >"$STAMP"
log "$(basename "$VENV") installed from $(basename "$LOCK")"
