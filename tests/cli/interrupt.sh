#!/usr/bin/env bash
# Kills `giotmau run -o` part way, with SIGINT and with SIGTERM, both during the
# simulation and while the results file is being written, and checks that no
# file is left at the target path and no temporary file beside it.
set -euo pipefail
giotmau=$1
scenario=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

leftovers() { ls -A "$work" | grep -v '^log$' || true; }

check_clean() {  # what, exit code
  if [ -n "$(leftovers)" ]; then echo "FAIL $1: left behind: $(leftovers)"; exit 1; fi
  echo "ok   $1 (exit $2)"
}

# During the simulation.
for signal in INT TERM; do
  "$giotmau" run "$scenario" --quiet -o "$work/out.h5" >"$work/log" 2>&1 &
  pid=$!
  sleep 0.3
  kill -s "$signal" "$pid"
  rc=0; wait "$pid" || rc=$?
  [ "$rc" -ne 0 ] || { echo "FAIL: the run finished before SIG$signal; use a longer scenario"; exit 1; }
  check_clean "SIG$signal during the run" "$rc"
done

# While writing: wait for the temporary file to appear, then signal.
for signal in INT TERM; do
  caught=no
  for attempt in 1 2 3 4 5; do
    rm -f "$work"/*
    "$giotmau" run "$scenario" --quiet -o "$work/out.h5" >"$work/log" 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
      if compgen -G "$work/out.h5.tmp*" >/dev/null; then kill -s "$signal" "$pid"; caught=yes; break; fi
    done
    rc=0; wait "$pid" || rc=$?
    if [ "$caught" = yes ] && [ "$rc" -ne 0 ]; then break; fi
    caught=no  # the write finished first: try again
  done
  [ "$caught" = yes ] || { echo "skip SIG$signal while writing: never caught the write in progress"; continue; }
  check_clean "SIG$signal while writing" "$rc"
done

# And an uninterrupted run leaves exactly the result.
"$giotmau" run "$scenario" --quiet -o "$work/out.h5" >"$work/log" 2>&1
[ "$(leftovers)" = "out.h5" ] || { echo "FAIL: after a complete run: $(leftovers)"; exit 1; }
echo "ok   complete run leaves only out.h5"
