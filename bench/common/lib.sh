# Shared by the benchmark scenarios (sourced): tools, infrastructure, builds, processes and the measuring loop.
# Callers set: root (repo root), work (scratch dir), rows (TSV of results), call bench_ports SCENARIO, and may set
# DURATION, WARMUP, CONNECTIONS, THREADS.
DURATION="${BENCH_DURATION:-20s}"
WARMUP="${BENCH_WARMUP:-10s}"
# A Java service's warm-up: on 2 cores the JIT competes with the load for a CPU and needs minutes, not seconds,
# to settle (the gateway measured 610, 1,195, 1,800, 2,530, 3,070 req/s in its first five 20 s runs, then ~3,300).
# A figure taken earlier measures the compiler, not the service a long-running deployment is.
JVM_WARMUP="${BENCH_JVM_WARMUP:-90s}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
THREADS="${BENCH_THREADS:-2}"
PATIENTS="${BENCH_PATIENTS:-1000}"
PUBLIC_BASE=http://localhost:8080
bench_pids=()

say() { printf 'bench: %s\n' "$*"; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Every scenario's ports, in one place: a block of ten per scenario from BENCH_PORT_BASE [28000] on (28000-28069),
# clear of ./suite's stack (8080-8083, 9090) and the e2e tests' (18080-18083, 19090), so scenarios, a developer's
# stack and the e2e tests never meet; another base runs a second set of benchmarks beside the first. JWKS_PORT
# serves the trivial upstream and the bench JWKS (nginx), NGINX_PORT the plain nginx proxy.
bench_ports() {
  case "$1" in
    gateway) claim_ports JWKS_PORT=1 NGINX_PORT=2 HAPROXY_PORT=3 GATEWAY_PORT=4 ;;
    fhir) claim_ports JWKS_PORT=11 NGINX_PORT=12 GATEWAY_PORT=14 FHIR_PORT=15 ;;
    export) claim_ports JWKS_PORT=21 NGINX_PORT=22 FHIR_PORT=25 ;;
    audit) claim_ports AUDIT_PORT=36 ;;
    audit-search) claim_ports AUDIT_PORT=46 ;;
    # a whole ./suite stack (bench/auth/run.sh); KAFKA_CONTROLLER_PORT is not claimed: the running broker is reused
    auth) claim_ports GATEWAY_PORT=54 FHIR_PORT=55 AUDIT_PORT=56 AUTH_PORT=57 DEMO_APP_PORT=59 ;;
    fhir-cost) claim_ports JWKS_PORT=61 NGINX_PORT=62 FHIR_PORT=65 ;;
    *) die "no ports for scenario $1" ;;
  esac
}

