#!/usr/bin/python3
"""compare's per-province and per-month differences, checked independently
(ctest: python_compare_parts).

    /usr/bin/python3 tests/python/test_compare_parts.py GIOTMAU BASE.toml ALT.toml WORKDIR

Runs `giotmau compare BASE ALT -n 3 --days 45 -o WORKDIR/cmp.h5 --format json`,
then recomputes from the two results files alone (h5py and numpy, not the
program's code) every province's and every month's KPIs per replication, the
paired differences alternative - base and their 95% Student-t intervals, and
checks that the JSON and the comparison file (cmp-comparison.h5) say the same.
A province is an area one level below the top; its figures include the areas
below it. Exits non-zero on failure.
"""
import json
import math
import pathlib
import shutil
import subprocess
import sys

import h5py
import numpy as np

REPLICATIONS = 3
# Student t, 97.5% quantile, 2 degrees of freedom, in closed form: for df = 2,
# t_p = (2p - 1) / sqrt(2 p (1 - p)).
T_975_DF2 = (2 * 0.975 - 1) / math.sqrt(2 * 0.975 * 0.025)
RED = 0  # product axis: red_cells first
PLATELETS = 1


def read(path):
    with h5py.File(path, "r") as f:
        d = f["daily"]
        products = [p.decode() if isinstance(p, bytes) else p for p in d["product"][:]]
        assert products[RED] == "red_cells" and products[PLATELETS] == "platelets", products
        data = {
            "areas": [a.decode() if isinstance(a, bytes) else a for a in d["area"][:]],
            "parent": d["area_parent"][:],
            "dates": [s.decode() if isinstance(s, bytes) else s for s in d["date_label"][:]],
            "collected": d["collected"][:].sum(axis=3),                   # rep, date, area
        }
        for m in ("shortage", "outdated", "issued", "requested", "on_hand"):
            data[m] = d[m][:, :, :, :, RED].sum(axis=3)                   # rep, date, area
        for m in ("shortage", "outdated", "issued", "requested"):
            data["platelet_" + m] = d[m][:, :, :, :, PLATELETS].sum(axis=3)
    return data


def subtree(data, root):
    inside = []
    for a in range(len(data["areas"])):
        up = a
        while up >= 0 and up != root:
            up = int(data["parent"][up])
        if up == root:
            inside.append(a)
    return inside


def kpis(data, areas, days):
    """Per replication: the KPIs over `areas` (indices) and `days` (a boolean mask)."""
    sel = lambda m: data[m][:, days, :][:, :, areas]  # noqa: E731
    shortage_daily = sel("shortage").sum(axis=2)
    issued = sel("issued").sum(axis=(1, 2)).astype(float)
    requested = sel("requested").sum(axis=(1, 2)).astype(float)
    stock = sel("on_hand").sum(axis=(1, 2)).astype(float)
    platelets_issued = sel("platelet_issued").sum(axis=(1, 2)).astype(float)
    platelets_requested = sel("platelet_requested").sum(axis=(1, 2)).astype(float)
    return {
        "platelet_shortage_units": sel("platelet_shortage").sum(axis=(1, 2)).astype(float),
        "platelet_outdated": sel("platelet_outdated").sum(axis=(1, 2)).astype(float),
        "platelet_fill_rate": np.where(platelets_requested > 0,
                                       platelets_issued / np.maximum(platelets_requested, 1), 1.0),
        "collected": sel("collected").sum(axis=(1, 2)).astype(float),
        "shortage_units": shortage_daily.sum(axis=1).astype(float),
        "shortage_days": (shortage_daily > 0).sum(axis=1).astype(float),
        "outdated": sel("outdated").sum(axis=(1, 2)).astype(float),
        "fill_rate": np.where(requested > 0, issued / np.maximum(requested, 1), 1.0),
        "days_of_supply": np.where(issued > 0, stock / np.maximum(issued, 1), 0.0),
    }


def paired(base, alt):
    d = alt - base
    mean = d.mean()
    half = T_975_DF2 * d.std(ddof=1) / math.sqrt(len(d))
    return mean, mean - half, mean + half


