#!/usr/bin/env bash
# The resource benchmark (issue 9: Kubernetes requests and limits measured, not guessed): memory and CPU of each
# service of a stack that ./suite up started (same environment: ports, SUITE_STATE_DIR, DEMO_APP_PORT), sampled every
# BENCH_SAMPLE_SECONDS [2] from /proc (VmRSS, VmHWM, utime+stime) and /q/metrics (JVM heap and non-heap used):
#   1. idle for BENCH_IDLE_SECONDS [60];
#   2. auth load: bench/run auth through the gateway (40 standalone launches as demo-patient, 300 code exchanges,
#      3,200 client_credentials grants; every one audited);
#   3. FHIR load: wrk through the gateway for BENCH_DURATION [60s] each, BENCH_CONNECTIONS [16]: reads of every
#      Patient, then Observation searches by patient (_count=50), with a demo-backend system/*.rs token;
#   4. FHIR ingest: ./suite seed BENCH_SEED [10] (that many more Synthea patients, as transaction bundles; the
#      population stays in the stack; 0 skips this phase).
# Start the stack without the gateway's rate limits, or the load measures 429s, and with the JVM options run-java.sh
# gives a container (SUITE_JAVA_OPTS; the full command is in the README, "Resources"):
#   SMARTGUARD_GATEWAY_RATELIMIT_ADDRESS_LIMIT=100000000 SMARTGUARD_GATEWAY_RATELIMIT_DEFAULT_LIMIT=100000000 ./suite up
# Writes bench/results/resources.md (per phase: RSS, peak RSS, heap, CPU average and peak) and the raw samples.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
state="${SUITE_STATE_DIR:-$root/.suite}"
work="$state/bench/resources"
samples="$work/samples.tsv"
IDLE_SECONDS="${BENCH_IDLE_SECONDS:-60}"
SAMPLE_SECONDS="${BENCH_SAMPLE_SECONDS:-2}"
DURATION="${BENCH_DURATION:-60s}"
CONNECTIONS="${BENCH_CONNECTIONS:-16}"
SEED="${BENCH_SEED:-10}"
GATEWAY_PORT="${GATEWAY_PORT:-8080}"
base="http://localhost:$GATEWAY_PORT"
declare -A ports=([auth-service]="${AUTH_PORT:-8081}" [fhir-service]="${FHIR_PORT:-8082}"
  [audit-service]="${AUDIT_PORT:-8083}" [gateway-service]="$GATEWAY_PORT")
services=(auth-service fhir-service audit-service gateway-service)
declare -A pids

say() { printf 'bench: %s\n' "$*"; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

command -v wrk >/dev/null || die "wrk is missing (apt-get install wrk)"
for svc in "${services[@]}"; do
  pid="$(ss -ltnpH "sport = :${ports[$svc]}" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n1 | cut -d= -f2 || true)"
  [[ -n "$pid" ]] || die "$svc is not listening on ${ports[$svc]}: start the stack with ./suite up (same environment)"
  pids[$svc]="$pid"
done
rm -rf "$work" && mkdir -p "$work"
clock_ticks="$(getconf CLK_TCK)"

# One line per service: epoch ms, phase, service, RSS kB, peak RSS kB, CPU ticks so far, heap used, heap committed and
# non-heap used (bytes)
sample() {
  local phase="$1" svc pid now rss hwm ticks memory
  now="$(date +%s%3N)"
  for svc in "${services[@]}"; do
    pid="${pids[$svc]}"
    rss="$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")"
    hwm="$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")"
    # fields 14 and 15 (utime, stime), counted after the ")" that ends the command name
    ticks="$(sed 's/^.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')"
    memory="$(curl -s --max-time 2 "http://127.0.0.1:${ports[$svc]}/q/metrics" \
      | awk '/^jvm_memory_used_bytes\{/ { if ($0 ~ /area="heap"/) h += $NF; else n += $NF }
             /^jvm_memory_committed_bytes\{/ && /area="heap"/ { c += $NF } END { printf "%d\t%d\t%d", h, c, n }')"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$now" "$phase" "$svc" "$rss" "$hwm" "$ticks" "$memory"
  done >>"$samples"
}

# sample PHASE every SAMPLE_SECONDS until the sampler is killed
sampler() {
  while true; do
    sample "$1"
    sleep "$SAMPLE_SECONDS"
  done
}

# run_phase NAME COMMAND...: COMMAND while sampling, with a sample just before and just after
run_phase() {
  local name="$1" sampler_pid
  shift
  say "phase $name: $*"
  sample "$name"
  sampler "$name" &
  sampler_pid=$!
  "$@" >"$work/$name.log" 2>&1 || { kill "$sampler_pid"; die "phase $name failed; see $work/$name.log"; }
  kill "$sampler_pid"
  wait "$sampler_pid" 2>/dev/null || true
  sample "$name"
}

