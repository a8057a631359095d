"""Reading giotmau results files (HDF5, docs/hdf5-layout.md) into pandas.

    import giotmau_results as gr
    daily = gr.load_daily("results.h5")          # tidy: one row per cell
    kpi = gr.load_kpi("results.h5")              # one row per replication
    drives = gr.load_drives("results.h5")        # one row per drive and replication
    scenario = gr.load_scenario("results.h5")    # the resolved scenario, as a dict

Needs Debian's python3-h5py, python3-pandas, python3-xarray and
python3-h5netcdf (run with /usr/bin/python3).
"""
from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Sequence

import h5py
import numpy as np
import pandas as pd
import xarray as xr

TIDY_COLUMNS = ["replication", "date", "area", "group", "product", "measure", "value"]
# `collected` counts whole-blood donations, before they become products: in the
# tidy table its product is this label.
WHOLE_BLOOD = "whole_blood"
# End-of-day stocks: average (not sum) them over days.
STOCK_MEASURES = ("on_hand", "in_transit")
# Shading for campaign windows (Set2, pale; not in the tab10 line colours).
WINDOW_COLOURS = ["#ffd92f", "#66c2a5", "#8da0cb", "#e78ac3", "#a6d854", "#e5c494", "#b3b3b3", "#fc8d62"]
WINDOW_HATCHES = ["", "//", "\\\\", "..", "xx", "--", "||", "++"]


# ------------------------------------------------------------------ daily arrays

def open_daily(path) -> xr.Dataset:
    """The /daily group as an xarray Dataset with labelled coordinates
    replication, date (datetime64), area, group, product."""
    return xr.open_dataset(path, group="daily", engine="h5netcdf")


def daily_measures(ds: xr.Dataset) -> list[str]:
    """Names of the day-by-day unit variables (collected first, then the Measure
    names); `cost` (money, per area only) is read as ds["cost"]."""
    return [name for name, var in ds.data_vars.items() if "date" in var.dims and "group" in var.dims]


def load_daily(path, measures: Sequence[str] | None = None, areas: Sequence[str] | None = None) -> pd.DataFrame:
    """Tidy table: replication, date, area, group, product, measure, value.

    `measures` and `areas` restrict what is read (default: everything).
    `collected` has product WHOLE_BLOOD."""
    frames = []
    with open_daily(path) as ds:
        for name in measures or daily_measures(ds):
            frames.append(_tidy(ds[name], name, areas))
    table = pd.concat(frames, ignore_index=True)[TIDY_COLUMNS]
    for column in ("area", "group", "product", "measure"):
        table[column] = table[column].astype("category")
    return table


def _tidy(array: xr.DataArray, name: str, areas: Sequence[str] | None) -> pd.DataFrame:
    if areas is not None:
        array = array.sel(area=list(areas))
    if "product" not in array.dims:
        array = array.expand_dims(product=[WHOLE_BLOOD], axis=array.ndim)
    auxiliary = [c for c in array.coords if c not in array.dims]
    frame = array.drop_vars(auxiliary).to_dataframe(name="value").reset_index()
    frame["measure"] = name
    return frame


def subtree_total(array: xr.DataArray, areas: pd.DataFrame, root: str) -> xr.DataArray:
    """`array` summed over `root` and every area below it (values are kept
    where the site or donor pool is, so a region's total is its subtree's)."""
    return array.sel(area=subtree(areas, root)).sum("area")


# ------------------------------------------------------------------ tables

def load_kpi(path) -> pd.DataFrame:
    """One row per replication: fill_rate, shortage_units, shortage_days,
    outdate_rate, mean_age_at_issue_days, days_of_supply, collected, target, appeals, cost_per_day,
    and donations by segment (donated_students, donated_workers, donated_first_time, donated_repeat,
    donated_regular); docs/hdf5-layout.md."""
    return _table(path, "kpi")


def load_drives(path) -> pd.DataFrame:
    """One row per drive (or recurring series in one leaf area) and replication;
    first_date/last_date are the first and last session days."""
    drives = _table(path, "drives")
    for column in ("first_date", "last_date"):
        drives[column] = pd.to_datetime(drives[column])
    return drives


def load_appeals(path) -> pd.DataFrame:
    """One row per emergency appeal and replication: date, centre, area,
    donated_units, brought_in_units (empty for files written before appeals
    were recorded)."""
    with h5py.File(path, "r") as f:
        if "appeals" not in f:
            return pd.DataFrame(columns=["replication", "date", "centre", "area", "donated_units", "brought_in_units"])
    return _table(path, "appeals")


def load_differences(path) -> pd.DataFrame:
    """The /differences table of a comparison file (compare -o writes
    STEM-comparison.h5): one row per alternative, part and KPI."""
    return _table(path, "differences")


def load_areas(path) -> pd.DataFrame:
    """One row per area in file order: name, parent (row index, -1 at the top),
    parent_name, depth (0 at the top)."""
    areas = _table(path, "areas")
    names = areas["name"].tolist()
    areas["parent_name"] = [names[p] if p >= 0 else "" for p in areas["parent"]]
    return areas


def _table(path, name: str) -> pd.DataFrame:
    with h5py.File(path, "r") as f:
        records = f[name][()]
    frame = pd.DataFrame.from_records(records) if len(records) else pd.DataFrame(columns=records.dtype.names)
    for column in frame.columns:  # h5py gives variable-length strings in tables as bytes
        if frame[column].dtype == object:
            frame[column] = [v.decode("utf-8") if isinstance(v, bytes) else v for v in frame[column]]
    return frame


