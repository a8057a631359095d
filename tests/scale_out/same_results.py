#!/usr/bin/python3
"""Exits 0 when two giotmau results files hold the same data: every dataset
(values, dtype, shape) and every attribute, the creation time aside; and when
xarray opens /daily of the first as it opens /daily of the second.

Usage: same_results.py EXPECTED.h5 ACTUAL.h5
"""
import sys

import h5py
import numpy as np
import xarray as xr

IGNORED_ATTRIBUTES = {"created_utc", "DIMENSION_LIST", "REFERENCE_LIST"}


def attributes(obj):
    return {k: v for k, v in obj.attrs.items() if k not in IGNORED_ATTRIBUTES}


def same_value(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        return a.shape == b.shape and a.dtype == b.dtype and bool(np.all(a == b))
    return a == b


def collect(f):
    found = {}
    f.visititems(lambda name, obj: found.__setitem__(name, obj))
    return found


def main(expected_path, actual_path):
    problems = []
    with h5py.File(expected_path, "r") as expected, h5py.File(actual_path, "r") as actual:
        e, a = collect(expected), collect(actual)
        if set(e) != set(a):
            problems.append(f"objects differ: only expected {sorted(set(e) - set(a))}, only actual {sorted(set(a) - set(e))}")
        for name in sorted(set(e) & set(a)):
            if isinstance(e[name], h5py.Dataset):
                if not same_value(e[name][()], a[name][()]):
                    problems.append(f"dataset {name} differs")
            ea, aa = attributes(e[name]), attributes(a[name])
            if set(ea) != set(aa) or any(not same_value(ea[k], aa[k]) for k in ea):
                problems.append(f"attributes of {name} differ")
        ra, rb = attributes(expected), attributes(actual)
        if set(ra) != set(rb) or any(not same_value(ra[k], rb[k]) for k in ra):
            problems.append("root attributes differ")
    de = xr.open_dataset(expected_path, group="daily", engine="h5netcdf")
    da = xr.open_dataset(actual_path, group="daily", engine="h5netcdf")
    if not de.identical(da):
        problems.append("xarray sees different /daily datasets")
    for p in problems:
        print(p)
    print("same" if not problems else f"{len(problems)} differences")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
