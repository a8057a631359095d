#!/usr/bin/env bash
# The hostile and careless user's table (issue 13), through the real binary:
# each row runs giotmau and checks its exit code, that stderr says what went
# wrong, that nothing was simulated when the problem is in the input, and that
# the work directory is exactly as before: no new file, no temporary file left
# behind, every existing file, link, FIFO and directory untouched.
#
#   hardening.sh GIOTMAU SCENARIOS_DIR WORK_DIR
set -uo pipefail
giotmau="$1"
scenarios="$2"
work="$3"
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1

small="$scenarios/hoang-mai-2025.toml"
failures=0

# --- the stage: what a careless user has lying around --------------------
mkdir dir                                   # a directory named as the output
echo "precious" > existing.h5               # a result that must survive
echo "victim" > victim.txt                  # what a planted link points at
ln -s victim.txt link-to-file.h5            # a link to a file the user can write
ln -s no-such-target.h5 dangling.h5         # a dangling link
mkfifo fifo.h5                              # not a regular file
echo "not a directory" > plainfile
header='name = "hardening"
start = 2025-01-01
end = 2025-01-31
[season]
tet = 2025-01-29
'
area='[[area]]
name = "a"
population = 100000
centre = "c"
[[centre]]
name = "c"
area = "a"
'
printf '%s' "$header" > no-areas.toml
printf '%s%s[policy.rebalancing]\nenabled = true\nsurplus_days = 5\nshort_days = 9\n' "$header" "$area" > short-over-surplus.toml
printf '%s%s' "$header" "$area" | sed 's/population = 100000/population = 2000000000\nknown_donor_share = 1.0/' > memory-bomb.toml

# Read-only: mode bits do not stop root, so root gets a read-only tmpfs.
mkdir ro
read_only=yes
if [ "$(id -u)" -eq 0 ]; then
  mount -t tmpfs -o ro,size=16k tmpfs ro 2>/dev/null || read_only="no (running as root and mount failed)"
else
  chmod 555 ro
fi

# Everything in the work directory: type, name, link target, content hash.
snapshot() {
  find . -path ./ro -prune -o -printf '%y %p %l\n' | sort
  find . -path ./ro -prune -o -type f -print0 | sort -z | xargs -0 -r md5sum
}

