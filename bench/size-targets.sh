#!/usr/bin/env bash
# The cost of sizing a plan, as a multiple of simulating the scenario: wall
# time of `size-targets -n 8` over `run -n 8`, same scenario, same threads,
# measured side by side (farm-bench runs A and B in turn and takes the ratio
# pair by pair, so that a shared machine's drift cancels). The goal is <= 12.
# docs/performance.md quotes the result.
# Usage: bench/size-targets.sh [build-dir] [scenario] [pairs]
#   (defaults: build, scenarios/vietnam-2025.toml, 1 pair: on 2 cores the
#   national pair takes about a quarter of an hour)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build}/bin
scenario=${2:-scenarios/vietnam-2025.toml}
pairs=${3:-1}
log=${SIZING_LOG:-/tmp/size-targets-bench.log}  # what size-targets printed (farm-bench discards it)
: >"$log"
sizing=("$bin/giotmau" size-targets "$scenario" -n 8 --threads 2)
simulation="$bin/giotmau run $scenario -n 8 --threads 2 --quiet"

echo "== machine"
echo "cpus: $(nproc)"; grep -m1 'model name' /proc/cpuinfo || true
echo "== size-targets -n 8 (A) against run -n 8 (B), $scenario, --threads 2"
if command -v farm-bench >/dev/null; then
  farm-bench -n "$pairs" --warmup 0 --timeout 3600 --vs "$simulation" -- sh -c "exec ${sizing[*]} >>$log 2>&1"
  echo "== what size-targets printed ($log)"
  grep -E "^(info: evaluation|national_period_target|evaluations|wall_seconds|search|verification|short_of|over_outdate|national_check|goals_met)" "$log"
else
  for _ in $(seq "$pairs"); do
    a0=$(date +%s.%N); "${sizing[@]}" >>"$log" 2>&1; a1=$(date +%s.%N)
    $simulation >/dev/null; b1=$(date +%s.%N)
    awk -v a0="$a0" -v a1="$a1" -v b1="$b1" \
      'BEGIN { a = a1 - a0; b = b1 - a1; printf "size-targets %.1f s, run %.1f s, ratio %.2f\n", a, b, a / b }'
  done
fi
