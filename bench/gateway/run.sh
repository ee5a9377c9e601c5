#!/usr/bin/env bash
# The gateway benchmark: one trivial upstream on loopback, reached four ways, side by side in one run:
#   1. direct                       (the upstream itself: nginx answering a fixed JSON body)
#   2. nginx reverse proxy          (no checks: the ceiling any proxy reaches on this machine)
#   3. HAProxy jwt_verify + stick table per patient (the established peer doing the same job)
#   4. SMART Guard gateway          (JWT validation against the JWKS, revocation check and per-patient sliding window
#                                    in Redis, durable audit of every request)
# Each target gets a warm-up (BENCH_WARMUP, and BENCH_JVM_WARMUP [90s] for the gateway, whose JIT needs it on two
# cores) and then the same wrk load with tokens of
# BENCH_PATIENTS distinct patients; HAProxy and the gateway are then measured BENCH_ROUNDS-1 more times, alternately,
# and each keeps its median run; then a second pass with one connection: the latency each proxy adds at low load.
# Ports BENCH_PORT_BASE+1..4 (28001-28004; the e2e stack holds 18080-18083); the run refuses to start if one is in use.
# Settings (env): BENCH_DURATION [20s] BENCH_WARMUP [30s] BENCH_JVM_WARMUP [90s] BENCH_CONNECTIONS [32] BENCH_THREADS [2] BENCH_PATIENTS [1000]
# BENCH_ROUNDS [3]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cp_file="$1"
work="$root/.suite/bench/gateway"
rows="$work/rows.tsv"
single_rows="$work/rows-1-connection.tsv"
BENCH_WARMUP="${BENCH_WARMUP:-30s}"
# shellcheck source=../common/lib.sh
source "$root/bench/common/lib.sh"
ROUNDS="${BENCH_ROUNDS:-3}"
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
# The forgery changes one character in the middle of the signature. (Changing its last character, as this check
# once did, is no forgery: that character's low bits are padding, which decoders may ignore.)
read -r patient token <"$work/tokens.txt"
IFS=. read -r header payload signature <<<"$token"
[[ "${signature:20:1}" == A ]] && other=B || other=A
forged="$header.$payload.${signature:0:20}$other${signature:21}"
for port in $HAPROXY_PORT $GATEWAY_PORT; do
  ok="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "http://127.0.0.1:$port/fhir/Patient/$patient")"
  bad="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $forged" "http://127.0.0.1:$port/fhir/Patient/$patient")"
  [[ "$ok" == 200 && "$bad" == 401 ]] || die "port $port answered $ok to a valid token and $bad to a forged one"
done

targets=("upstream direct" $JWKS_PORT "nginx reverse proxy" $NGINX_PORT "HAProxy jwt_verify + stick table" $HAPROXY_PORT
  "SMART Guard gateway" $GATEWAY_PORT)
: >"$rows"
for ((i = 0; i < ${#targets[@]}; i += 2)); do
  # the proxies written in C need no more than the common warm-up; the gateway runs on the JVM
  if [[ "${targets[i + 1]}" == "$GATEWAY_PORT" ]]; then WARMUP="$JVM_WARMUP" measure "${targets[i]}" "${targets[i + 1]}"
  else measure "${targets[i]}" "${targets[i + 1]}"; fi
done
# HAProxy and the gateway BENCH_ROUNDS-1 times more, alternately, each keeping its median run: their figures drift
# between runs on this machine (HAProxy's from 9,800 to 16,200 req/s in one day), and the ratio is what counts
for ((round = 2; round <= ROUNDS; round++)); do
  WARMUP=0 measure "HAProxy jwt_verify + stick table" $HAPROXY_PORT
  WARMUP=0 measure "SMART Guard gateway" $GATEWAY_PORT
done
cp "$rows" "$work/rounds.tsv"
median_rows "$work/rounds.tsv" >"$rows"
# one connection, one request at a time: what each proxy adds to a request's latency when nothing queues
loaded_rows="$rows" rows="$single_rows" CONNECTIONS=1 THREADS=1 WARMUP=0
: >"$rows"
for ((i = 0; i < ${#targets[@]}; i += 2)); do measure "${targets[i]}" "${targets[i + 1]}"; done
rows="$loaded_rows" CONNECTIONS="${BENCH_CONNECTIONS:-32}" THREADS="${BENCH_THREADS:-2}"

java "$root/bench/common/BenchReport.java" "$rows" "$root/bench/results" gateway \
  "Gateway overhead ($CONNECTIONS connections, $PATIENTS patients)" "bench/run gateway" \
  "SMART Guard/nginx" "SMART Guard/HAProxy" "SMART Guard/upstream"

# the one-connection pass, and the latency each proxy adds (its p50 minus the upstream's, per pass)
{
  printf '\n## One connection (%s, after the run above)\n\n' "$DURATION"
  printf '| target | requests/s | p50 (ms) | p90 (ms) | p99 (ms) | errors |\n| --- | ---: | ---: | ---: | ---: | ---: |\n'
  awk -F'\t' '{ printf "| %s | %.0f | %.2f | %.2f | %.2f | %d |\n", $1, $2, $3, $4, $5, $6 }' "$single_rows"
  printf '\n## Every run of the loaded pass (%s connections; the table above keeps the median run of each target)\n\n' "$CONNECTIONS"
  printf '| target | requests/s | p50 (ms) | p99 (ms) |\n| --- | ---: | ---: | ---: |\n'
  awk -F'\t' '{ printf "| %s | %.0f | %.2f | %.2f |\n", $1, $2, $3, $5 }' "$work/rounds.tsv"
  printf '\n## Added latency (p50 of the proxy minus p50 of the upstream direct, ms)\n\n'
  printf '| proxy | 1 connection | %s connections |\n| --- | ---: | ---: |\n' "$CONNECTIONS"
  awk -F'\t' 'FNR == 1 { file++ } file == 1 { one[$1] = $3; order[++n] = $1 } file == 2 { loaded[$1] = $3 }
    END { for (i = 2; i <= n; i++) printf "| %s | %.3f | %.3f |\n", order[i], one[order[i]] - one[order[1]], loaded[order[i]] - loaded[order[1]] }' \
    "$single_rows" "$rows"
} | tee -a "$root/bench/results/gateway.md"