def close(a, b, what, rel_tol=1e-9):
    """rel_tol: 1e-9 for means; interval ends carry the program's t quantile,
    accurate to 1e-9 (engine/experiments/statistics.hpp), times the spread."""
    if a is None or b is None:
        raise AssertionError(f"{what}: {a} vs {b}")
    if not math.isclose(a, b, rel_tol=rel_tol, abs_tol=1e-9):
        raise AssertionError(f"{what}: JSON/file {a} != independent {b}")


def main():
    giotmau, base_toml, alt_toml, work = sys.argv[1:5]
    work = pathlib.Path(work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    out = subprocess.run([giotmau, "compare", base_toml, alt_toml, "-n", str(REPLICATIONS), "--days", "45",
                          "--threads", "2", "-o", str(work / "cmp.h5"), "--format", "json"],
                         check=True, capture_output=True, text=True).stdout
    doc = json.loads(out)
    base_json, alt_json = doc["scenarios"]
    base = read(base_json["results_file"])
    alt = read(alt_json["results_file"])
    assert base["areas"] == alt["areas"] and base["dates"] == alt["dates"]

    everywhere = list(range(len(base["areas"])))
    tops = [a for a in everywhere if base["parent"][a] < 0]
    provinces = [a for a in everywhere if base["parent"][a] >= 0 and base["parent"][base["parent"][a]] < 0]
    assert len(provinces) >= 2, "the test needs a scenario with provinces"
    all_days = np.ones(len(base["dates"]), dtype=bool)
    months = np.array([int(s[5:7]) - 1 for s in base["dates"]])

    expected = {}  # (breakdown, part, kpi) -> (mean, low, high)
    for a in provinces:
        b, c = kpis(base, subtree(base, a), all_days), kpis(alt, subtree(alt, a), all_days)
        for k in b:
            expected[("province", base["areas"][a], k)] = paired(b[k], c[k])
    month_names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    for m, name in enumerate(month_names):
        days = months == m
        if not days.any():
            expected[("month", name, "collected")] = (0.0, 0.0, 0.0)  # no days: zero, not missing
            continue
        b, c = kpis(base, everywhere, days), kpis(alt, everywhere, days)
        for k in b:
            expected[("month", name, k)] = paired(b[k], c[k])
    assert len(tops) >= 1

    # The JSON.
    checked = 0
    for key, parts in (("province", alt_json["provinces"]), ("month", alt_json["months"])):
        names = [p["area" if key == "province" else "month"] for p in parts]
        wanted = sorted({part for (bd, part, _k) in expected if bd == key})
        assert sorted(names) == wanted, (key, names, wanted)
        for p in parts:
            name = p["area" if key == "province" else "month"]
            for kpi, value in p["kpis"].items():
                if (key, name, kpi) not in expected:
                    continue
                mean, low, high = expected[(key, name, kpi)]
                d = value["difference_from_base"]
                close(d["mean"], mean, f"JSON {key} {name} {kpi} mean")
                if low != high:
                    close(d["ci_low"], low, f"JSON {key} {name} {kpi} ci_low", 1e-7)
                    close(d["ci_high"], high, f"JSON {key} {name} {kpi} ci_high", 1e-7)
                    assert d["significant"] == (low > 0 or high < 0), (key, name, kpi, d)
                checked += 1
    assert checked >= len(provinces) * 6 + 6, checked

    # The comparison file says the same.
    with h5py.File(doc["comparison_file"], "r") as f:
        rows = f["differences"][:]
        for r in rows:
            breakdown, part, kpi = (r[n].decode() for n in ("breakdown", "part", "kpi"))
            if (breakdown, part, kpi) in expected and expected[(breakdown, part, kpi)][1] != expected[(breakdown, part, kpi)][2]:
                mean, low, high = expected[(breakdown, part, kpi)]
                close(float(r["difference"]), mean, f"file {breakdown} {part} {kpi}")
                close(float(r["ci_low"]), low, f"file {breakdown} {part} {kpi} ci_low", 1e-7)
                checked += 1
    print(f"ok: {checked} differences agree ({len(provinces)} provinces, 12 months)")


if __name__ == "__main__":
    main()
