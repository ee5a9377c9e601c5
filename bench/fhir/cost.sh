#!/usr/bin/env bash
# What one FHIR request costs, process by process (bench/run fhir-cost): a fresh database with BENCH_PATIENTS [300]
# patients of BENCH_OBSERVATIONS [20] observations, then for each jar of BENCH_FHIR_JARS (default: the fhir-service as
# built; several jars are measured in turn on the same data, an A/B) and each target (GET Patient/{id}, the vital-signs
# search) a warm-up and a wrk run with patient tokens, and the CPU time each process spent during the run divided by
# the requests answered: the fhir-service, every PostgreSQL process, the Kafka broker, Redis and the whole machine
# (wrk included), plus PostgreSQL transactions per request. Throughput says how fast; this says where the time goes, and it
# moves less than throughput when the machine is shared. Results: bench/results/fhir-cost.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cp_file="$1"
work="$root/.suite/bench/fhir-cost"
rows="$work/rows.tsv"
export BENCH_PATIENTS="${BENCH_PATIENTS:-300}"
# shellcheck source=../common/lib.sh
source "$root/bench/common/lib.sh"
OBSERVATIONS="${BENCH_OBSERVATIONS:-20}"
DB="fhir_cost${BENCH_PORT_BASE:+_$BENCH_PORT_BASE}"
bench_ports fhir-cost

ensure_tools_and_infra
jars=()
read -r -a jars <<<"${BENCH_FHIR_JARS:-$(service_jar fhir-service)}"
rm -rf "$work" && mkdir -p "$work"
trap stop_all EXIT
sign_tokens
start_nginx

mapfile -t fhir_env < <(fhir_service_env)
start_fhir() {
  bench_pids=()
  start_java fhir "$1" "${fhir_env[@]}"
  wait_ready $FHIR_PORT fhir
}
stop_fhir() {
  kill "${bench_pids[0]}" 2>/dev/null || true
  wait "${bench_pids[0]}" 2>/dev/null || true
}

# CPU ticks (user + system) of a process, and of processes by name
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
ticks_of() {
  local total=0 pid
  for pid in "$@"; do total=$((total + $(ticks "$pid"))); done
  echo "$total"
}
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
commits() { "$root/suite" sql <<<"SELECT xact_commit FROM pg_stat_database WHERE datname = '$DB'" | grep -Eo '[0-9]+' | head -n1; }

# cost LABEL TEMPLATE: one measured wrk run against the running fhir-service, one row in $rows
cost() {
  local label="$1" template="$2" script="$root/bench/common/patient-requests.lua" out tick_us
  local fhir="${bench_pids[0]}" kafka redis postgres before after
  kafka="$(pgrep -f 'kafka\.Kafka' | head -n1 || true)"
  redis="$(pgrep -x redis-server | head -n1 || true)"
  say "$label: warm-up $JVM_WARMUP"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$JVM_WARMUP" -s "$script" "http://127.0.0.1:$FHIR_PORT" -- "$work/tokens.txt" "$template" >/dev/null
  # after the warm-up: the connection pool's backends exist by then
  mapfile -t postgres < <(pgrep -x postgres || true)
  say "$label: measuring $DURATION ($CONNECTIONS connections)"
  before="$(machine_ticks) $(ticks "$fhir") $(ticks_of "${postgres[@]}") $(ticks_of $kafka) $(ticks_of $redis) $(commits)"
  out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s "$script" "http://127.0.0.1:$FHIR_PORT" -- "$work/tokens.txt" "$template")"
  after="$(machine_ticks) $(ticks "$fhir") $(ticks_of "${postgres[@]}") $(ticks_of $kafka) $(ticks_of $redis) $(commits)"
  tick_us=$((1000000 / $(getconf CLK_TCK)))
  printf '%s\n' "$out" | awk -v label="$label" -v b="$before" -v a="$after" -v us="$tick_us" '
    /requests in/ { requests = $1 }
    /^Requests\/sec:/ { rps = $2 }
    /Non-2xx|Socket errors/ { errors = 1 }
    END {
      split(b, x, " "); split(a, y, " ")
      if (requests == 0 || errors) { print "bench: error: " label ": failed requests" > "/dev/stderr"; exit 1 }
      printf "%s\t%.0f", label, rps
      for (i = 1; i <= 5; i++) printf "\t%.0f", (y[i] - x[i]) * us / requests
      printf "\t%.2f\n", (y[6] - x[6]) / requests
    }' >>"$rows"
}

say "fresh database $DB"
fresh_database
start_fhir "${jars[0]}"
say "loading $PATIENTS patients x (1 + $OBSERVATIONS observations)"
java "$root/bench/fhir/FhirLoad.java" "http://127.0.0.1:$FHIR_PORT/fhir" "$work/system-token.txt" "$PATIENTS" "$OBSERVATIONS" 4 1 ingest >/dev/null
"$root/suite" sql <<<"\\c $DB
VACUUM ANALYZE;" >/dev/null
stop_fhir

: >"$rows"
for jar in "${jars[@]}"; do
  start_fhir "$jar"
  tag="$(basename "$(dirname "$jar")")"
  cost "read Patient ($tag)" '/fhir/Patient/{patient}'
  cost "search vital signs ($tag)" '/fhir/Observation?patient={patient}&category=vital-signs&_count=50'
  stop_fhir
done

report="$root/bench/results/fhir-cost.md"
{
  echo "# CPU per FHIR request, by process ($PATIENTS patients x $OBSERVATIONS observations, $CONNECTIONS connections, patient tokens)"
  echo
  echo "$(date -u +%FT%TZ); $(nproc) cores; command \`bench/run fhir-cost\`; microseconds of CPU per request answered during a $DURATION run after a $JVM_WARMUP warm-up"
  echo
  echo "| target | requests/s | whole machine | fhir-service | PostgreSQL | Kafka | Redis | PostgreSQL commits per request |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8 }' "$rows"
} >"$report"
cat "$report"
