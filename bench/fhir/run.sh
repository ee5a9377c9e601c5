#!/usr/bin/env bash
# The FHIR benchmark (issue 4): a fresh database, BENCH_PATIENTS patients with BENCH_OBSERVATIONS observations each
# loaded through transaction bundles (the first half straight to the fhir-service, the second half through the
# gateway: ingest both ways), then, with patient-scoped tokens (SMART enforcement on, the durable audit
# publisher on), GET Patient/{id} and GET Observation?patient=X&category=vital-signs&_count=50, each straight to the
# fhir-service and through the gateway (JWT check, per-patient Redis limit, audit), side by side.
# Settings (env): BENCH_PATIENTS [1000] BENCH_OBSERVATIONS [20] BENCH_LOAD_THREADS [4] and lib.sh's BENCH_DURATION,
# BENCH_WARMUP, BENCH_JVM_WARMUP (each read and search target), BENCH_CONNECTIONS, BENCH_THREADS. BENCH_SOAK=true then
# runs bench/soak/run.sh on this stack.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cp_file="$1"
work="$root/.suite/bench/fhir"
rows="$work/rows.tsv"
# shellcheck source=../common/lib.sh
source "$root/bench/common/lib.sh"
OBSERVATIONS="${BENCH_OBSERVATIONS:-20}"
LOAD_THREADS="${BENCH_LOAD_THREADS:-4}"
# one database per port block: a second set of benchmarks (another BENCH_PORT_BASE) must not drop the first's
DB="fhir_bench${BENCH_PORT_BASE:+_$BENCH_PORT_BASE}"
bench_ports fhir

ensure_tools_and_infra
fhir_jar="$(service_jar fhir-service)"
gateway_jar="$(service_jar gateway-service)"
rm -rf "$work" && mkdir -p "$work/spool"
trap stop_all EXIT
sign_tokens
start_nginx

say "fresh database $DB"
fresh_database

mapfile -t fhir_env < <(fhir_service_env)
start_java fhir "$fhir_jar" "${fhir_env[@]}"
start_java gateway "$gateway_jar" QUARKUS_HTTP_PORT=$GATEWAY_PORT SMARTGUARD_PUBLIC_BASE_URL=$PUBLIC_BASE \
  SMARTGUARD_GATEWAY_ROUTES_FHIR_UPSTREAM=http://127.0.0.1:$FHIR_PORT \
  SMARTGUARD_GATEWAY_AUTH_JWKS_URI=http://127.0.0.1:$JWKS_PORT/auth/jwks \
  SMARTGUARD_GATEWAY_RATELIMIT_DEFAULT_LIMIT=1000000000 SMARTGUARD_GATEWAY_RATELIMIT_KEY_PREFIX="bench:fhir:$(date +%s):" \
  SMARTGUARD_GATEWAY_UPSTREAM_RESPONSE_TIMEOUT=300s \
  SMARTGUARD_GATEWAY_BOTS_ENABLED=false SMARTGUARD_AUDIT_SPOOL_DIR="$work/spool" SMARTGUARD_AUDIT_TOPIC=bench.audit-events \
  KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092
wait_ready $FHIR_PORT fhir
wait_ready $GATEWAY_PORT gateway

: >"$rows"
say "loading $PATIENTS patients x (1 + $OBSERVATIONS observations), $LOAD_THREADS bundles in flight, half through the gateway"
half=$((PATIENTS / 2))
java "$root/bench/fhir/FhirLoad.java" "http://127.0.0.1:$FHIR_PORT/fhir" "$work/system-token.txt" "$half" "$OBSERVATIONS" "$LOAD_THREADS" \
  1 "ingest, fhir-service direct" >>"$rows"
java "$root/bench/fhir/FhirLoad.java" "http://127.0.0.1:$GATEWAY_PORT/fhir" "$work/system-token.txt" "$((PATIENTS - half))" "$OBSERVATIONS" \
  "$LOAD_THREADS" "$((half + 1))" "ingest, through the gateway" >>"$rows"

# what autovacuum does soon after a bulk load (statistics, visibility map); this machine's PostgreSQL runs with
# autovacuum=off, and without statistics the planner takes a category's 15,000 rows for one
say "VACUUM ANALYZE $DB"
"$root/suite" sql <<<"\\c $DB
VACUUM ANALYZE;" >/dev/null

# the measured requests must succeed and be the patient's own: a refusal would make the run meaningless
read -r patient token <"$work/tokens.txt"
count="$(curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:$GATEWAY_PORT/fhir/Observation?patient=$patient&category=vital-signs&_count=50" \
  | grep -o '"resourceType":"Observation"' | wc -l)"
((count > 0)) || die "the search for $patient's vital signs found nothing"

search='/fhir/Observation?patient={patient}&category=vital-signs&_count=50'
WARMUP="$JVM_WARMUP" measure "read Patient, fhir-service direct" $FHIR_PORT
WARMUP="$JVM_WARMUP" measure "read Patient, through the gateway" $GATEWAY_PORT
WARMUP="$JVM_WARMUP" measure "search vital signs, fhir-service direct" $FHIR_PORT "$search"
WARMUP="$JVM_WARMUP" measure "search vital signs, through the gateway" $GATEWAY_PORT "$search"

java "$root/bench/common/BenchReport.java" "$rows" "$root/bench/results" fhir \
  "FHIR server ($PATIENTS patients x $OBSERVATIONS observations, $CONNECTIONS connections, patient tokens)" "bench/run fhir" \
  "ingest, through/ingest, fhir" "read Patient, through/read Patient, fhir" "search vital signs, through/search vital signs, fhir"
if [[ "${BENCH_SOAK:-false}" == true ]]; then
  "$root/bench/soak/run.sh" "$cp_file" "$work" "$GATEWAY_PORT" "$(awk -F'\t' '$1 == "read Patient, through the gateway" { print $2 }' "$rows")" \
    fhir-service="${bench_pids[0]}" gateway-service="${bench_pids[1]}"
fi