# claim_ports NAME=OFFSET...: sets each NAME to BENCH_PORT_BASE + OFFSET, refusing to go on when that port is taken
# (the same scenario still running, or anything else): a benchmark must never measure, or stop, another's process.
claim_ports() {
  local pair port
  for pair in "$@"; do
    port=$((${BENCH_PORT_BASE:-28000} + ${pair#*=}))
    port_open "$port" && die "port $port (${pair%%=*}) is taken; see: ss -ltnp 'sport = :$port'"
    printf -v "${pair%%=*}" '%s' "$port"
  done
}

# wrk, nginx and haproxy from Debian's packages; PostgreSQL, Redis and Kafka as ./suite starts them
ensure_tools_and_infra() {
  local missing=() tool
  for tool in wrk nginx haproxy; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  if ((${#missing[@]})); then
    say "installing ${missing[*]} from Debian's packages"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light haproxy >/dev/null
  fi
  if ! port_open 5432 || ! port_open 6379 || ! port_open 9092; then
    "$root/suite" infra >/dev/null
  fi
}

# service_jar MODULE: builds the module (and what it needs) when its jar is missing or older than its sources
service_jar() {
  local module="$1" jar="$root/$1/target/quarkus-app/quarkus-run.jar"
  if [[ ! -f "$jar" || -n "$(find "$root/$module/src" "$root/security-commons/src" -newer "$jar" -type f -print -quit)" ]]; then
    say "building $module" >&2
    (cd "$root" && mvn -B -q -DskipTests -pl "$module" -am package) >&2 || die "build of $module failed"
  fi
  echo "$jar"
}

# Fresh RS256 key (JWKS + PEM) and one token per patient, plus a system token, under $work
sign_tokens() {
  say "signing tokens for $PATIENTS patients"
  java -cp "$(<"$cp_file")" "$root/bench/common/BenchTokens.java" "$work" "$PATIENTS" "$PUBLIC_BASE/auth" "$PUBLIC_BASE/fhir"
}

# nginx from bench/common/nginx.conf: the trivial upstream and bench JWKS on :JWKS_PORT, a plain proxy on :NGINX_PORT
start_nginx() {
  mkdir -p "$work/tmp"
  sed -e "s#@WORK@#$work#g" -e "s#@UPSTREAM_PORT@#$JWKS_PORT#g" -e "s#@NGINX_PORT@#$NGINX_PORT#g" \
    "$root/bench/common/nginx.conf" >"$work/nginx.conf"
  nginx -c "$work/nginx.conf" -p "$work" -e "$work/nginx-error.log" || die "nginx did not start; see $work/nginx-error.log"
}

# start_java NAME JAR [ENV=VALUE...]: a service in the background, logging to $work/NAME.log, with the JVM options
# its production container gets (production_jvm_options). BENCH_JAVA_OPTS adds JVM options to every service, @NAME@
# replaced by its name: a profile of each, e.g.
#   BENCH_JAVA_OPTS='-XX:StartFlightRecording=filename=/tmp/@NAME@.jfr,settings=profile' bench/run gateway
start_java() {
  local name="$1" jar="$2" opts=() extra="${BENCH_JAVA_OPTS:-}"
  shift 2
  read -r -a opts <<<"$(production_jvm_options "$name-service") ${extra//@NAME@/$name}"
  env "$@" java "${opts[@]}" -jar "$jar" >"$work/$name.log" 2>&1 &
  bench_pids+=($!)
}

# production_jvm_options SERVICE: what the image's launcher (run-java.sh of ubi9/openjdk-17) gives the JVM in the
# production overlay: the heap as JAVA_MAX_MEM_RATIO percent of the container's memory limit (-XX:MaxRAM stands in
# for the cgroup limit) and ParallelGC with the Deployment's GC_* settings (run-java.sh's own defaults where it sets
# none). A benchmark, and above all the soak, then measures the memory and the GC work a deployment really has:
# without it the JVM takes a quarter of this machine's 24 GB as its heap and grows into it, and growth says nothing.
production_jvm_options() {
  local service="$1" limit ratio deployment
  deployment="$root/deploy/kubernetes/base/$service/deployment.yaml"
  limit="$(awk -v s="$service" '$0 ~ "- name: " s "$" { found = 1 } found && /limits:/ { sub(/.*memory: */, ""); sub(/}.*/, ""); print; exit }' \
    "$root/deploy/kubernetes/overlays/production/limits.yaml")"
  ratio="$(deployment_env "$deployment" JAVA_MAX_MEM_RATIO "")"
  [[ "$limit" =~ ^[0-9]+(Mi|Gi)$ && -n "$ratio" ]] || die "no production memory limit or JAVA_MAX_MEM_RATIO for $service in deploy/kubernetes"
  limit="${limit/Mi/m}"
  printf '%s ' "-XX:MaxRAM=${limit/Gi/g}" "-XX:MaxRAMPercentage=$ratio" -XX:+UseParallelGC \
    "-XX:MinHeapFreeRatio=$(deployment_env "$deployment" GC_MIN_HEAP_FREE_RATIO 10)" \
    "-XX:MaxHeapFreeRatio=$(deployment_env "$deployment" GC_MAX_HEAP_FREE_RATIO 20)" \
    "-XX:GCTimeRatio=$(deployment_env "$deployment" GC_TIME_RATIO 4)" \
    "-XX:AdaptiveSizePolicyWeight=$(deployment_env "$deployment" GC_ADAPTIVE_SIZE_POLICY_WEIGHT 90)" -XX:+ExitOnOutOfMemoryError
}

# deployment_env FILE NAME DEFAULT: the value a Deployment gives the variable NAME ({name: NAME, value: "..."}), else DEFAULT
deployment_env() {
  local value
  value="$(sed -n "s/.*{name: $2, value: \"\([^\"]*\)\"}.*/\1/p" "$1" | head -1)"
  printf '%s' "${value:-$3}"
}

# fresh_database: drops and creates the scenario's database $DB
fresh_database() {
  "$root/suite" sql <<<"DROP DATABASE IF EXISTS $DB WITH (FORCE); CREATE DATABASE $DB OWNER smartguard;" >/dev/null
}

# fhir_service_env: the environment of a benchmarked fhir-service, one VAR=VALUE a line: $FHIR_PORT, database $DB, the
# bench JWKS on $JWKS_PORT, the bench audit topic
fhir_service_env() {
  printf '%s\n' QUARKUS_HTTP_PORT=$FHIR_PORT SMARTGUARD_PUBLIC_BASE_URL=$PUBLIC_BASE \
    QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/$DB \
    SMARTGUARD_FHIR_AUTH_JWKS_URI=http://127.0.0.1:$JWKS_PORT/auth/jwks \
    SMARTGUARD_AUDIT_TOPIC=bench.audit-events KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092
}

# wait_ready PORT NAME: up to BENCH_READY_TIMEOUT [180] seconds for the service's readiness
wait_ready() {
  local port="$1" name="$2" deadline=$((SECONDS + ${BENCH_READY_TIMEOUT:-180}))
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/q/health/ready")" == 200 ]]; do
    ((SECONDS < deadline)) || die "$name is not ready; see $work/$name.log"
    sleep 0.5
  done
}

stop_all() {
  local pid
  for pid in "${bench_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [[ -f "$work/nginx.pid" ]] && kill "$(<"$work/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
}

to_ms() { # wrk prints 812.00us, 1.23ms, 1.02s
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'
}

# measure NAME PORT [PATH_TEMPLATE]: warm-up, then the measured wrk run with every patient's token; one row
# (WARMUP=0 skips the warm-up: a second pass over a target that is warm already)
measure() {
  local name="$1" port="$2" template="${3:-}" script="$root/bench/common/patient-requests.lua" out
  [[ -n "$template" ]] || template='/fhir/Patient/{patient}'
  if [[ "$WARMUP" != 0 ]]; then
    say "$name: warm-up $WARMUP"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$script" "http://127.0.0.1:$port" -- "$work/tokens.txt" "$template" >/dev/null
  fi
  say "$name: measuring $DURATION ($CONNECTIONS connections)"
  out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$script" "http://127.0.0.1:$port" -- "$work/tokens.txt" "$template")"
  printf '%s\n' "$out" >"$work/wrk-${name//[^a-zA-Z0-9]/_}-c$CONNECTIONS.txt"
  local rps p50 p90 p99 errors
  rps="$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")"
  p50="$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")"
  p90="$(to_ms "$(awk '$1 == "90%" { print $2 }' <<<"$out")")"
  p99="$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")"
  errors="$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' <<<"$out")"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$rps" "$p50" "$p90" "$p99" "$errors" >>"$rows"
}

# median_rows FILE: for each target (first column) measured more than once, its run with the median requests/s
# (the lower middle one of an even count); targets in the order of their first run
median_rows() {
  awk -F'\t' '!($1 in n) { order[++targets] = $1 } { n[$1]++; row[$1, n[$1]] = $0; rps[$1, n[$1]] = $2 }
    END {
      for (t = 1; t <= targets; t++) {
        name = order[t]; count = n[name]
        for (i = 1; i <= count; i++) idx[i] = i
        for (i = 1; i <= count; i++) for (j = i + 1; j <= count; j++)
          if (rps[name, idx[j]] + 0 < rps[name, idx[i]] + 0) { k = idx[i]; idx[i] = idx[j]; idx[j] = k }
        print row[name, idx[int((count + 1) / 2)]]
      }
    }' "$1"
}

