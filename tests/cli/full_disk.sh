#!/usr/bin/env bash
# A full disk while writing results (issue 13, item 1): giotmau says so and
# exits 1 (not signal 11 inside HDF5's close), leaving no file and no
# temporary file on the full file system. Needs a small tmpfs: mount(8) as
# root; elsewhere the test is skipped (exit 77) and says why. The same failing
# write path is also covered without mount by tests/cli/hardening.sh
# (RLIMIT_FSIZE).
#
#   full_disk.sh GIOTMAU SCENARIOS_DIR WORK_DIR
set -uo pipefail
giotmau="$1"
scenarios="$2"
work="$3"
rm -rf "$work"
mkdir -p "$work/disk"
if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: mounting a small tmpfs needs root"
  exit 77
fi
if ! mount -t tmpfs -o size=16k tmpfs "$work/disk" 2>"$work/mount.log"; then
  echo "SKIP: cannot mount a tmpfs here: $(cat "$work/mount.log")"
  exit 77
fi
trap 'umount "$work/disk" 2>/dev/null' EXIT
# Nearly full: one 4 KiB page left, less than any results file needs.
dd if=/dev/zero of="$work/disk/filler" bs=4k count=3 status=none

failures=0
check() {
  local name="$1"
  shift
  "$@" >"$work/stdout.log" 2>"$work/stderr.log"
  local rc=$?
  local left
  left="$(ls -A "$work/disk" | grep -vx filler)"
  if [ "$rc" -eq 1 ] && grep -q "No space left on device" "$work/stderr.log" && [ -z "$left" ]; then
    echo "ok   $name"
  else
    echo "FAIL $name: exit $rc (expected 1), left on the disk: '${left}'"
    head -n 5 "$work/stderr.log"
    failures=$((failures + 1))
  fi
}
small="$scenarios/hoang-mai-2025.toml"
check "run -o on a full disk" "$giotmau" run "$small" --days 30 --quiet -o "$work/disk/out.h5"
check "compare -o on a full disk" "$giotmau" compare "$small" "$scenarios/hanoi-police-2025.toml" --days 30 --quiet -o "$work/disk/out.h5"
check "size-targets --hdf5 on a full disk" "$giotmau" size-targets "$small" -n 2 --days 30 --quiet --max-evaluations 3 --hdf5 "$work/disk/plan.h5"
echo "$failures failure(s)"
[ "$failures" -eq 0 ]
