#!/usr/bin/env bash
# Runs every benchmark and prints its figures (docs/performance.md quotes them).
# Usage: bench/run-all.sh [build-dir]   (build first: scripts/build)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build}/bin
phold_args="--lps 1024 --population 16 --remote 0.25 --mean-delay 1.0 --lookahead 0.1 --end-time 700 --seed 1"

echo "== machine"
echo "cpus: $(nproc)"; grep -m1 'model name' /proc/cpuinfo || true
echo "== PHOLD bare loop (reference), ROSS defaults"
"$bin/phold_bare_loop" $phold_args
for threads in 1 2; do
  echo "== PHOLD kernel, ROSS defaults, $threads thread(s)"
  "$bin/phold" $phold_args --threads "$threads"
done
echo "== national year (scenarios/vietnam-2025.toml), 1 and 2 threads"
"$bin/national_year" --threads 1 --threads 2
echo "== Hoàng Mai year with its drives as queues (scenarios/hoang-mai-2025.toml), 1 and 2 threads"
"$bin/national_year" --scenario scenarios/hoang-mai-2025.toml --threads 1 --threads 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "== national year through the command line, without and with HDF5 output"
/usr/bin/time -f "no output: %e s wall, %M KB peak" "$bin/giotmau" run scenarios/vietnam-2025.toml --quiet >/dev/null
/usr/bin/time -f "with -o:   %e s wall, %M KB peak" "$bin/giotmau" run scenarios/vietnam-2025.toml --quiet -o "$tmp/r.h5" >/dev/null
ls -l "$tmp/r.h5" | awk '{print "results file: " $5 " bytes"}'
echo "== peer benchmark: the same small system in giotmau and SimPy (bench/peer)"
/usr/bin/python3 bench/peer/compare.py --giotmau "$bin/giotmau_peer" --seeds 5
echo "== size-targets -n 8 as a multiple of run -n 8 (national; about a quarter of an hour on 2 cores)"
bench/size-targets.sh "${1:-build}"
