#!/usr/bin/env bash
# Apache Kafka 4 (KRaft, one node acting as broker and controller) for the stream tests and
# `make demo-stream`, from Maven Central: Maven resolves the kafka_2.13 jars and their runtime
# dependencies (infra/kafka/pom.xml) once into the cache; the node runs on 127.0.0.1:19092 (controller
# :19093, not the default ports so a developer's own Kafka keeps 9092) with its data in .sentinel/kafka.
source "$(dirname "$0")/lib.sh"

KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$REPO_ROOT/infra/kafka/pom.xml")
LIBS="$CACHE_DIR/kafka-$KAFKA_VERSION"
DATA="$STATE_DIR/kafka"
PIDFILE="$STATE_DIR/kafka.pid"
PORT=${SENTINEL_KAFKA_PORT:-19092}
CONTROLLER_PORT=$((PORT + 1))
BROKERS="127.0.0.1:$PORT"

# A broker's answer to ApiVersions, not an open port: another program on the port is not "Kafka already up".
healthy() { node "$REPO_ROOT/infra/scripts/kafka-answers.mjs" "$BROKERS" 2>/dev/null; }

fetch() {
  [[ -f $LIBS/.complete ]] && return
  command -v mvn >/dev/null || die "mvn not found (infra/scripts/install-system.sh installs maven)"
  log "fetching Kafka $KAFKA_VERSION jars from Maven Central into $LIBS (once)"
  rm -rf "$LIBS" && mkdir -p "$LIBS"
  mvn -q -B -f "$REPO_ROOT/infra/kafka/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$LIBS"
  touch "$LIBS/.complete"
}

kafka_java() {
  java -Xmx512m -Xms512m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$REPO_ROOT/infra/kafka/log4j2.properties" \
    -cp "$LIBS/*" "$@"
}

write_properties() {
  cat >"$DATA/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$DATA/logs
num.partitions=4
offsets.topic.replication.factor=1
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
log.retention.hours=24
PROPS
}

up() {
  if healthy; then log "Kafka already up on $BROKERS"; return; fi
  fetch
  mkdir -p "$DATA"
  write_properties
  if [[ ! -f $DATA/logs/meta.properties ]]; then
    # random-uuid prints log4j's start-up lines before the id: the id is the last line.
    kafka_java kafka.tools.StorageTool format -t "$(kafka_java kafka.tools.StorageTool random-uuid | tail -n 1)" \
      -c "$DATA/server.properties" >"$DATA/format.log" 2>&1 || { tail -5 "$DATA/format.log" >&2; die "Kafka storage format failed"; }
  fi
  nohup java -Xmx512m -Xms512m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$REPO_ROOT/infra/kafka/log4j2.properties" \
    -cp "$LIBS/*" kafka.Kafka "$DATA/server.properties" >"$DATA/broker.log" 2>&1 &
  local pid=$!
  write_pid_file "$PIDFILE" "$pid"
  wait_for_process "$pid" "$DATA/broker.log" 90 Kafka healthy
  log "Kafka $KAFKA_VERSION up on $BROKERS"
}

down() { stop_pid_file "$PIDFILE" 30; }

status() { if healthy; then echo "kafka ok $BROKERS"; else echo "kafka down"; return 1; fi; }

# The line services.sh writes into services.env.
brokers() { echo "$BROKERS"; }

"${1:-up}"
