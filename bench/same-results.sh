#!/bin/bash
# Usage: bench/same-results.sh BEFORE_GIOTMAU AFTER_GIOTMAU [scenario...]
# Whether a change keeps results bit-identical: the two giotmau binaries (say a
# build of the commit before and build/bin/giotmau) run each scenario (default:
# every file under scenarios/ and the peer benchmark's)
# with `run -n 2 --threads 2 -o`, and every HDF5 dataset is compared value by
# value (timings excepted). Prints SAME or DIFFERENT and the datasets per scenario.
set -e
before=$1; after=$2; shift 2
scen=("$@")
[ ${#scen[@]} -eq 0 ] && scen=(scenarios/*.toml scenarios/*/*.toml bench/peer/peer.toml)
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
for s in "${scen[@]}"; do
  n=$(basename $s .toml)
  $before run $s -n 2 --threads 2 --quiet -o $d/$n-a.h5 >/dev/null
  $after run $s -n 2 --threads 2 --quiet -o $d/$n-b.h5 >/dev/null
  /usr/bin/python3 - $d/$n-a.h5 $d/$n-b.h5 $s <<'PY'
import sys, h5py, numpy as np
a, b, s = h5py.File(sys.argv[1]), h5py.File(sys.argv[2]), sys.argv[3]
bad = []
def visit(name, obj):
    if isinstance(obj, h5py.Dataset):
        if name not in b: bad.append(name + " missing"); return
        x, y = obj[()], b[name][()]
        if name.endswith("wall_seconds") or "seconds" in name: return
        if isinstance(x, np.ndarray) and x.dtype.names:
            same = x.dtype == y.dtype and x.shape == y.shape and all(str(u) == str(v) for u, v in zip(x.tolist(), y.tolist()))
        else:
            same = np.array_equal(np.asarray(x), np.asarray(y))
        if not same: bad.append(name)
a.visititems(visit)
print(("SAME " if not bad else "DIFFERENT ") + s + ("" if not bad else ": " + ", ".join(bad[:10])))
PY
done
