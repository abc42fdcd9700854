#!/usr/bin/env bash
# Everything the integration tests talk to: PostgreSQL, MinIO, dockerd, MLflow, Kafka. Writes .sentinel/services.env,
# which `make test` sources.
source "$(dirname "$0")/lib.sh"
dir=$(dirname "$0")

up() {
  "$dir/postgres.sh" up
  "$dir/minio.sh" up
  "$dir/mlflow.sh" up
  "$dir/kafka.sh" up
  local docker_ok=0
  if "$dir/dockerd.sh" up; then docker_ok=1; fi
  cat >"$STATE_DIR/services.env" <<ENV
SENTINEL_TEST_DATABASE_URL=postgres://sentinel:$PG_PASSWORD@127.0.0.1:5432/sentinel_test
AWS_ENDPOINT_URL_S3=http://127.0.0.1:9000
AWS_ACCESS_KEY_ID=$MINIO_USER
AWS_SECRET_ACCESS_KEY=$MINIO_PASSWORD
AWS_REGION=us-east-1
SENTINEL_TEST_BUCKET=sentinel-test
SENTINEL_TEST_DOCKER=$docker_ok
SENTINEL_TEST_MLFLOW_URI=http://127.0.0.1:5000
SENTINEL_TEST_KAFKA_BROKERS=$("$dir/kafka.sh" brokers)
ENV
  log "services up; settings in .sentinel/services.env"
}

down() { "$dir/kafka.sh" down; "$dir/mlflow.sh" down; "$dir/minio.sh" down; "$dir/postgres.sh" down; }

status() {
  pg_isready -h 127.0.0.1 -p 5432 && curl -fsS http://127.0.0.1:9000/minio/health/live && echo "minio ok"; "$dir/kafka.sh" status || true; docker info --format 'docker {{.ServerVersion}}' || true
}

"${1:-up}"
