#!/usr/bin/env bash
# Scale-out figures (docs/scale-out.md, docs/performance.md): national
# replications per second in one process and in MPI jobs of 1 and 2 ranks,
# peak memory of `run -n N -o` for growing N (streamed: it should not grow),
# and the rates of writing results and of merging parts.
# Usage: bench/scale_out.sh [build-dir] [replications for the memory sweep, e.g. "8 64"]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build}/bin
sweep=${2:-"8 64"}
scenario=scenarios/vietnam-2025.toml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1

echo "== machine"
echo "cpus: $(nproc)"; grep -m1 'model name' /proc/cpuinfo || true
n=8
echo "== national replications per second (-n $n, one kernel thread per replication)"
for threads in 1 2; do
  start=$(date +%s.%N)
  "$bin/giotmau" run "$scenario" -n "$n" --threads "$threads" --quiet >/dev/null
  end=$(date +%s.%N)
  echo "one process, --threads $threads: $(echo "$n / ($end - $start)" | bc -l | cut -c1-6) replications/s"
done
for ranks in 1 2; do
  start=$(date +%s.%N)
  mpirun -np "$ranks" "$bin/giotmau" run "$scenario" -n "$n" --threads 1 --quiet >/dev/null
  end=$(date +%s.%N)
  echo "mpirun -np $ranks, --threads 1 each: $(echo "$n / ($end - $start)" | bc -l | cut -c1-6) replications/s"
done

echo "== peak memory of run -n N -o (national, --threads 2)"
for n in $sweep; do
  /usr/bin/time -f "-n $n -o: %e s wall, %M KB peak" "$bin/giotmau" run "$scenario" -n "$n" --threads 2 --quiet \
    -o "$tmp/r$n.h5" >/dev/null
  ls -l "$tmp/r$n.h5" | awk -v n="$n" '{printf "results file (-n %s): %.1f MB\n", n, $5 / 1e6}'
done

echo "== writing and merging (national, 4 replications)"
/usr/bin/time -f "run -n 4 without -o: %e s wall" "$bin/giotmau" run "$scenario" -n 4 --threads 2 --quiet >/dev/null
/usr/bin/time -f "run -n 4 with -o:    %e s wall" "$bin/giotmau" run "$scenario" -n 4 --threads 2 --quiet \
  -o "$tmp/w.h5" >/dev/null
for part in 0:2 2:4; do
  "$bin/giotmau" run "$scenario" --replications "$part" --threads 2 --quiet -o "$tmp/part-${part/:/-}.h5" >/dev/null
done
/usr/bin/time -f "merge of 2 parts:    %e s wall, %M KB peak" "$bin/giotmau" merge "$tmp"/part-*.h5 -o "$tmp/m.h5" >/dev/null
ls -l "$tmp/m.h5" | awk '{printf "merged file: %.1f MB\n", $5 / 1e6}'
