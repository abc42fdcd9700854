#!/usr/bin/env bash
# `make demo-stream`: the real-time path on this machine. Starts Kafka (and the other services),
# trains a model on one generated day (embedded database, local lake under .sentinel/demo-stream),
# then runs `sentinel stream` while the next day is produced at 2,000 records/s. Stops after the
# producer (a couple of minutes): the anomalies found are printed from /metrics and the database.
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
infra/scripts/kafka.sh up
DIR="$STATE_DIR/demo-stream"
rm -rf "$DIR" && mkdir -p "$DIR"
export SENTINEL_LAKE="file://$DIR/lake" SENTINEL_EMBEDDED_DB_DIR="$DIR/pg" SENTINEL_KAFKA_BROKERS=$(infra/scripts/kafka.sh brokers) LOG_LEVEL=warn
unset DATABASE_URL
S="node bin/sentinel.mjs"
TOPIC="demo-$(date +%s)"
log "training on 2026-03-02"
$S generate --from 2026-03-02 --logs-per-day 150000 --services 6 >/dev/null
for step in ingest parse features; do $S "$step" --date 2026-03-02 >/dev/null; done
$S train --from 2026-03-02 --to 2026-03-02 >/dev/null
log "streaming topic $TOPIC (metrics: http://127.0.0.1:9464/metrics)"
LOG_LEVEL=info $S stream --topic "$TOPIC" --port 9464 2>"$DIR/stream.log" >/dev/null &
stream_pid=$!
wait_for 60 "sentinel stream" curl -fsS http://127.0.0.1:9464/readyz
$S generate --from 2026-03-03 --logs-per-day 150000 --services 6 --seed 8 --to-kafka "$TOPIC" --rate 2000 >/dev/null
sleep 3
curl -fsS http://127.0.0.1:9464/metrics | grep -E '^sentinel_stream_(records_in|anomalies_written|records_quarantined|model_version|latency_recent)'
kill -TERM "$stream_pid" && wait "$stream_pid" || true
log "stream log: $DIR/stream.log; the landed records: $DIR/lake/landing/ (ingest them with \`sentinel ingest --date 2026-03-03\`)"
