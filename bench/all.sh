#!/usr/bin/env bash
# ./suite bench [SCENARIO...]: the benchmark scenarios one after another (never two at once: they would share the
# cores they measure), each through bench/run, then one combined report, bench/results/README.md: the machine
# (cores, memory, CPU, Java, PostgreSQL, Redis and Kafka versions, load average before the run), the command, and every
# scenario's table and charts. Default scenarios: gateway fhir auth audit soak (soak runs on the FHIR scenario's stack,
# so fhir and soak together are one run); export, audit-search and fhir-cost may be named too. A failed scenario is reported and
# the others still run; the exit code is then 1. Each scenario's output: .suite/bench/logs/SCENARIO.log.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
results="$root/bench/results"
logs="$root/.suite/bench/logs"
ALL=(gateway fhir auth audit soak)
OPTIONAL=(export audit-search fhir-cost)

say() { printf 'bench: %s\n' "$*"; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

scenarios=("$@")
((${#scenarios[@]})) || scenarios=("${ALL[@]}")
for scenario in "${scenarios[@]}"; do
  [[ " ${ALL[*]} ${OPTIONAL[*]} " == *" $scenario "* ]] || die "unknown scenario '$scenario'; choose from ${ALL[*]} ${OPTIONAL[*]}"
done
# the soak runs on the FHIR scenario's stack, after its measurements: asking for both runs that stack once, in fhir's
# place
if [[ " ${scenarios[*]} " == *" soak "* && " ${scenarios[*]} " == *" fhir "* ]]; then
  mapfile -t scenarios < <(printf '%s\n' "${scenarios[@]}" | grep -vx soak | sed 's/^fhir$/soak/')
fi

# the running broker's version, from the jars on its class path
kafka_version() {
  local pid dir jar
  pid="$(ss -ltnpH "sport = :${KAFKA_PORT:-9092}" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n1 | cut -d= -f2)"
  [[ -n "$pid" ]] || { echo unknown; return; }
  dir="$(tr '\0' '\n' <"/proc/$pid/cmdline" | grep -A1 -x -- '-cp' | tail -n1)"
  jar="$(compgen -G "${dir%/\*}/kafka-server-[0-9]*.jar" | head -n1 || true)"
  [[ -n "$jar" ]] && basename "$jar" .jar | sed 's/^kafka-server-//' || echo unknown
}
# Redis' INFO over bash's /dev/tcp (redis-cli may not be installed)
redis_version() {
  local fd reply
  exec {fd}<>"/dev/tcp/127.0.0.1/${REDIS_PORT:-6379}" || { echo unknown; return; }
  printf 'INFO server\r\nQUIT\r\n' >&"$fd"
  reply="$(timeout 5 cat <&"$fd" || true)"
  exec {fd}>&-
  sed -n 's/^redis_version:\([^\r]*\).*/\1/p' <<<"$reply" | head -n1
}
postgres_version() {
  "$root/suite" sql <<<$'\\t on\nSHOW server_version;' 2>/dev/null | sed 's/^ *//; /^$/d' | head -n1
}

machine() {
  echo "| | |"
  echo "| --- | --- |"
  echo "| date (UTC) | $(date -u +%FT%TZ) |"
  echo "| cores | $(nproc) |"
  echo "| memory | $(free -g | awk '/^Mem:/ { print $2 }') GB |"
  echo "| CPU | $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo) |"
  echo "| kernel | $(uname -sr) |"
  echo "| Java | $(java -version 2>&1 | head -n1) |"
  echo "| PostgreSQL | $(postgres_version) |"
  echo "| Redis | $(redis_version) |"
  echo "| Kafka | $(kafka_version) |"
  echo "| wrk, nginx, HAProxy | $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2), $(nginx -v 2>&1 | cut -d' ' -f3), $(haproxy -v | head -n1 | cut -d' ' -f1-3) |"
  echo "| load average before the run (1, 5, 15 min) | $(cut -d' ' -f1-3 /proc/loadavg) |"
}

# the infrastructure and tools first, so that the machine's description can name their versions
# shellcheck source=common/lib.sh
source "$root/bench/common/lib.sh"
ensure_tools_and_infra
mkdir -p "$logs" "$results"
machine_md="$(machine)"
settings="$(env | grep '^BENCH_' | sort | sed 's/^/`/; s/$/`/' | paste -sd' ' || true)"

failed=()
for scenario in "${scenarios[@]}"; do
  say "scenario $scenario (log: ${logs#"$root"/}/$scenario.log)"
  if ! "$root/bench/run" "$scenario" 2>&1 | tee "$logs/$scenario.log"; then
    failed+=("$scenario")
    say "scenario $scenario FAILED; see $logs/$scenario.log"
  fi
done

ran=" ${scenarios[*]} "
[[ "$ran" == *" soak "* ]] && ran+="fhir "
{
  echo "# SMART Guard benchmarks"
  echo
  echo "Command: \`./suite bench${*:+ $*}\`${settings:+ with $settings}. Scenarios run: ${scenarios[*]}${failed:+; FAILED: ${failed[*]} (logs in \`.suite/bench/logs/\`)}."
  echo "Every scenario runs alone on the machine, one after another; the load generator shares the machine's cores."
  echo
  echo "## Machine"
  echo
  echo "$machine_md"
  for scenario in gateway fhir soak fhir-cost auth audit export audit-search; do
    [[ -f "$results/$scenario.md" ]] || continue
    echo
    # each scenario's own report, its headings one level down; one this command did not run says so
    note=""
    [[ "$ran" == *" $scenario "* ]] || note="_Not run by this command: from an earlier run (see its date)._"
    [[ " ${failed[*]} " == *" $scenario "* ]] \
      && note="_Failed in this run (log: \`.suite/bench/logs/$scenario.log\`): what follows may be from an earlier run (see its date)._"
    awk -v note="$note" '{ sub(/^#/, "##"); print } NR == 1 && note != "" { print ""; print note }' "$results/$scenario.md"
  done
} >"$results/README.md"
say "combined report: bench/results/README.md"
((${#failed[@]} == 0)) || die "failed scenarios: ${failed[*]}"
