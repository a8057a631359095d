#!/usr/bin/python3
"""Stock on hand over the run, by blood group, for chosen areas.

    /usr/bin/python3 analysis/plot_stock.py results.h5 -o out/ [--area hub-province ...]
                     [--product red_cells] [--replication N]

Writes OUT/stock.png: one panel per area (the area and everything below it),
one line per blood group (end-of-day stock, mean over replications unless
--replication is given), with the Tết window and the campaign windows that
reach the area shaded (both read from the scenario stored in the file).
Default areas: the provinces (at most 6).
"""
from __future__ import annotations

import argparse
import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

import giotmau_results as gr  # noqa: E402

MAX_DEFAULT_AREAS = 6


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=pathlib.Path, help="giotmau HDF5 results file")
    parser.add_argument("-o", "--output-dir", type=pathlib.Path, default=pathlib.Path("."))
    parser.add_argument("--area", action="append", help="area to plot (repeatable); default: the provinces")
    parser.add_argument("--product", default="red_cells", help="red_cells, platelets or plasma")
    parser.add_argument("--replication", type=int, help="one replication instead of the mean")
    return parser.parse_args(argv)


def plot(path: pathlib.Path, out_dir: pathlib.Path, areas_wanted=None, product="red_cells", replication=None):
    areas = gr.load_areas(path)
    scenario = gr.load_scenario(path)
    chosen = areas_wanted or gr.provinces(areas)[:MAX_DEFAULT_AREAS]
    unknown = set(chosen) - set(areas["name"])
    if unknown:
        raise SystemExit(f"unknown area(s): {', '.join(sorted(unknown))}; the file has {', '.join(areas['name'])}")
    with gr.open_daily(path) as ds:
        stock = ds["on_hand"].sel(product=product)
        stock = stock.sel(replication=replication) if replication is not None else stock.mean("replication")
        stock = stock.load()
    dates = stock["date"].values
    fig, axes = plt.subplots(len(chosen), 1, figsize=(9, 2.6 * len(chosen) + 0.6), sharex=True, squeeze=False)
    for ax, area in zip(axes[:, 0], chosen):
        total = gr.subtree_total(stock, areas, area)
        for group in total["group"].values:
            ax.plot(dates, total.sel(group=group).values, lw=1.2, label=str(group))
        gr.shade_windows(ax, scenario, areas, area, dates[0], dates[-1])
        ax.set_title(area, loc="left", fontsize=10)
        ax.set_ylabel("units on hand")
        ax.grid(alpha=0.3)
    # One legend for the figure: the groups, then every window shaded in any panel.
    labelled = {}
    for ax in axes[:, 0]:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            labelled.setdefault(label, handle)
    # Beside the panels, not under them: a long list of windows cannot be cut off.
    fig.legend(labelled.values(), labelled.keys(), loc="upper left", bbox_to_anchor=(1.0, 0.97), fontsize=8,
               frameon=False)
    axes[-1, 0].xaxis.set_major_formatter(mdates.ConciseDateFormatter(axes[-1, 0].xaxis.get_major_locator()))
    which = f"replication {replication}" if replication is not None else "mean over replications"
    fig.suptitle(f"{product.replace('_', ' ')} stock at the end of each day, by group ({which})", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.98))
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "stock.png"
    fig.savefig(target, dpi=80, bbox_inches="tight", pil_kwargs={"optimize": True})
    plt.close(fig)
    return [target]


def main(argv=None):
    args = parse_args(argv)
    for written in plot(args.results, args.output_dir, args.area, args.product, args.replication):
        print(written)


if __name__ == "__main__":
    main()
