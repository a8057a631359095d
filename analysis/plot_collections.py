#!/usr/bin/python3
"""Whole-blood collections against the plan's targets, by month.

    /usr/bin/python3 analysis/plot_collections.py results.h5 -o out/

Writes OUT/collections.png (the whole country) and
OUT/collections_by_province.png (one panel per province): bars are the
donations collected each month (mean over replications, with the lowest and
highest replication as an error bar), the line is the target.

Targets: the file gives each drive's target with its first and last session
day (not every session day), so each drive's target is spread evenly over the
calendar days from its first to its last session and summed by month. For a
single drive that puts the whole target on its day; for a weekly series it
is the model's own rule (kpi.cpp spreads a series' target evenly over its
sessions) up to how the weekdays fall in each month, a few per cent.
Targets are the same in every replication: replication 0's drives are used.
"""
from __future__ import annotations

import argparse
import math
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
    return parser.parse_args(argv)


def monthly_targets(drives: pd.DataFrame, province: dict[str, str]) -> pd.DataFrame:
    """Target units per province and month (columns province, month, target)."""
    rows = []
    first_replication = drives[drives["replication"] == drives["replication"].min()]
    for drive in first_replication.itertuples():
        if drive.target <= 0 or drive.sessions <= 0:
            continue
        days = pd.date_range(drive.first_date, drive.last_date, freq="D")
        share = pd.Series(drive.target / len(days), index=days)
        for month, target in share.groupby(days.to_period("M")).sum().items():
            rows.append({"province": province.get(drive.area, drive.area), "month": month, "target": target})
    if not rows:
        return pd.DataFrame(columns=["province", "month", "target"])
    return pd.DataFrame(rows).groupby(["province", "month"], as_index=False)["target"].sum()


def monthly_collections(path: pathlib.Path, province: dict[str, str]) -> pd.DataFrame:
    """Collected units per replication, province and month."""
    with gr.open_daily(path) as ds:
        collected = ds["collected"].sum("group").load()
    frame = collected.to_dataframe(name="collected").reset_index()
    frame = frame[frame["area"].isin(province)]
    frame["province"] = frame["area"].map(province)
    frame["month"] = frame["date"].dt.to_period("M")
    return frame.groupby(["replication", "province", "month"], as_index=False)["collected"].sum()


def draw(ax, collected: pd.DataFrame, targets: pd.DataFrame, months: list[pd.Period], title: str):
    """Bars of collections (mean, min-max whiskers) and the target line, for one set of rows."""
    per_replication = collected.groupby(["replication", "month"])["collected"].sum().unstack("month")
    per_replication = per_replication.reindex(columns=months).fillna(0.0)
    mean, low, high = per_replication.mean(), per_replication.min(), per_replication.max()
    target = targets.groupby("month")["target"].sum().reindex(months).fillna(0.0)
    x = np.arange(len(months))
    ax.bar(x, mean.values, color="tab:red", alpha=0.75, label="collected",
           yerr=[mean.values - low.values, high.values - mean.values], ecolor="0.3", capsize=2)
    if target.sum() > 0:
        ax.plot(x, target.values, "k_-", markersize=14, lw=1, label="target")
    ax.set_xticks(x, gr.month_labels(months), rotation=45, ha="right", fontsize=9)
    ax.set_title(title, loc="left", fontsize=9)
    ax.grid(axis="y", alpha=0.3)


def plot(path: pathlib.Path, out_dir: pathlib.Path):
    areas = gr.load_areas(path)
    province = gr.province_of(areas)
    collected = monthly_collections(path, province)
    targets = monthly_targets(gr.load_drives(path), province)
    months = sorted(collected["month"].unique())
    out_dir.mkdir(parents=True, exist_ok=True)

    fig, ax = plt.subplots(figsize=(1.5 + 0.6 * len(months), 3.6))
    draw(ax, collected, targets, months, "Whole-blood donations by month: all provinces")
    ax.set_ylabel("units")
    ax.legend(fontsize=8)
    fig.tight_layout()
    national = out_dir / "collections.png"
    fig.savefig(national, dpi=80, pil_kwargs={"optimize": True})
    plt.close(fig)

    names = gr.provinces(areas)
    columns = min(3, len(names))
    rows = math.ceil(len(names) / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(4.2 * columns, 2.8 * rows), squeeze=False)
    for ax, name in zip(axes.flat, names):
        draw(ax, collected[collected["province"] == name], targets[targets["province"] == name], months, name)
    for ax in axes.flat[len(names):]:
        ax.set_visible(False)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper right", fontsize=9, frameon=False)
    fig.suptitle("Whole-blood donations by month and province (bars) against target (line)", fontsize=12)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.6 / fig.get_figheight()))  # room for the title above the panels
    by_province = out_dir / "collections_by_province.png"
    fig.savefig(by_province, dpi=80, bbox_inches="tight", pil_kwargs={"optimize": True})
    plt.close(fig)
    return [national, by_province]


def main(argv=None):
    args = parse_args(argv)
    for written in plot(args.results, args.output_dir):
        print(written)


if __name__ == "__main__":
    main()
