#!/bin/bash
# Byte-identity of `sentinel templates` between two checkouts (each built with `npm run build`):
#   bench/templatesIdentity.sh BASE_ROOT NEW_ROOT [BIG_INPUT...]
# Compares the CSVs of the ten loghub 2k samples in four forms (known format; --full with
# --templates-out; gzipped; the plain lines as `<Content>`), and of each BIG_INPUT given as
# FILE:FORMAT (e.g. /tmp/HDFS_1M.log:hdfs /tmp/messages.log:'<Content>'), also with no worker
# threads (SENTINEL_PARQUET_WORKER=0) in the new build. Prints one line per comparison; exits 1 on
# any difference.
set -u
base=$1; new=$2; shift 2
loghub=${SENTINEL_DATASETS:-$(dirname "$0")/../../shared/datasets}/loghub
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0
compare() { # NAME FILE FORMAT [ARGS...]
  local name=$1 file=$2 format=$3; shift 3
  node "$base/bin/sentinel.mjs" templates "$file" --log-format "$format" --out "$work/a.csv" "$@" 2>/dev/null >/dev/null
  [ -e "$work/T.csv" ] && mv "$work/T.csv" "$work/Ta.csv"
  for env in 1 0; do
    SENTINEL_PARQUET_WORKER=$env node "$new/bin/sentinel.mjs" templates "$file" --log-format "$format" --out "$work/b.csv" "$@" 2>/dev/null >/dev/null
    if cmp -s "$work/a.csv" "$work/b.csv" && { [ ! -e "$work/T.csv" ] || cmp -s "$work/Ta.csv" "$work/T.csv"; }; then echo "same      $name (workers $env)"; else echo "DIFFERENT $name (workers $env)"; fail=1; fi
  done
  rm -f "$work"/*.csv
}
for dir in "$loghub"/*/; do
  system=$(basename "$dir"); log="$dir/${system}_2k.log"
  [ -f "$log" ] || continue
  compare "$system" "$log" "$system"
  compare "$system --full" "$log" "$system" --full --templates-out "$work/T.csv"
  gzip -c "$log" > "$work/$system.log.gz"
  compare "$system gzipped" "$work/$system.log.gz" "$system"
  compare "$system <Content>" "$log" '<Content>'
done
for input in "$@"; do
  compare "$input" "${input%%:*}" "${input#*:}"
done
exit $fail
