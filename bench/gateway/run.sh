#!/usr/bin/env bash
# The gateway benchmark: one trivial upstream on loopback, reached four ways, side by side in one run:
#   1. direct                       (the upstream itself: nginx answering a fixed JSON body)
#   2. nginx reverse proxy          (no checks: the ceiling any proxy reaches on this machine)
#   3. HAProxy jwt_verify + stick table per patient (the established peer doing the same job)
#   4. SMART Guard gateway          (JWT validation against the JWKS, revocation check and per-patient sliding window
#                                    in Redis, durable audit of every request)
# Each target gets the same warm-up and then the same wrk load with tokens of BENCH_PATIENTS distinct patients.
# Settings (env): BENCH_DURATION [20s] BENCH_WARMUP [10s] BENCH_CONNECTIONS [32] BENCH_THREADS [2] BENCH_PATIENTS [1000]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cp_file="$1"
work="$root/.suite/bench/gateway"
rows="$work/rows.tsv"
# shellcheck source=../common/lib.sh
source "$root/bench/common/lib.sh"
bench_ports gateway

ensure_tools_and_infra
jar="$(service_jar gateway-service)"
rm -rf "$work" && mkdir -p "$work/spool"
trap stop_all EXIT
sign_tokens
start_nginx

sed -e "s#@WORK@#$work#g" -e "s#@UPSTREAM_PORT@#$JWKS_PORT#g" -e "s#@HAPROXY_PORT@#$HAPROXY_PORT#g" \
  -e "s#@ISSUER@#$PUBLIC_BASE/auth#g" -e "s#@AUDIENCE@#$PUBLIC_BASE/fhir#g" "$here/haproxy.cfg" >"$work/haproxy.cfg"
haproxy -c -q -f "$work/haproxy.cfg" || die "the HAProxy configuration is invalid"
haproxy -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
bench_pids+=($!)

start_java gateway "$jar" QUARKUS_HTTP_PORT=$GATEWAY_PORT SMARTGUARD_PUBLIC_BASE_URL=$PUBLIC_BASE \
  SMARTGUARD_GATEWAY_ROUTES_FHIR_UPSTREAM=http://127.0.0.1:$JWKS_PORT \
  SMARTGUARD_GATEWAY_AUTH_JWKS_URI=http://127.0.0.1:$JWKS_PORT/auth/jwks \
  SMARTGUARD_GATEWAY_RATELIMIT_DEFAULT_LIMIT=1000000000 SMARTGUARD_GATEWAY_RATELIMIT_KEY_PREFIX="bench:gateway:$(date +%s):" \
  SMARTGUARD_GATEWAY_BOTS_ENABLED=false SMARTGUARD_AUDIT_SPOOL_DIR="$work/spool" SMARTGUARD_AUDIT_TOPIC=bench.audit-events \
  KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092
wait_ready $GATEWAY_PORT gateway

# A token must pass every proxy that checks one, and a forged one must not: otherwise the run measures nothing.
read -r patient token <"$work/tokens.txt"
# the signature's last character carries only its top two bits: A and Q differ in them (w and x would not)
forged="${token%?}$([[ "${token: -1}" == A ]] && echo Q || echo A)"
for port in $HAPROXY_PORT $GATEWAY_PORT; do
  ok="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "http://127.0.0.1:$port/fhir/Patient/$patient")"
  bad="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $forged" "http://127.0.0.1:$port/fhir/Patient/$patient")"
  [[ "$ok" == 200 && "$bad" == 401 ]] || die "port $port answered $ok to a valid token and $bad to a forged one"
done

: >"$rows"
measure "upstream direct" $JWKS_PORT
measure "nginx reverse proxy" $NGINX_PORT
measure "HAProxy jwt_verify + stick table" $HAPROXY_PORT
measure "SMART Guard gateway" $GATEWAY_PORT

java "$root/bench/common/BenchReport.java" "$rows" "$root/bench/results" gateway \
  "Gateway overhead ($CONNECTIONS connections, $PATIENTS patients)" "bench/run gateway" \
  "SMART Guard/nginx" "SMART Guard/HAProxy" "SMART Guard/upstream"
