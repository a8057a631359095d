#!/usr/bin/env bash
# Scale-out end to end, through the real binary (docs/scale-out.md):
#  - `mpirun -np 2` and `-np 3` write the same results as one process, and
#    size-targets on 2 ranks finds the same plan;
#  - three `run --replications A:B` parts merged equal the whole;
#  - merge refuses overlapping parts and parts of another scenario (exit 2);
#  - a rank killed by SIGTERM stops the job and leaves no file, shard or temporary;
#  - a job-array task killed part way leaves the finished parts intact.
set -euo pipefail
giotmau=$1
scenarios=$2
same=$3
scenario=$scenarios/hoang-mai-2025.toml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Open MPI refuses to start as root (CI containers) unless told that it is meant.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
python=/usr/bin/python3

fail() { echo "FAIL $*"; exit 1; }
only() {  # DIR EXPECTED...: the directory holds exactly these names (hidden ones included)
  local dir=$1; shift
  local have; have=$(ls -A "$dir" | sort | tr '\n' ' ')
  local want=""; [ $# -eq 0 ] || want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
  [ "$have" = "$want" ] || fail "$dir holds '$have', expected '$want'"
}

"$giotmau" run "$scenario" -n 6 --quiet -o "$work/one.h5" >/dev/null

for ranks in 2 3; do
  mkdir "$work/np$ranks"
  mpirun -np "$ranks" "$giotmau" run "$scenario" -n 6 --quiet -o "$work/np$ranks/all.h5" >"$work/np$ranks.log" 2>&1 ||
    { cat "$work/np$ranks.log"; fail "mpirun -np $ranks"; }
  "$python" "$same" "$work/one.h5" "$work/np$ranks/all.h5" || fail "mpirun -np $ranks differs from one process"
  only "$work/np$ranks" all.h5
  echo "ok   mpirun -np $ranks: the same results as one process, no shard left"
done

# size-targets: each evaluation's replications spread over the ranks; the same plan.
tests=$(cd "$(dirname "$0")/.." && pwd)
sizing=("$tests/python/three-provinces.toml" -n 4 --days 90 --quiet --max-evaluations 4)
"$giotmau" size-targets "${sizing[@]}" -o "$work/plan-one.csv" >/dev/null
mkdir "$work/plan"
mpirun -np 2 "$giotmau" size-targets "${sizing[@]}" -o "$work/plan/plan.csv" >"$work/plan.log" 2>&1 ||
  { cat "$work/plan.log"; fail "mpirun -np 2 size-targets"; }
cmp -s "$work/plan-one.csv" "$work/plan/plan.csv" || fail "size-targets on 2 ranks found another plan"
only "$work/plan" plan.csv
echo "ok   mpirun -np 2 size-targets: the same plan as one process"

mkdir "$work/parts"
for range in 0:2 2:5 5:6; do
  "$giotmau" run "$scenario" --replications "$range" --quiet -o "$work/parts/part-${range/:/-}.h5" >/dev/null
done
"$giotmau" merge "$work"/parts/part-*.h5 -o "$work/merged.h5" >/dev/null
"$python" "$same" "$work/one.h5" "$work/merged.h5" || fail "merge of 0:2 2:5 5:6 differs from -n 6"
echo "ok   merge of three parts equals the whole"

rc=0; "$giotmau" merge "$work/parts/part-0-2.h5" "$work/one.h5" -o "$work/overlap.h5" 2>"$work/err" || rc=$?
[ "$rc" -eq 2 ] && grep -q "replication 0 is in both" "$work/err" && [ ! -e "$work/overlap.h5" ] ||
  fail "overlapping parts: exit $rc, $(cat "$work/err")"
"$giotmau" run "$scenarios/hanoi-police-2025.toml" --replications 6:7 --quiet -o "$work/other.h5" >/dev/null
rc=0; "$giotmau" merge "$work/parts/part-0-2.h5" "$work/other.h5" -o "$work/mixed.h5" 2>"$work/err" || rc=$?
[ "$rc" -eq 2 ] && grep -q "differ in scenario" "$work/err" && [ ! -e "$work/mixed.h5" ] ||
  fail "parts of two scenarios: exit $rc, $(cat "$work/err")"
echo "ok   merge refuses overlapping parts and parts of another scenario (exit 2, no file)"

# A rank killed by the scheduler: the whole job stops, nothing is left.
mkdir "$work/killed"
mpirun -np 2 "$giotmau" run "$scenario" -n 400 --quiet -o "$work/killed/all.h5" >"$work/killed.log" 2>&1 &
job=$!
victim=""
for _ in $(seq 1 100); do
  victim=$(pgrep -f "giotmau run $scenario -n 400" | while read -r pid; do
    [ "$(ps -o comm= -p "$(ps -o ppid= -p "$pid" | tr -d ' ')")" = mpirun ] && echo "$pid"; done | tail -1) || true
  [ -n "$victim" ] && compgen -G "$work/killed/.all.h5.*" >/dev/null && break
  sleep 0.1
done
[ -n "$victim" ] || fail "could not find a rank to kill"
kill -TERM "$victim"
rc=0; wait "$job" || rc=$?
[ "$rc" -ne 0 ] || fail "the job finished although a rank was killed"
only "$work/killed"
echo "ok   a rank killed with SIGTERM stops the job (exit $rc) and leaves no file"

# A job-array task killed part way: the other parts stay as they were.
mkdir "$work/array"
"$giotmau" run "$scenario" --replications 0:2 --quiet -o "$work/array/part-0.h5" >/dev/null
before=$(sha256sum "$work/array/part-0.h5")
"$giotmau" run "$scenario" --replications 2:400 --quiet -o "$work/array/part-1.h5" >/dev/null 2>&1 &
task=$!
sleep 1
kill -TERM "$task"
rc=0; wait "$task" || rc=$?
[ "$rc" -ne 0 ] || fail "the task finished before it was killed"
only "$work/array" part-0.h5
[ "$(sha256sum "$work/array/part-0.h5")" = "$before" ] || fail "a finished part changed"
echo "ok   a killed job-array task leaves the finished parts intact and nothing of its own"
