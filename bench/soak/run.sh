#!/usr/bin/env bash
# The soak (issue 10), on the FHIR benchmark's stack right after its measurements (bench/fhir/run.sh calls it when
# BENCH_SOAK=true; `bench/run soak` does that): BENCH_SOAK_MINUTES [10] of GET Patient/{id} through the gateway at
# half the capacity just measured for that request (or BENCH_SOAK_RATE requests/s), paced open-loop by PacedLoad.java
# (why not wrk: see there) over at most BENCH_SOAK_CONNECTIONS [BENCH_CONNECTIONS, 32] keep-alive connections, with
# the patients' own tokens, after BENCH_SOAK_WARMUP_SECONDS [15] at that rate that are not counted (the generator's
# own warm-up; the stack has just been measured). The services run with their production heaps (start_java in
# bench/common/lib.sh). The RSS and CPU of each service and of the generator are sampled every
# BENCH_SOAK_SAMPLE_SECONDS [60]; memory counts as flat when the last RSS sample of a service is at most
# BENCH_SOAK_RSS_TOLERANCE [10] percent above its first. Writes
# bench/results/soak.md, soak-throughput.png, soak-latency.png, soak-rss.png and soak-cpu.png; fails when a request
# failed or memory grew.
# Usage: bench/soak/run.sh CLASSPATH_FILE WORK GATEWAY_PORT CAPACITY NAME=PID...   (WORK holds the FHIR benchmark's tokens.txt)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cp_file="$1" fhir_work="$2" gateway_port="$3" capacity="$4"
shift 4
work="$fhir_work/soak"
MINUTES="${BENCH_SOAK_MINUTES:-10}"
SAMPLE_SECONDS="${BENCH_SOAK_SAMPLE_SECONDS:-60}"
TOLERANCE="${BENCH_SOAK_RSS_TOLERANCE:-10}"
WARMUP_SECONDS="${BENCH_SOAK_WARMUP_SECONDS:-15}"
CONNECTIONS="${BENCH_SOAK_CONNECTIONS:-${BENCH_CONNECTIONS:-32}}"
rate="${BENCH_SOAK_RATE:-$(awk -v c="$capacity" 'BEGIN { printf "%.1f", c / 2 }')}"
why="half of the $capacity/s measured just before"
[[ -z "${BENCH_SOAK_RATE:-}" ]] || why="BENCH_SOAK_RATE; $capacity/s measured just before"
intervals=$(((MINUTES * 60 + SAMPLE_SECONDS - 1) / SAMPLE_SECONDS))
results="$root/bench/results"

say() { printf 'bench: %s\n' "$*"; }
awk -v r="$rate" 'BEGIN { exit !(r > 0) }' \
  || { say "error: no soak rate: the capacity measured through the gateway is '$capacity'/s; set BENCH_SOAK_RATE" >&2; exit 1; }
mkdir -p "$work"
say "soak: $MINUTES min of GET Patient/{id} through the gateway at $rate requests/s ($why)"
java -cp "$(<"$cp_file")" "$here/PacedLoad.java" "http://127.0.0.1:$gateway_port" "$fhir_work/tokens.txt" '/fhir/Patient/{patient}' \
  "$rate" "$CONNECTIONS" "$WARMUP_SECONDS" "$SAMPLE_SECONDS" "$intervals" "$work" "$@"

title="Soak: GET Patient/{id} through the gateway at $rate requests/s for $MINUTES min ($why)"
java "$root/bench/common/BenchReport.java" "$work/rows.tsv" "$results" soak "$title" "bench/run soak" >/dev/null
java "$root/bench/common/BenchReport.java" --series "$work/rss.tsv" "$results/soak-rss.png" "Soak: RSS of each process" MiB
java "$root/bench/common/BenchReport.java" --series "$work/cpu.tsv" "$results/soak-cpu.png" \
  "Soak: CPU of each process over each interval (% of one core; the machine has $(nproc))" %

# per service (the generator's own memory is not the stack's): first, last and highest RSS, growth first to last, verdict
verdicts="$(awk -F'\t' -v tol="$TOLERANCE" '
  $2 == "load generator" { next }
  { if (!($2 in first)) { first[$2] = $3; order[++n] = $2 } last[$2] = $3; if ($3 > peak[$2]) peak[$2] = $3 }
  END { for (i = 1; i <= n; i++) { s = order[i]; growth = (last[s] - first[s]) / first[s] * 100
    printf "| %s | %.0f | %.0f | %.0f | %+.1f%% | %s |\n", s, first[s], last[s], peak[s], growth, growth <= tol ? "flat" : "GREW" } }' "$work/rss.tsv")"
errors="$(awk -F'\t' '{ n += $6 } END { print n + 0 }' "$work/rows.tsv")"
flat=yes
grep -q '| GREW |$' <<<"$verdicts" && flat=no
{
  echo
  echo "Errors over the whole soak: $errors. Memory stayed flat (last RSS sample at most $TOLERANCE% above the first): $flat."
  echo
  echo "| service | RSS first (MiB) | RSS last (MiB) | RSS peak (MiB) | growth | verdict |"
  echo "| --- | ---: | ---: | ---: | ---: | --- |"
  echo "$verdicts"
  echo
  echo "RSS sampled every $SAMPLE_SECONDS s (raw samples: \`.suite/bench/fhir/soak/rss.tsv\`):"
  echo
  echo "![RSS](soak-rss.png)"
  echo
  echo "CPU of each process (the load generator's own included) over each interval, in % of one core of the machine's"
  echo "$(nproc); raw samples: \`.suite/bench/fhir/soak/cpu.tsv\`:"
  echo
  echo "![CPU](soak-cpu.png)"
} >>"$results/soak.md"
cat "$results/soak.md"
[[ "$errors" == 0 && "$flat" == yes ]] || { say "error: the soak saw $errors errors; memory flat: $flat" >&2; exit 1; }
