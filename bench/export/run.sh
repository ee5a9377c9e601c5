#!/usr/bin/env bash
# The Bulk Data export benchmark (issue 8): a fresh database with BENCH_PATIENTS patients (BENCH_OBSERVATIONS
# observations each, loaded by transaction bundles as in bench/run fhir) and a Group of all of them; then the
# fhir-service is restarted (so its peak memory is the export's, not the load's) and one Group/$export is run with a
# backend-services token: resources exported per second (kick-off to manifest), the download's rate, and the
# service's peak RSS (VmHWM) over its start and the export.
# Settings (env): BENCH_PATIENTS [1000] BENCH_OBSERVATIONS [20] BENCH_LOAD_THREADS [4] BENCH_EXPORT_HEAP [] (an -Xmx
# for the service, e.g. 256m; empty = the JVM's default).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cp_file="$1"
work="$root/.suite/bench/export"
# shellcheck source=../common/lib.sh
source "$root/bench/common/lib.sh"
OBSERVATIONS="${BENCH_OBSERVATIONS:-20}"
LOAD_THREADS="${BENCH_LOAD_THREADS:-4}"
HEAP="${BENCH_EXPORT_HEAP:-}"
# one database per port block: a second set of benchmarks (another BENCH_PORT_BASE) must not drop the first's
DB="fhir_bench_export${BENCH_PORT_BASE:+_$BENCH_PORT_BASE}"
bench_ports export
base="http://127.0.0.1:$FHIR_PORT/fhir"

ensure_tools_and_infra
fhir_jar="$(service_jar fhir-service)"
rm -rf "$work" && mkdir -p "$work"
trap stop_all EXIT
sign_tokens
start_nginx

say "fresh database $DB"
fresh_database

mapfile -t fhir_env < <(fhir_service_env)
fhir_env+=(SMARTGUARD_FHIR_EXPORT_DIRECTORY="$work/exports")
start_java fhir "$fhir_jar" "${fhir_env[@]}"
wait_ready $FHIR_PORT fhir

say "loading $PATIENTS patients x (1 + $OBSERVATIONS observations), $LOAD_THREADS bundles in flight"
java "$root/bench/fhir/FhirLoad.java" "$base" "$work/system-token.txt" "$PATIENTS" "$OBSERVATIONS" "$LOAD_THREADS" >/dev/null
members="$(for ((i = 1; i <= PATIENTS; i++)); do printf '%s{"entity":{"reference":"Patient/bench-patient-%04d"}}' "$([[ $i -gt 1 ]] && echo ,)" "$i"; done)"
curl -sf -o /dev/null -X PUT -H "Authorization: Bearer $(<"$work/system-token.txt")" -H 'Content-Type: application/fhir+json' \
  --data "{\"resourceType\":\"Group\",\"id\":\"bench-group\",\"type\":\"person\",\"actual\":true,\"member\":[$members]}" \
  "$base/Group/bench-group" || die "could not store Group/bench-group"

say "restarting the fhir-service${HEAP:+ with -Xmx$HEAP}"
stop_all
bench_pids=()
start_nginx
if [[ -n "$HEAP" ]]; then
  env "${fhir_env[@]}" JAVA_TOOL_OPTIONS="-Xmx$HEAP" java -jar "$fhir_jar" >"$work/fhir-export.log" 2>&1 &
else
  env "${fhir_env[@]}" java -jar "$fhir_jar" >"$work/fhir-export.log" 2>&1 &
fi
pid=$!
bench_pids+=("$pid")
wait_ready $FHIR_PORT fhir

say "exporting Group/bench-group ($PATIENTS patients)"
read -r resources export_s download_s files < <(java "$here/ExportBench.java" "$base" "$work/system-token.txt" bench-group 200)
peak_kb="$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")"
rate="$(awk -v n="$resources" -v s="$export_s" 'BEGIN { printf "%.0f", n / s }')"
download_rate="$(awk -v n="$resources" -v s="$download_s" 'BEGIN { printf "%.0f", n / s }')"
peak_mb=$((peak_kb / 1024))
say "exported $resources resources in $files files in ${export_s}s: $rate resources/s; downloaded at $download_rate resources/s; peak RSS $peak_mb MB"

mkdir -p "$root/bench/results"
cat >"$root/bench/results/export.md" <<MD
# Bulk Data export (bench/run export)

$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(java -version 2>&1 | head -1); service heap: ${HEAP:-JVM default}.
Group of $PATIENTS patients with $OBSERVATIONS observations each (FhirLoad's synthetic patients), one \`Group/{id}/\$export\`
with a \`system/*.cruds\` token, straight to the fhir-service; the service restarted after loading.

| measure | value |
| --- | ---: |
| resources exported | $resources ($files files) |
| kick-off to manifest | ${export_s} s |
| resources exported per second | $rate |
| resources downloaded per second | $download_rate |
| fhir-service peak RSS (VmHWM, start + export) | $peak_mb MB |
MD
say "written bench/results/export.md"
