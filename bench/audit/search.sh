#!/usr/bin/env bash
# The audit search benchmark: BENCH_AUDIT_SEARCH_EVENTS [50000] events stored in a fresh database through the store's
# own append path (SearchLoad: three chains, three months of monthly partitions), then each search below planned and
# run under EXPLAIN (ANALYZE, BUFFERS) as the service's role, with the SQL the service itself builds (SearchPlans).
# Writes bench/results/audit-search.md (one row per search) and the plans to .suite/bench/audit-search/plans.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$root/.suite/bench/audit-search"
rows="$work/rows.tsv"
# shellcheck source=../common/lib.sh
source "$root/bench/common/lib.sh"
EVENTS="${BENCH_AUDIT_SEARCH_EVENTS:-50000}"
DB=audit_search_bench
bench_ports audit-search
jdbc="jdbc:postgresql://127.0.0.1:5432/$DB"
run_id="$(date +%s)"
sql() { PGPASSWORD=smartguard psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -U smartguard -d "$DB" "$@"; }

if ! port_open 5432 || ! port_open 6379 || ! port_open 9092; then "$root/suite" infra >/dev/null; fi
audit_jar="$(service_jar audit-service)"
cp="$root/audit-service/target/quarkus-app/lib/main/*:$root/audit-service/target/quarkus-app/lib/boot/*:$root/audit-service/target/quarkus-app/app/*"
rm -rf "$work" && mkdir -p "$work"
trap stop_all EXIT

say "fresh database $DB: the service migrates it (Flyway) and grants its role, ingest off"
fresh_database
start_java audit "$audit_jar" QUARKUS_HTTP_PORT=$AUDIT_PORT QUARKUS_DATASOURCE_JDBC_URL="$jdbc" \
  QUARKUS_DATASOURCE__AUDIT_WRITER__JDBC_URL="$jdbc" SMARTGUARD_AUDIT_SERVICE_INGEST_ENABLED=false \
  SMARTGUARD_AUDIT_SERVICE_TOPIC="bench.audit-search.$run_id" QUARKUS_KAFKA_STREAMS_APPLICATION_ID="bench-audit-search-$run_id" \
  KAFKA_STREAMS_STATE_DIR="$work/streams" SMARTGUARD_AUDIT_RULES_ALERTS_TOPIC="bench.audit-search-alerts.$run_id" \
  SMARTGUARD_AUDIT_RULES_ALERTS_CONSUMER_GROUP="bench-audit-search-alerts-$run_id" \
  SMARTGUARD_AUDIT_TOPIC="bench.audit-self-events"
deadline=$((SECONDS + 120))
# started = migrated, granted and partitioned (readiness would wait for a topic no one writes)
until grep -q "audit-service .* started in" "$work/audit.log" 2>/dev/null; do
  ((SECONDS < deadline)) || die "the audit-service did not start; see $work/audit.log"
  sleep 0.5
done
stop_all

say "storing $EVENTS events"
java -cp "$cp" "$here/SearchLoad.java" "$jdbc" "$EVENTS"
# what autovacuum would do soon after such a load: statistics, and the visibility map index-only scans rely on
sql -c "VACUUM ANALYZE audit_log.events" -c "VACUUM ANALYZE audit_log.event_keys"

say "planning and running the searches"
java -cp "$cp" "$here/SearchPlans.java" "$jdbc" "$work/plans.md" \
  "address=10.99.99.99" "patient=Patient/p-hot" "patient=Patient/p-17" "agent=Practitioner/pr-7" "type=rest" \
  "type=rest&address=10.99.99.99" "patient=p-hot&type=rest" "type=rest&outcome=0" "subtype=access-denied,110122" \
  "patient=p-hot&date=ge$(date -u -d '-30 days' +%F)&date=lt$(date -u -d '-29 days' +%F)" >"$rows"
cat "$rows"
{
  printf '# AuditEvent search plans (%s events, a page of 50, newest first)\n\n' "$EVENTS"
  printf '%s; %s cores; PostgreSQL %s; command `bench/run audit-search`; plans in `.suite/bench/audit-search/plans.md`\n\n' \
    "$(date -u +%FT%TZ)" "$(nproc)" "$(sql -c 'SHOW server_version')"
  printf '%s\n\n' "$(head -1 "$work/plans.md")"
  printf '| search | rows | execution (ms) | plan |\n| --- | ---: | ---: | --- |\n'
  awk -F'\t' '{ printf "| `%s` | %s | %s | %s |\n", $1, $2, $3, $4 }' "$rows"
} >"$root/bench/results/audit-search.md"
say "wrote bench/results/audit-search.md"
