#!/usr/bin/env bash
# The gateway benchmark: one trivial upstream on loopback, reached four ways, side by side in one run:
#   1. direct                       (the upstream itself: nginx answering a fixed JSON body)
#   2. nginx reverse proxy          (no checks: the ceiling any proxy reaches on this machine)
#   3. HAProxy jwt_verify + stick table per patient (the established peer doing the same job)
#   4. SMART Guard gateway          (JWT validation against the JWKS, revocation check and per-patient sliding window
#                                    in Redis, durable audit of every request)
# Each target gets the same warm-up and then the same wrk load with tokens of BENCH_PATIENTS distinct patients.
# Needs: wrk, nginx, haproxy (installed from Debian if missing), Redis and Kafka (./suite infra).
# Settings (env): BENCH_DURATION [20s] BENCH_WARMUP [10s] BENCH_CONNECTIONS [32] BENCH_THREADS [2] BENCH_PATIENTS [1000]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$root/.suite/bench/gateway"
results="$root/bench/results"
cp_file="$1"
DURATION="${BENCH_DURATION:-20s}"
WARMUP="${BENCH_WARMUP:-10s}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
THREADS="${BENCH_THREADS:-2}"
PATIENTS="${BENCH_PATIENTS:-1000}"
UPSTREAM_PORT=18001 NGINX_PORT=18002 HAPROXY_PORT=18003 GATEWAY_PORT=18004
PUBLIC_BASE=http://localhost:8080

say() { printf 'bench: %s\n' "$*"; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

missing=()
for tool in wrk nginx haproxy; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if ((${#missing[@]})); then
  say "installing ${missing[*]} from Debian's packages"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light haproxy >/dev/null
fi
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if ! port_open 6379 || ! port_open 9092; then
  "$root/suite" infra >/dev/null
fi

jar="$root/gateway-service/target/quarkus-app/quarkus-run.jar"
if [[ ! -f "$jar" || -n "$(find "$root/gateway-service/src" "$root/security-commons/src" -newer "$jar" -type f -print -quit)" ]]; then
  say "building the gateway"
  (cd "$root" && mvn -B -q -DskipTests -pl gateway-service -am package) || die "build failed"
fi

rm -rf "$work" && mkdir -p "$work/tmp" "$work/spool"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [[ -f "$work/nginx.pid" ]] && kill "$(<"$work/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

say "signing tokens for $PATIENTS patients"
java -cp "$(<"$cp_file")" "$here/BenchTokens.java" "$work" "$PATIENTS" "$PUBLIC_BASE/auth" "$PUBLIC_BASE/fhir"

sed -e "s#@WORK@#$work#g" -e "s#@UPSTREAM_PORT@#$UPSTREAM_PORT#g" -e "s#@NGINX_PORT@#$NGINX_PORT#g" \
  "$here/nginx.conf" >"$work/nginx.conf"
nginx -c "$work/nginx.conf" -p "$work" -e "$work/nginx-error.log" || die "nginx did not start; see $work/nginx-error.log"

sed -e "s#@WORK@#$work#g" -e "s#@UPSTREAM_PORT@#$UPSTREAM_PORT#g" -e "s#@HAPROXY_PORT@#$HAPROXY_PORT#g" \
  -e "s#@ISSUER@#$PUBLIC_BASE/auth#g" -e "s#@AUDIENCE@#$PUBLIC_BASE/fhir#g" "$here/haproxy.cfg" >"$work/haproxy.cfg"
haproxy -c -q -f "$work/haproxy.cfg" || die "the HAProxy configuration is invalid"
haproxy -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
pids+=($!)

QUARKUS_HTTP_PORT=$GATEWAY_PORT \
SMARTGUARD_PUBLIC_BASE_URL=$PUBLIC_BASE \
SMARTGUARD_GATEWAY_ROUTES_FHIR_UPSTREAM=http://127.0.0.1:$UPSTREAM_PORT \
SMARTGUARD_GATEWAY_AUTH_JWKS_URI=http://127.0.0.1:$UPSTREAM_PORT/auth/jwks \
SMARTGUARD_GATEWAY_RATELIMIT_DEFAULT_LIMIT=1000000000 \
SMARTGUARD_GATEWAY_RATELIMIT_KEY_PREFIX="bench:gateway:$(date +%s):" \
SMARTGUARD_GATEWAY_BOTS_ENABLED=false \
SMARTGUARD_AUDIT_SPOOL_DIR="$work/spool" \
SMARTGUARD_AUDIT_TOPIC=bench.audit-events \
KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092 \
  java -jar "$jar" >"$work/gateway.log" 2>&1 &
pids+=($!)

deadline=$((SECONDS + 60))
until [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$GATEWAY_PORT/q/health/ready")" == 200 ]]; do
  ((SECONDS < deadline)) || die "the gateway is not ready; see $work/gateway.log"
  sleep 0.5
done

# A token must pass every proxy that checks one, and a forged one must not: otherwise the run measures nothing.
read -r patient token < "$work/tokens.txt"
for port in $HAPROXY_PORT $GATEWAY_PORT; do
  ok="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "http://127.0.0.1:$port/fhir/Patient/$patient")"
  bad="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer ${token%?}x" "http://127.0.0.1:$port/fhir/Patient/$patient")"
  [[ "$ok" == 200 && "$bad" == 401 ]] || die "port $port answered $ok to a valid token and $bad to a forged one"
done

rows="$work/rows.tsv"
: >"$rows"
to_ms() { # wrk prints 812.00us, 1.23ms, 1.02s
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'
}
measure() {
  local name="$1" port="$2" out
  say "$name: warm-up $WARMUP"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$here/patient-requests.lua" "http://127.0.0.1:$port" -- "$work/tokens.txt" >/dev/null
  say "$name: measuring $DURATION"
  out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$here/patient-requests.lua" "http://127.0.0.1:$port" -- "$work/tokens.txt")"
  echo "$out" >"$work/wrk-$port.txt"
  local rps p50 p90 p99 errors
  rps="$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")"
  p50="$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")"
  p90="$(to_ms "$(awk '$1 == "90%" { print $2 }' <<<"$out")")"
  p99="$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")"
  errors="$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' <<<"$out")"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$rps" "$p50" "$p90" "$p99" "$errors" >>"$rows"
}

measure "upstream direct" $UPSTREAM_PORT
measure "nginx reverse proxy" $NGINX_PORT
measure "HAProxy jwt_verify + stick table" $HAPROXY_PORT
measure "SMART Guard gateway" $GATEWAY_PORT

java "$root/bench/report/BenchReport.java" "$rows" "$results" gateway \
  "Gateway overhead ($CONNECTIONS connections, $PATIENTS patients)" "bench/run gateway" \
  "SMART Guard/nginx" "SMART Guard/HAProxy" "SMART Guard/upstream"
