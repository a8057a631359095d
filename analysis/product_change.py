"""One product's requests and shortages in two results files run with common
random numbers (`giotmau compare ... -o cmp.h5`): nationally, by province and
by month, with paired 95% confidence intervals over the replications.

`compare` itself ranks by red-cell KPIs; this shows another product (platelets
in a dengue season, for example):

    /usr/bin/python3 analysis/product_change.py cmp-BASE.h5 cmp-ALT.h5 --product platelets

Needs Debian's python3-h5py, python3-pandas, python3-xarray and
python3-h5netcdf (run with /usr/bin/python3); t quantiles are tabulated below.
"""
from __future__ import annotations

import argparse
import sys

import numpy as np

import giotmau_results as gr

# Two-sided 95% Student t quantiles by degrees of freedom (1..30); normal beyond.
T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
       2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
       2.045, 2.042]


def half_width(values: np.ndarray) -> float:
    n = len(values)
    if n < 2:
        return float("nan")
    t = T95[n - 2] if n - 1 <= len(T95) else 1.96
    return float(t * values.std(ddof=1) / np.sqrt(n))


def totals(path: str, product: str):
    """requested and shortage of `product`: arrays (replication, date, area) summed over groups."""
    with gr.open_daily(path) as ds:
        requested = ds["requested"].sel(product=product).sum("group").load()
        shortage = ds["shortage"].sel(product=product).sum("group").load()
    return requested, shortage


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base")
    parser.add_argument("alternative")
    parser.add_argument("--product", default="platelets", choices=["red_cells", "platelets", "plasma"])
    parser.add_argument("--top", type=int, default=8, help="provinces listed (largest change in shortage first)")
    args = parser.parse_args()

    base_req, base_short = totals(args.base, args.product)
    alt_req, alt_short = totals(args.alternative, args.product)
    if base_req.shape != alt_req.shape:
        print("the two files differ in replications, days or areas: run them with one `giotmau compare`",
              file=sys.stderr)
        return 2
    areas = gr.load_areas(args.base)
    labels = dict(zip(areas["name"], areas["display_name"]))
    replications = base_req.sizes["replication"]

    def row(label: str, b_req, b_short, a_req, a_short) -> str:
        diff = (a_short - b_short).astype(float)
        fill_b = 1 - b_short.sum() / max(b_req.sum(), 1)
        fill_a = 1 - a_short.sum() / max(a_req.sum(), 1)
        return (f"  {label:<34} {b_req.mean():>11,.0f} {a_req.mean():>11,.0f} {b_short.mean():>10,.0f} "
                f"{a_short.mean():>10,.0f} {diff.mean():>+10,.0f} ± {half_width(diff):<8,.0f} "
                f"{fill_b:>6.3f} {fill_a:>6.3f}")

    header = (f"  {'':<34} {'requested':>11} {'':>11} {'shortage':>10} {'':>10} {'difference':>10}\n"
              f"  {'':<34} {'base':>11} {'alt':>11} {'base':>10} {'alt':>10} {'(95% CI)':>10}{'':<11}"
              f" {'fill b':>6} {'fill a':>6}")
    print(f"{args.product}: {args.alternative} vs {args.base}, {replications} replications, "
          "means per replication (units)")
    print(header)
    total = lambda a: a.sum(("date", "area")).values  # noqa: E731
    print(row("national", total(base_req), total(base_short), total(alt_req), total(alt_short)))

    print("\nby province (largest increase in shortage first):")
    rows = []
    for province in gr.provinces(areas):
        under = gr.subtree(areas, province)
        pick = lambda a: a.sel(area=under).sum(("date", "area")).values  # noqa: E731
        b_req, b_short, a_req, a_short = pick(base_req), pick(base_short), pick(alt_req), pick(alt_short)
        label = labels.get(province)
        label = label if isinstance(label, str) and label else province
        rows.append(((a_short - b_short).mean(), row(label, b_req, b_short, a_req, a_short)))
    for _, text in sorted(rows, key=lambda r: -r[0])[: args.top]:
        print(text)

    print("\nby month (national):")
    months = base_req["date"].dt.month
    for m in range(1, 13):
        pick = lambda a: a.where(months == m, 0).sum(("date", "area")).values  # noqa: E731
        if not (months == m).any():
            continue
        name = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][m - 1]
        print(row(name, pick(base_req), pick(base_short), pick(alt_req), pick(alt_short)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
