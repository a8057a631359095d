#!/usr/bin/python3
"""Shortage by province and month, as a heat map.

    /usr/bin/python3 analysis/plot_shortage_heatmap.py results.h5 -o out/ [--product red_cells|all]

Writes OUT/shortage_heatmap.png: units of requests lost unmet in each
province (the province and its districts) and calendar month, summed over
groups, mean over replications.
"""
from __future__ import annotations

import argparse
import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import giotmau_results as gr  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=pathlib.Path, help="giotmau HDF5 results file")
    parser.add_argument("-o", "--output-dir", type=pathlib.Path, default=pathlib.Path("."))
    parser.add_argument("--product", default="red_cells", help="red_cells, platelets, plasma or all")
    return parser.parse_args(argv)


def shortage_by_province_month(path: pathlib.Path, product: str) -> pd.DataFrame:
    """Rows: provinces (file order); columns: months; values: mean units short."""
    areas = gr.load_areas(path)
    province = gr.province_of(areas)
    with gr.open_daily(path) as ds:
        short = ds["shortage"]
        short = short.sum("product") if product == "all" else short.sel(product=product)
        # Per replication first, so that the mean is over replications of monthly totals.
        short = short.sum("group").load()
    frame = short.to_dataframe(name="units").reset_index()
    frame = frame[frame["area"].isin(province)]
    frame["province"] = frame["area"].map(province)
    frame["month"] = frame["date"].dt.to_period("M")
    monthly = frame.groupby(["replication", "province", "month"])["units"].sum()
    table = monthly.groupby(["province", "month"]).mean().unstack("month").fillna(0.0)
    order = [p for p in gr.provinces(areas) if p in table.index]
    return table.loc[order]


def plot(path: pathlib.Path, out_dir: pathlib.Path, product="red_cells"):
    table = shortage_by_province_month(path, product)
    fig, ax = plt.subplots(figsize=(3.4 + 0.8 * table.shape[1], 1.8 + 0.36 * table.shape[0]))
    image = ax.imshow(table.values, aspect="auto", cmap="Reds", vmin=0)
    ax.set_xticks(np.arange(table.shape[1]), gr.month_labels(table.columns), rotation=45, ha="right", fontsize=10)
    ax.set_yticks(np.arange(table.shape[0]), table.index, fontsize=10)
    if table.size <= 40 * 12:  # numbers stay legible up to a national table
        peak = table.values.max() if table.size else 0
        for (row, column), value in np.ndenumerate(table.values):
            ax.text(column, row, f"{value:.0f}", ha="center", va="center", fontsize=8,
                    color="white" if value > 0.6 * peak else "black")
    fig.colorbar(image, ax=ax, label="units short\n(mean of replications)")
    label = "all products" if product == "all" else product.replace("_", " ")
    ax.set_title(f"Shortage by province and month: {label}", fontsize=10)
    fig.tight_layout()
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "shortage_heatmap.png"
    fig.savefig(target, dpi=80, pil_kwargs={"optimize": True})
    plt.close(fig)
    return [target]


def main(argv=None):
    args = parse_args(argv)
    for written in plot(args.results, args.output_dir, args.product):
        print(written)


if __name__ == "__main__":
    main()
