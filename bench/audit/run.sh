#!/usr/bin/env bash
# The audit benchmark (issue 6): the audit-service with all eight rules on, on a fresh topic (BENCH_AUDIT_PARTITIONS
# [3]) and database. Saturation: BENCH_AUDIT_EVENTS [20000] events as fast as the producer goes -> events stored and
# checked per second. Paced: BENCH_AUDIT_RATE events/s [0 = half the slower saturation figure] for
# BENCH_AUDIT_PACED_SECONDS [30] with BENCH_AUDIT_BURSTS [10] snooping bursts -> delay from publishing each burst's
# threshold-crossing event to its alert on the alerts topic, p50/p90/p99, at a load the service keeps up with. That
# delay is about one to two Streams commit intervals (200 ms, exactly-once): the repartitioned signals are read once
# their transaction commits, the window's count leaves the record cache at the next commit and its alert (no
# suppress(): the gate emits the first one at once) becomes visible when that commit's transaction ends.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$root/.suite/bench/audit"
rows="$work/rows.tsv"
# shellcheck source=../common/lib.sh
source "$root/bench/common/lib.sh"
EVENTS="${BENCH_AUDIT_EVENTS:-20000}"
PARTITIONS="${BENCH_AUDIT_PARTITIONS:-3}"
RATE="${BENCH_AUDIT_RATE:-0}"          # paced phase, events/s; 0 = half the saturation throughput
SECONDS_PACED="${BENCH_AUDIT_PACED_SECONDS:-30}" BURSTS="${BENCH_AUDIT_BURSTS:-10}"
DB="${BENCH_AUDIT_DB:-audit_bench}" BOOTSTRAP=127.0.0.1:9092
bench_ports audit
run_id="$(date +%s)"
topic="bench.audit-events.$run_id" alerts="bench.security-alerts.$run_id" rules_group="bench-audit-rules-$run_id"

if ! port_open 5432 || ! port_open 6379 || ! port_open 9092; then "$root/suite" infra >/dev/null; fi
audit_jar="$(service_jar audit-service)"
lib="$root/audit-service/target/quarkus-app/lib/main/*"
rm -rf "$work" && mkdir -p "$work"
trap stop_all EXIT

say "fresh database $DB, topic $topic ($PARTITIONS partitions)"
fresh_database
java -cp "$lib" "$here/AuditLoad.java" create "$BOOTSTRAP" "$topic" "$PARTITIONS"

start_java audit "$audit_jar" QUARKUS_HTTP_PORT=$AUDIT_PORT KAFKA_BOOTSTRAP_SERVERS=$BOOTSTRAP \
  QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/$DB \
  QUARKUS_DATASOURCE__AUDIT_WRITER__JDBC_URL=jdbc:postgresql://127.0.0.1:5432/$DB \
  SMARTGUARD_AUDIT_SERVICE_TOPIC="$topic" SMARTGUARD_AUDIT_SERVICE_DEAD_LETTER_TOPIC="$topic.dlq" \
  SMARTGUARD_AUDIT_SERVICE_CONSUMER_GROUP="bench-audit-ingest-$run_id" \
  QUARKUS_KAFKA_STREAMS_APPLICATION_ID="$rules_group" KAFKA_STREAMS_STATE_DIR="$work/streams" \
  SMARTGUARD_AUDIT_RULES_ALERTS_TOPIC="$alerts" SMARTGUARD_AUDIT_RULES_ALERTS_CONSUMER_GROUP="bench-alert-store-$run_id" \
  SMARTGUARD_AUDIT_TOPIC="bench.audit-self-events"
wait_ready $AUDIT_PORT audit

paced="$RATE events/s"
[[ "$RATE" == 0 ]] && paced="half the saturation throughput"
say "saturation: $EVENTS events (plus three snooping bursts) as fast as they go; then ${SECONDS_PACED} s paced at" \
  "$paced with $BURSTS bursts"
java -cp "$lib" "$here/AuditLoad.java" run "$BOOTSTRAP" "$topic" "$alerts" "$rules_group" \
  "jdbc:postgresql://127.0.0.1:5432/$DB" "$EVENTS" "$RATE" "$SECONDS_PACED" "$BURSTS" >"$rows"
cat "$rows"
java "$root/bench/common/BenchReport.java" "$rows" "$root/bench/results" audit \
  "Audit ingest and anomaly rules ($EVENTS events at saturation, then ${SECONDS_PACED} s paced; $PARTITIONS partitions, all eight rules on; latency columns: publication to alert)" \
  "bench/run audit"