# row NAME EXPECTED_EXIT STDERR_REGEX [--simulates] -- ARGS...
row() {
  local name="$1" expected="$2" regex="$3"
  shift 3
  local may_simulate=no
  if [ "$1" = "--simulates" ]; then may_simulate=yes; shift; fi
  [ "$1" = "--" ] && shift
  local before after rc
  before="$(snapshot)"
  "$@" > stdout.log 2> stderr.log
  rc=$?
  after="$(snapshot)"
  local problems=()
  [ "$rc" -eq "$expected" ] || problems+=("exit code $rc, expected $expected")
  [ -z "$regex" ] || grep -Eq -- "$regex" stderr.log || problems+=("stderr does not match /$regex/")
  if [ "$may_simulate" = no ] && grep -q '^events:' stdout.log; then
    problems+=("it simulated before refusing")
  fi
  # The logs themselves are the only change allowed.
  local changes
  changes="$(diff <(grep -v 'std.*\.log' <<<"$before") <(grep -v 'std.*\.log' <<<"$after"))"
  [ -z "$changes" ] || problems+=("the work directory changed:"$'\n'"$changes")
  if [ ${#problems[@]} -eq 0 ]; then
    echo "ok   $name"
  else
    echo "FAIL $name"
    printf '     %s\n' "${problems[@]}"
    sed 's/^/     stderr: /' stderr.log | head -n 5
    failures=$((failures + 1))
  fi
  rm -f stdout.log stderr.log
}

run=("$giotmau" run "$small" --days 3 --quiet)
plan=("$giotmau" size-targets "$small" -n 2 --days 3 --quiet --max-evaluations 3)
cmp=("$giotmau" compare "$small" "$scenarios/hanoi-police-2025.toml" --days 3 --quiet)

# 1. A failing write (the file-size limit: EFBIG on every write past 8 KiB)
#    is an error message and exit 1: no crash inside HDF5, no file, no temporary.
limited() { bash -c 'trap "" XFSZ; ulimit -f 8; exec "$@"' limited "$@"; }
row "run -o, write fails (RLIMIT_FSIZE)"        1 'error: .*(File too large|HDF5)' --simulates -- limited "${run[@]}" -o big.h5
row "size-targets --hdf5, write fails"          1 'error: .*(File too large|HDF5)' --simulates -- limited "${plan[@]}" --hdf5 big.h5

# 2. Every destination problem is found before simulating, exit 2.
if [ "$read_only" = yes ]; then
  row "run -o in a read-only directory"         2 "ro/out.h5'.*cannot create a file" -- "${run[@]}" -o ro/out.h5
  row "compare -o in a read-only directory"     2 "cannot create a file" -- "${cmp[@]}" -o ro/out.h5
  row "size-targets -o in a read-only directory" 2 "cannot create a file" -- "${plan[@]}" -o ro/plan.csv
else
  echo "SKIP read-only directory rows: read-only $read_only"
fi
row "run -o DIR"                                2 "-o 'dir' is a directory" -- "${run[@]}" -o dir
row "run -o DIR --force"                        2 "-o 'dir' is a directory" -- "${run[@]}" -o dir --force
row "run -o DIR/"                               2 "names a directory" -- "${run[@]}" -o dir/
row "run -o ."                                  2 "names a directory" -- "${run[@]}" -o .
row "run -o /proc/x.h5"                         2 "cannot create a file in '/proc'" -- "${run[@]}" -o /proc/x.h5
row "run -o in a missing directory"             2 "directory 'nodir' does not exist" -- "${run[@]}" -o nodir/x.h5
row "run -o under a plain file"                 2 "'plainfile' is not a directory" -- "${run[@]}" -o plainfile/x.h5
row "run -o existing file"                      2 "exists; use --force" -- "${run[@]}" -o existing.h5
row "compare -o DIR/"                           2 "names a directory" -- "${cmp[@]}" -o dir/
row "compare -o /proc/x.h5"                     2 "cannot create a file in '/proc'" -- "${cmp[@]}" -o /proc/x.h5
row "size-targets -o DIR --force"               2 "-o 'dir' is a directory" -- "${plan[@]}" -o dir --force
row "size-targets --hdf5 /proc/x.h5"            2 "--hdf5 '/proc/x.h5'" -- "${plan[@]}" --hdf5 /proc/x.h5
row "size-targets --hdf5 DIR/"                  2 "names a directory" -- "${plan[@]}" --hdf5 dir/
row "size-targets -o and --hdf5 the same"       2 "same file" -- "${plan[@]}" -o same.out --hdf5 ./same.out

# 3-4. Links are never written through; --force replaces regular files only.
row "run -o dangling link"                      2 "symbolic link" -- "${run[@]}" -o dangling.h5
row "run -o link to a file --force"             2 "symbolic link" -- "${run[@]}" -o link-to-file.h5 --force
row "size-targets --hdf5 link --force"          2 "symbolic link" -- "${plan[@]}" --hdf5 link-to-file.h5 --force
row "run -o FIFO --force"                       2 "is a FIFO; --force replaces regular files only" -- "${run[@]}" -o fifo.h5 --force
row "run -o /dev/null"                          2 "is a character device; --force replaces regular files only" -- "${run[@]}" -o /dev/null
row "--help says what --force replaces"         0 '' -- bash -c "\"$giotmau\" run --help | grep -q 'regular files only'"

# 5. Semantic checks are validation's, with file:line:col and key.
row "rebalancing short_days > surplus_days"     2 "short-over-surplus.toml:[0-9]+:[0-9]+: policy.rebalancing.short_days: expected short_days <= surplus_days" -- "$giotmau" validate short-over-surplus.toml
row "run: rebalancing short_days > surplus_days" 2 "short-over-surplus.toml:[0-9]+:[0-9]+: policy.rebalancing.short_days" -- "$giotmau" run short-over-surplus.toml -o out.h5
row "no areas (validate)"                       2 "no-areas.toml:1:1: area: expected at least one \[\[area\]\]" -- "$giotmau" validate no-areas.toml
row "no areas (run -o)"                         2 "no-areas.toml:1:1: area" -- "$giotmau" run no-areas.toml -o out.h5
row "no areas (size-targets)"                   2 "no-areas.toml:1:1: area" -- "$giotmau" size-targets no-areas.toml -n 2

# 6. Donor pools that will not fit are refused at validation, with the
#    estimate and the limit; --max-memory raises the limit.
row "memory bomb (validate)"                    2 "memory-bomb.toml:[0-9]+:[0-9]+: area\[0\].known_donor_share: the donor pools would take about [0-9.]+ GB .*known donors.*the limit is 4 GB \(set by --max-memory\)" -- "$giotmau" validate memory-bomb.toml --max-memory 4
row "memory bomb (run, 2 threads)"              2 "about [0-9.]+ GB .*x 2 replications at once" -- "$giotmau" run memory-bomb.toml -n 2 --threads 2 --max-memory 30 -o out.h5
row "--max-memory raises the limit"             0 '' -- "$giotmau" validate memory-bomb.toml --max-memory 30

# 7. Odd values refused, not silently changed.
row "--seed -1"                                 2 "--seed.*expected a whole number from 0 to 18446744073709551615" -- "${run[@]}" --seed -1
row "--seed 2^64"                               2 "--seed.*expected a whole number" -- "${run[@]}" --seed 18446744073709551616
row "--seed 1e3"                                2 "--seed.*expected a whole number" -- "${run[@]}" --seed 1e3
row "-o ''"                                     2 "empty path" -- "${run[@]}" -o ''
row "size-targets --hdf5 ''"                    2 "empty path" -- "${plan[@]}" --hdf5 ''
row "compare -o ''"                             2 "empty path" -- "${cmp[@]}" -o ''
row "--threads 1024"                            2 "--threads.*(256|range)" -- "${run[@]}" --threads 1024
if [ "$(getconf _NPROCESSORS_ONLN)" -lt 64 ]; then
  row "--threads beyond the machine is said"    0 "--threads 64: this machine runs [0-9]+ threads at once" --simulates -- "${run[@]}" --threads 64
fi
row "--seed 2^64-1 is a seed"                   0 '' --simulates -- "${run[@]}" --seed 18446744073709551615

# The existing result, the link's target and the FIFO are as they were.
[ "$(cat existing.h5)" = precious ] && [ "$(cat victim.txt)" = victim ] && [ -p fifo.h5 ] && [ -L dangling.h5 ] ||
  { echo "FAIL the stage was changed"; failures=$((failures + 1)); }
[ -c /dev/null ] || { echo "FAIL /dev/null is no longer a device"; failures=$((failures + 1)); }

if [ "$(id -u)" -eq 0 ]; then umount ro 2>/dev/null; fi
echo "$failures failure(s)"
[ "$failures" -eq 0 ]
