#!/usr/bin/env bash
# The token endpoint benchmark on a stack of its own (`bench/run auth` without a BASE_URL): ./suite up with its own
# state dir (.suite/bench/auth-stack), ports (lib.sh), databases (suffix _benchstack), Redis database
# (BENCH_AUTH_REDIS_DB [3]) and topic prefix (bench-stack.), started fresh, without a Synthea population, and with the
# gateway's per-address limit on /auth/token raised (else the load measures 429s) and the codes' lifetime raised
# (AuthBench prepares 100 codes before exchanging them: on a busy machine that outlasts the 60 s default); then
# AuthBench through that stack's gateway, and ./suite down for that stack (the shared PostgreSQL, Redis and Kafka keep
# running).
# Writes bench/results/auth.md and its charts.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cp_file="$1"
work="$root/.suite/bench/auth"
rows="$work/rows.tsv"
# shellcheck source=../common/lib.sh
source "$root/bench/common/lib.sh"
bench_ports auth
stack_env=(SUITE_STATE_DIR="$work/stack" SUITE_DB_SUFFIX=_benchstack SUITE_TOPIC_PREFIX=bench-stack.
  SUITE_REDIS_DB="${BENCH_AUTH_REDIS_DB:-3}" SUITE_FRESH=true SUITE_POPULATION=0 SUITE_BUILD=never
  SUITE_READY_TIMEOUT="${BENCH_READY_TIMEOUT:-180}"
  SUITE_KAFKA_LIB="${SUITE_KAFKA_LIB:-$root/.suite/kafka/lib}"
  GATEWAY_PORT="$GATEWAY_PORT" AUTH_PORT="$AUTH_PORT" FHIR_PORT="$FHIR_PORT" AUDIT_PORT="$AUDIT_PORT" DEMO_APP_PORT="$DEMO_APP_PORT"
  SMARTGUARD_GATEWAY_RATELIMIT_ADDRESS_LIMIT=1000000000 SMARTGUARD_GATEWAY_RATELIMIT_DEFAULT_LIMIT=1000000000
  SMARTGUARD_AUTH_CODE_LIFETIME=10m)

ensure_tools_and_infra
# each jar built when stale as every scenario builds it (lib.sh), so ./suite up uses them as they are
for module in auth-service fhir-service audit-service gateway-service; do service_jar "$module" >/dev/null; done
mkdir -p "$work"
rm -f "$rows"
stop_stack() { env "${stack_env[@]}" "$root/suite" down >>"$work/stack.log" 2>&1 || true; }
trap stop_stack EXIT
say "starting a stack of its own (./suite up; log $work/stack.log)"
env "${stack_env[@]}" "$root/suite" up >"$work/stack.log" 2>&1 || die "./suite up failed; see $work/stack.log"

# AuthBench finds demo-backend's key under SUITE_STATE_DIR and builds demo-app's redirect URI from DEMO_APP_PORT
(cd "$root" && env SUITE_STATE_DIR="$work/stack" DEMO_APP_PORT="$DEMO_APP_PORT" BENCH_AUTH_REPORT="$work/auth-bench.md" \
  BENCH_AUTH_ROWS="$rows" java -cp "$(<"$cp_file")" "$here/AuthBench.java" "http://localhost:$GATEWAY_PORT")
java "$root/bench/common/BenchReport.java" "$rows" "$root/bench/results" auth \
  "Token endpoint through the gateway (own stack; authorization_code and client_credentials, 8 threads)" "bench/run auth"