say "token and patients for the FHIR load"
token="$("$root/bench/run" auth "$base" token 'system/*.rs')"
curl -sf -H "Authorization: Bearer $token" "$base/fhir/Patient?_count=200&_elements=id" \
  | grep -o '"resourceType":"Patient","id":"[^"]*"' | sed 's/.*"id":"//; s/"$//' \
  | while read -r id; do echo "$id $token"; done >"$work/tokens.txt"
[[ -s "$work/tokens.txt" ]] || die "no Patient found at $base/fhir with a demo-backend token"
say "$(wc -l <"$work/tokens.txt") patients"

run_phase idle sleep "$IDLE_SECONDS"
run_phase auth-load env BENCH_AUTH_REPORT="$work/auth.md" "$root/bench/run" auth "$base"
run_phase fhir-reads wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$root/bench/common/patient-requests.lua" \
  "$base" -- "$work/tokens.txt" "/fhir/Patient/{patient}"
run_phase fhir-searches wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$root/bench/common/patient-requests.lua" \
  "$base" -- "$work/tokens.txt" "/fhir/Observation?patient={patient}&_count=50"
if ((SEED > 0)); then
  run_phase fhir-ingest "$root/suite" seed "$SEED"
fi

# Per phase and service: RSS at the end, peak RSS sampled, peak heap used and committed, peak non-heap used, CPU
# average over the phase and over the busiest sampling interval, in millicores. RSS minus committed heap is what a
# container must hold besides the heap (metaspace, code cache, thread stacks, buffers): run-java.sh gives the heap
# 80% of the memory limit, so that rest must stay under the other 20%.
report="$root/bench/results/resources.md"
mkdir -p "$(dirname "$report")"
{
  echo "# Resource use per service (idle, auth load, FHIR load)"
  echo
  echo "$(date -u +%FT%TZ); $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GB memory, $(java -version 2>&1 | head -n1);" \
    "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); JVM options: ${SUITE_JAVA_OPTS:-none};" \
    "command \`bench/run resources\`"
  echo
  echo "| phase | service | RSS end (MiB) | RSS peak (MiB) | heap used peak (MiB) | heap committed peak (MiB) | RSS - heap committed, peak (MiB) | non-heap used peak (MiB) | CPU avg (m) | CPU peak (m) |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  awk -F'\t' -v hz="$clock_ticks" '
    { key = $2 SUBSEP $3
      if (!(key in first)) { first[key] = $1; firstTicks[key] = $6; order[++n] = key }
      if (key in lastT && $1 > lastT[key]) {
        rate = ($6 - lastTicks[key]) / hz / (($1 - lastT[key]) / 1000) * 1000
        if (rate > peakCpu[key]) peakCpu[key] = rate
      }
      lastT[key] = $1; lastTicks[key] = $6; rss[key] = $4
      if ($4 > peakRss[key]) peakRss[key] = $4
      if ($7 > heap[key]) heap[key] = $7
      if ($8 > committed[key]) committed[key] = $8
      if ($8 > 0 && $4 * 1024 - $8 > outside[key]) outside[key] = $4 * 1024 - $8
      if ($9 > nonHeap[key]) nonHeap[key] = $9 }
    END { for (i = 1; i <= n; i++) { key = order[i]; split(key, k, SUBSEP)
      seconds = (lastT[key] - first[key]) / 1000
      avg = seconds > 0 ? (lastTicks[key] - firstTicks[key]) / hz / seconds * 1000 : 0
      printf "| %s | %s | %d | %d | %d | %d | %d | %d | %d | %d |\n", k[1], k[2], rss[key] / 1024, peakRss[key] / 1024,
        heap[key] / 1048576, committed[key] / 1048576, outside[key] / 1048576, nonHeap[key] / 1048576, avg, peakCpu[key] } }' "$samples"
  echo
  echo "Peak RSS over the processes' whole life (VmHWM, incl. start-up and the population load of ./suite up):"
  for svc in "${services[@]}"; do
    printf -- '- %s: %d MiB\n' "$svc" "$(($(awk '/^VmHWM:/ {print $2}' "/proc/${pids[$svc]}/status") / 1024))"
  done
  echo
  echo "Load: auth phase = \`bench/run auth\` (its table below); FHIR phases = wrk through the gateway (below);"
  echo "fhir-ingest = \`./suite seed $SEED\`: $(grep -o 'population: [0-9,]* resources created.*' "$work/fhir-ingest.log" 2>/dev/null | tail -n1)"
  echo
  grep -E '^\| (scenario|---|standalone|authorization_code|client_credentials)' "$work/auth-load.log" || true
  echo
  for phase in fhir-reads fhir-searches; do
    echo "- $phase: $(grep -E 'Requests/sec' "$work/$phase.log" | tr -s ' ')," \
      "p50 $(awk '$1 == "50%" {print $2}' "$work/$phase.log"), $(grep -E 'Non-2xx' "$work/$phase.log" | tr -s ' ' || echo 'no non-2xx answers')"
  done
} >"$report"
cat "$report"
say "samples: $samples"