def metadata(path) -> dict:
    """The root attributes: giotmau_version, git_commit, scenario_sha256, seed,
    replications, start_date, end_date, tick_unit, created_utc."""
    with h5py.File(path, "r") as f:
        return {k: (v.item() if isinstance(v, np.generic) else v) for k, v in f.attrs.items()}


# ------------------------------------------------------------------ the scenario

def scenario_text(path) -> str:
    with h5py.File(path, "r") as f:
        return f["scenario"].asstr()[()]


def load_scenario(path) -> dict:
    """The resolved scenario (TOML) stored in the file, parsed."""
    return tomllib.loads(scenario_text(path))


def as_date(value) -> dt.date:
    """A TOML date or a "YYYY-MM-DD" string (the format allows both)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def tet_window(scenario: dict) -> tuple[dt.date, dt.date] | None:
    """First and last day of the Tết window (season.tet ± tet_days_before/after)."""
    season = scenario.get("season", {})
    if "tet" not in season:
        return None
    tet = as_date(season["tet"])
    return (tet - dt.timedelta(days=season.get("tet_days_before", 10)),
            tet + dt.timedelta(days=season.get("tet_days_after", 10)))


def campaigns(scenario: dict) -> list[dict]:
    """Campaign windows: name, display_name (the name when the scenario gives
    none), start, end (dates), areas ([] = everywhere)."""
    return [{"name": c["name"], "display_name": c.get("display_name") or c["name"], "start": as_date(c["start"]),
             "end": as_date(c["end"]), "areas": list(c.get("areas", []))} for c in scenario.get("campaign", [])]


def surges(scenario: dict) -> list[dict]:
    """Demand surge windows ([[demand.surge]], e.g. a dengue season): name,
    start, end (dates), factor, products and areas ([] = all)."""
    return [{"name": s["name"], "start": as_date(s["start"]), "end": as_date(s["end"]),
             "factor": float(s.get("factor", 1.0)), "products": list(s.get("products", [])),
             "areas": list(s.get("areas", []))} for s in scenario.get("demand", {}).get("surge", [])]


# ------------------------------------------------------------------ the area tree

def ancestors(areas: pd.DataFrame, name: str) -> list[str]:
    """`name` and every area above it, nearest first."""
    index = {n: i for i, n in enumerate(areas["name"])}
    chain, row = [], index[name]
    while row >= 0:
        chain.append(areas["name"].iat[row])
        row = int(areas["parent"].iat[row])
    return chain


def subtree(areas: pd.DataFrame, root: str) -> list[str]:
    """`root` and every area below it."""
    return [n for n in areas["name"] if root in ancestors(areas, n)]


def province_depth(areas: pd.DataFrame) -> int:
    """Provinces are the areas one level below the regions when there are
    regions (region -> province -> district), else the top areas."""
    return 1 if (areas["depth"] >= 1).any() else 0


def provinces(areas: pd.DataFrame) -> list[str]:
    depth = province_depth(areas)
    return areas.loc[areas["depth"] == depth, "name"].tolist()


def province_of(areas: pd.DataFrame) -> dict[str, str]:
    """Each area's province (itself, or its ancestor at province depth); areas
    above province level (regions) are left out."""
    depth = province_depth(areas)
    result = {}
    for name, d in zip(areas["name"], areas["depth"]):
        if d >= depth:
            result[name] = ancestors(areas, name)[d - depth]
    return result


def campaign_covers(campaign: dict, areas: pd.DataFrame, name: str) -> bool:
    """Whether a campaign reaches `name`: it runs everywhere, in `name` or an
    area above it, or in some area below it."""
    if not campaign["areas"]:
        return True
    above = set(ancestors(areas, name))
    below = set(subtree(areas, name))
    return any(a in above or a in below for a in campaign["areas"])


def shade_windows(ax, scenario: dict, areas: pd.DataFrame, area: str | None, first, last) -> None:
    """Shades the Tết window and the campaign windows reaching `area` (None:
    any campaign) that overlap [first, last] on a matplotlib date axis."""
    first, last = pd.Timestamp(first), pd.Timestamp(last)
    windows = []
    tet = tet_window(scenario)
    if tet is not None:
        windows.append(("Tết", tet, ("#d62728", ""), 0.15))
    # Colours the data lines (matplotlib's tab10 cycle) never use, and a hatch
    # each, so that no two windows and no window and line look alike.
    # Each campaign's by its place in the scenario: the same in every panel.
    styles = list(zip(WINDOW_COLOURS, WINDOW_HATCHES))
    for i, c in enumerate(campaigns(scenario)):
        if area is None or campaign_covers(c, areas, area):
            windows.append((c["name"], (c["start"], c["end"]), styles[i % len(styles)], 0.22))
    for label, (start, end), colour, alpha in windows:
        # Windows are whole days: shade to the end of the last one.
        start, end = pd.Timestamp(start), pd.Timestamp(end) + pd.Timedelta(days=1)
        if end < first or start > last:
            continue
        colour, hatch = colour
        ax.axvspan(max(start, first), min(end, last + pd.Timedelta(days=1)), facecolor=colour, alpha=alpha,
                   label=label, lw=0, hatch=hatch, edgecolor=colour)


def month_labels(months: Iterable[pd.Period]) -> list[str]:
    return [m.strftime("%b %Y") for m in months]
