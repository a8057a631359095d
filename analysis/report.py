#!/usr/bin/python3
"""One self-contained HTML report from giotmau results files.

    /usr/bin/python3 analysis/report.py RESULTS.h5 [MORE.h5 ...] -o report.html [--lang vi|en] [--force]

`giotmau report` runs this script; use that. The files are results files
(`giotmau run -o`, `giotmau compare -o`: /daily, /areas, /drives, ...) and at
most one comparison file (`compare -o` writes STEM-comparison.h5). The page
holds everything: the charts (plotly, its JavaScript inlined once), the data
behind them and the tables; it requests nothing from the network.

Exit codes: 0 written, 2 bad input (a file that is not a giotmau results or
comparison file, an existing output without --force, a missing directory).
"""
from __future__ import annotations

import argparse
import datetime as dt
import html
import os
import pathlib
import sys
import tempfile

import h5py
import numpy as np
import pandas as pd

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import giotmau_results as gr  # noqa: E402

try:
    import plotly.graph_objects as go
    import plotly.offline
    from plotly.subplots import make_subplots
except ImportError:  # pragma: no cover - scripts/setup.sh installs python3-plotly
    sys.exit("report: needs Debian's python3-plotly (scripts/setup.sh installs it)")

BAD_INPUT = 2

# Stock status bands when the scenario sets none ([stock_status] low_days,
# critical_days): below the appeal threshold appeals go out (critical); below
# twice that, stock is low.
DEFAULT_LOW_FACTOR = 2.0

# Colours: one per line, never shared by two windows (Tết is red).
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
           "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173"]
WINDOW_COLOURS = ["#2ca02c", "#9467bd", "#17becf", "#bcbd22", "#8c564b", "#e377c2", "#393b79", "#637939",
                  "#8c6d31", "#7b4173", "#3182bd", "#e6550d"]
TET_COLOUR = "#d62728"
BAND_COLOURS = {"critical": "rgba(214,39,40,0.13)", "low": "rgba(255,187,0,0.16)", "normal": "rgba(44,160,44,0.07)"}

TEXT = {
    "vi": {
        "title": "Báo cáo mô phỏng hiến máu",
        "comparison_title": "So sánh phương án",
        "lang": "vi",
        "provenance": "Nguồn gốc",
        "scenario": "Kịch bản",
        "sha": "SHA-256",
        "seed": "Hạt giống",
        "replications": "Số lần lặp",
        "version": "Phiên bản giotmau",
        "period": "Thời kỳ",
        "file": "Tệp",
        "dos": "Số ngày dự trữ",
        "dos_note": "Tồn kho cuối ngày chia cho lượng phát trung bình mỗi ngày (trung bình các lần lặp). "
                    "Dải màu: bình thường / thấp / nguy cấp theo ngưỡng của kịch bản ({low} và {critical} ngày); "
                    "vùng tô: Tết, các chiến dịch và các đợt tăng nhu cầu (ví dụ sốt xuất huyết).",
        "red_cells": "Hồng cầu",
        "all_products": "mọi chế phẩm",
        "platelets": "Tiểu cầu",
        "national": "Toàn quốc",
        "days": "ngày",
        "normal": "Bình thường",
        "low": "Thấp",
        "critical": "Nguy cấp",
        "tet": "Tết",
        "shortage_map": "Thiếu máu theo tỉnh và tuần (đơn vị hồng cầu, trung bình các lần lặp)",
        "outdate_map": "Hết hạn theo tỉnh và tuần (đơn vị hồng cầu, trung bình các lần lặp)",
        "week": "Tuần bắt đầu",
        "province": "Tỉnh/thành",
        "units": "đơn vị",
        "collections": "Tiếp nhận so với kế hoạch",
        "by_month": "Theo tháng (toàn quốc)",
        "by_province": "Theo tỉnh/thành (cả kỳ)",
        "collected": "Tiếp nhận",
        "target": "Kế hoạch",
        "month": "Tháng",
        "differences": "Khác biệt so với phương án gốc",
        "diff_note": "Hiệu (phương án − gốc) ghép cặp theo lần lặp, khoảng tin cậy {level}. "
                     "Điểm đậm: có ý nghĩa thống kê.",
        "by_province_diff": "Theo tỉnh/thành",
        "by_month_diff": "Theo tháng",
        "ranking": "Xếp hạng",
        "rank": "Hạng",
        "objective": "Tiêu chí",
        "base": "gốc",
        "significant": "có ý nghĩa",
        "not_significant": "không có ý nghĩa",
        "appeals": "Lời kêu gọi hiến máu khẩn cấp",
        "appeals_note": "Mỗi lời kêu gọi của một trung tâm khi hồng cầu xuống dưới ngưỡng: số lần (trung bình "
                        "các lần lặp) và số đơn vị nó mang lại (ước tính: lượng hiến tại các buổi của trung tâm "
                        "trong thời gian lời kêu gọi còn tác dụng × (1 − 1/f), f là hệ số tăng tham gia hôm đó).",
        "no_appeals": "Không có lời kêu gọi nào.",
        "kpis": "Chỉ số chính",
        "kpi": "Chỉ số",
        "mean": "Trung bình",
        "ci": "KTC",
        "generated": "Tạo bởi giotmau report",
        "kpi_names": {
            "collected": "Tiếp nhận (đơn vị)",
            "shortage_units": "Thiếu (đơn vị)",
            "shortage_days": "Ngày thiếu",
            "outdated": "Hết hạn (đơn vị)",
            "fill_rate": "Tỷ lệ đáp ứng",
            "days_of_supply": "Ngày dự trữ",
            "outdate_rate": "Tỷ lệ hết hạn",
            "mean_age_at_issue_days": "Tuổi khi phát (ngày)",
            "appeals": "Lời kêu gọi",
            "target": "Kế hoạch",
            "platelet_fill_rate": "Tỷ lệ đáp ứng tiểu cầu",
            "platelet_shortage_units": "Thiếu tiểu cầu (đơn vị)",
        },
        "month_names": ["Th1", "Th2", "Th3", "Th4", "Th5", "Th6", "Th7", "Th8", "Th9", "Th10", "Th11", "Th12"],
        "day": "Ngày",
        "centre": "Trung tâm",
        "area": "Khu vực",
        "brought_in": "Tiếp nhận thêm",
        "count": "Số lần (trung bình)",
    },
    "en": {
        "title": "Blood donation simulation report",
        "comparison_title": "Comparison of strategies",
        "lang": "en",
        "provenance": "Provenance",
        "scenario": "Scenario",
        "sha": "SHA-256",
        "seed": "Seed",
        "replications": "Replications",
        "version": "giotmau version",
        "period": "Period",
        "file": "File",
        "dos": "Days of supply",
        "dos_note": "End-of-day stock over mean daily issues (mean over replications). Bands: normal / low / "
                    "critical at the scenario's thresholds ({low} and {critical} days); shaded: Tết, campaigns and demand surges (e.g. dengue).",
        "red_cells": "Red cells",
        "all_products": "all products",
        "platelets": "Platelets",
        "national": "National",
        "days": "days",
        "normal": "Normal",
        "low": "Low",
        "critical": "Critical",
        "tet": "Tết",
        "shortage_map": "Shortage by province and week (red-cell units, mean over replications)",
        "outdate_map": "Outdated by province and week (red-cell units, mean over replications)",
        "week": "Week starting",
        "province": "Province",
        "units": "units",
        "collections": "Collections against the plan",
        "by_month": "By month (national)",
        "by_province": "By province (whole period)",
        "collected": "Collected",
        "target": "Plan",
        "month": "Month",
        "differences": "Differences from the base",
        "diff_note": "Alternative − base, paired by replication, {level} confidence intervals. "
                     "Filled markers: significant.",
        "by_province_diff": "By province",
        "by_month_diff": "By month",
        "ranking": "Ranking",
        "rank": "Rank",
        "objective": "Objective",
        "base": "base",
        "significant": "significant",
        "not_significant": "not significant",
        "appeals": "Emergency appeals",
        "appeals_note": "Appeals a centre made when its red cells fell below the threshold: how many (mean over "
                        "replications) and the units they brought in (estimated: donations at the centre's sessions "
                        "while the appeal acted × (1 − 1/f), f its turnout factor that day).",
        "no_appeals": "No appeals went out.",
        "kpis": "Key figures",
        "kpi": "KPI",
        "mean": "Mean",
        "ci": "CI",
        "generated": "Made by giotmau report",
        "kpi_names": {
            "collected": "Collected (units)",
            "shortage_units": "Shortage (units)",
            "shortage_days": "Shortage days",
            "outdated": "Outdated (units)",
            "fill_rate": "Fill rate",
            "days_of_supply": "Days of supply",
            "outdate_rate": "Outdate rate",
            "mean_age_at_issue_days": "Age at issue (days)",
            "appeals": "Appeals",
            "target": "Target",
            "platelet_fill_rate": "Platelet fill rate",
            "platelet_shortage_units": "Platelet shortage (units)",
        },
        "month_names": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
        "day": "Day",
        "centre": "Centre",
        "area": "Area",
        "brought_in": "Brought in",
        "count": "Count (mean)",
    },
}
MONTHS_EN = TEXT["en"]["month_names"]
DIFF_KPIS = ["collected", "shortage_units", "shortage_days", "outdated", "fill_rate", "days_of_supply",
             "platelet_shortage_units"]


class BadInput(Exception):
    pass


# ------------------------------------------------------------------ reading

class Results:
    """One results file, reduced to what the report shows (means over replications)."""

    def __init__(self, path: pathlib.Path):
        self.path = path
        self.meta = gr.metadata(path)
        self.scenario = gr.load_scenario(path)
        self.name = self.scenario.get("name", path.stem)
        self.areas = gr.load_areas(path)
        names = self.areas["name"].tolist()
        shown = self.areas["display_name"] if "display_name" in self.areas else self.areas["name"]
        self.display = {n: d for n, d in zip(names, shown) if d}
        self.provinces = gr.provinces(self.areas)
        self.regions = self.areas.loc[self.areas["depth"] == 0, "name"].tolist()
        with gr.open_daily(path) as ds:
            self.dates = pd.to_datetime(ds["date"].values)
            products = list(ds["product"].values)
            red, plt = products.index("red_cells"), products.index("platelets")
            groups_sum = lambda name: ds[name].sum("group").mean("replication").values  # noqa: E731
            on_hand = groups_sum("on_hand")    # date, area, product
            issued = groups_sum("issued")
            self.shortage = groups_sum("shortage")[:, :, red]
            self.outdated = groups_sum("outdated")[:, :, red]
            self.collected = ds["collected"].sum("group").mean("replication").values  # date, area
            self.stock = {"red_cells": on_hand[:, :, red], "platelets": on_hand[:, :, plt]}
            self.issued = {"red_cells": issued[:, :, red], "platelets": issued[:, :, plt]}
        self.members = {n: [names.index(m) for m in gr.subtree(self.areas, n)] for n in names}
        self.drives = gr.load_drives(path)
        self.appeals = _appeals(path)

    def label(self, area: str) -> str:
        return self.display.get(area, area)

    def total(self, array: np.ndarray, area: str | None) -> np.ndarray:
        """array (date, area[, ...]) summed over `area` and everything below it (None: all)."""
        if area is None:
            return array.sum(axis=1)
        return array[:, self.members[area]].sum(axis=1)

    def days_of_supply(self, product: str, area: str | None) -> np.ndarray:
        stock = self.total(self.stock[product], area)
        issues = self.total(self.issued[product], area).mean()
        return stock / issues if issues > 0 else np.full(len(stock), np.nan)

    def targets_by_month_and_area(self) -> pd.DataFrame:
        """Each drive's target spread evenly over the days from its first to its
        last session (as analysis/plot_collections.py), by month and leaf area."""
        drives = self.drives[self.drives["replication"] == self.drives["replication"].min()]
        rows = []
        for d in drives.itertuples():
            days = pd.date_range(d.first_date, d.last_date, freq="D")
            if len(days) == 0 or d.target == 0:
                continue
            per_day = d.target / len(days)
            for month, n in pd.Series(days.month).value_counts().items():
                rows.append((d.area, month - 1, per_day * n))
        return pd.DataFrame(rows, columns=["area", "month", "target"])


def _appeals(path) -> pd.DataFrame:
    return gr.load_appeals(path)


def read_comparison(path: pathlib.Path) -> dict:
    with h5py.File(path, "r") as f:
        strings = lambda name: [s.decode() if isinstance(s, bytes) else s for s in f[name][()]]  # noqa: E731
        c = {
            "scenarios": strings("scenarios"),
            "ranking": strings("ranking"),
            "objective": f.attrs["objective"],
            "confidence": float(f.attrs["confidence"]),
            "replications": int(f.attrs["replications"]),
            "version": f.attrs["giotmau_version"],
        }
    table = gr.load_differences(path)
    c["table"] = table
    return c


def classify(paths: list[pathlib.Path]) -> tuple[list[pathlib.Path], pathlib.Path | None]:
    results, comparison = [], None
    for p in paths:
        if not p.is_file():
            raise BadInput(f"{p}: no such file")
        try:
            with h5py.File(p, "r") as f:
                kind = f.attrs.get("kind", "")
                is_results = "daily" in f and "scenario" in f
        except OSError as e:
            raise BadInput(f"{p}: not an HDF5 file ({e})") from None
        if kind == "comparison":
            if comparison is not None:
                raise BadInput(f"{p}: a second comparison file (one report shows one comparison)")
            comparison = p
        elif is_results:
            results.append(p)
        else:
            raise BadInput(f"{p}: not a giotmau results file (no /daily and /scenario) nor a comparison file")
    if not results:
        raise BadInput("no results file given (giotmau run -o or compare -o writes them)")
    return results, comparison


# ------------------------------------------------------------------ charts

def window_shapes(fig, res: Results, t: dict, rows: int, first, last):
    """Tết, campaign and demand-surge windows as shaded rectangles on every row, each in its own colour."""
    windows = []
    tet = gr.tet_window(res.scenario)
    if tet:
        windows.append((t["tet"], tet[0], tet[1], TET_COLOUR))
    for i, c in enumerate(gr.campaigns(res.scenario)):
        windows.append((c.get("display_name") or c["name"], c["start"], c["end"], WINDOW_COLOURS[i % len(WINDOW_COLOURS)]))
    campaigns = len(windows)
    for i, s in enumerate(gr.surges(res.scenario)):
        what = ", ".join(t.get(p, p).lower() for p in s["products"]) or t["all_products"]
        windows.append((f"{s['name']} ({what} ×{s['factor']:g})", s["start"], s["end"],
                        WINDOW_COLOURS[(campaigns + i) % len(WINDOW_COLOURS)]))
    for label, start, end, colour in windows:
        start, end = pd.Timestamp(start), pd.Timestamp(end) + pd.Timedelta(days=1)
        if end < first or start > last:
            continue
        start, end = max(start, first), min(end, last + pd.Timedelta(days=1))  # not past the data
        for row in range(1, rows + 1):
            fig.add_vrect(x0=start, x1=end, fillcolor=colour, opacity=0.13, line_width=0, row=row, col=1)
        # One legend entry per window (a line in its colour, legend only).
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", marker=dict(size=12, color=colour, symbol="square",
                                                                                  opacity=0.5),
                                 name=f"{label}", legendgroup="windows", showlegend=True), row=1, col=1)


def stock_thresholds(scenario: dict) -> tuple[float, float]:
    status = scenario.get("stock_status", {})
    appeal = scenario.get("appeals", {}).get("threshold_days", 2.0)
    critical = float(status.get("critical_days", 0)) or float(appeal)
    low = float(status.get("low_days", 0)) or DEFAULT_LOW_FACTOR * critical
    return low, critical


def days_of_supply_chart(res: Results, t: dict) -> go.Figure:
    low, critical = stock_thresholds(res.scenario)
    products = [("red_cells", t["red_cells"]), ("platelets", t["platelets"])]
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        subplot_titles=[name for _, name in products])
    areas = [None] + (res.regions if len(res.regions) > 1 else [])
    top = 0.0
    for row, (product, _) in enumerate(products, start=1):
        for i, area in enumerate(areas):
            y = res.days_of_supply(product, area)
            top = max(top, float(np.nanmax(y)) if np.isfinite(y).any() else 0)
            name = t["national"] if area is None else res.label(area)
            fig.add_trace(go.Scatter(x=res.dates, y=np.round(y, 2), name=name, legendgroup=name, showlegend=row == 1,
                                     line=dict(color=PALETTE[i % len(PALETTE)], width=2.5 if area is None else 1.4),
                                     hovertemplate="%{x|%Y-%m-%d}: %{y:.1f} " + t["days"] + f"<extra>{html.escape(name)}</extra>"),
                          row=row, col=1)
    ceiling = max(top * 1.05, low * 1.5)
    for row in (1, 2):
        for band, y0, y1 in (("critical", 0, critical), ("low", critical, low), ("normal", low, ceiling)):
            fig.add_hrect(y0=y0, y1=y1, fillcolor=BAND_COLOURS[band], line_width=0, layer="below", row=row, col=1)
        fig.update_yaxes(title_text=t["days"], range=[0, ceiling], row=row, col=1)
    for band in ("normal", "low", "critical"):
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=t[band], legendgroup="bands",
                                 marker=dict(size=12, symbol="square", color=BAND_COLOURS[band].replace("0.13", "0.5")
                                             .replace("0.16", "0.5").replace("0.07", "0.4"))), row=1, col=1)
    window_shapes(fig, res, t, 2, res.dates[0], res.dates[-1])
    fig.update_layout(height=640, legend=dict(orientation="v", x=1.01, y=1), margin=dict(l=60, r=20, t=40, b=40),
                      hovermode="x unified")
    return fig


def weekly(res: Results, array: np.ndarray) -> tuple[list[str], list[str], np.ndarray]:
    """Province x week sums of a (date, area) array."""
    weeks = pd.Series(res.dates).dt.to_period("W-SUN").dt.start_time
    frame = pd.DataFrame({p: res.total(array, p) for p in res.provinces})
    frame["week"] = weeks.values
    sums = frame.groupby("week").sum()
    labels = [res.label(p) for p in res.provinces]
    return [d.strftime("%Y-%m-%d") for d in sums.index], labels, sums.T.values


def heat_map(res: Results, array: np.ndarray, t: dict, colours: str) -> go.Figure:
    weeks, provinces, z = weekly(res, array)
    fig = go.Figure(go.Heatmap(x=weeks, y=provinces, z=np.round(z, 1), colorscale=colours,
                               colorbar=dict(title=t["units"]),
                               hovertemplate="%{y}<br>" + t["week"] + " %{x}: %{z:.1f} " + t["units"] + "<extra></extra>"))
    fig.update_layout(height=max(320, 22 * len(provinces) + 120), margin=dict(l=150, r=20, t=20, b=60),
                      xaxis=dict(title=t["week"]), yaxis=dict(autorange="reversed", tickfont=dict(size=11)))
    return fig


def collections_chart(res: Results, t: dict) -> go.Figure:
    months = pd.Series(res.dates).dt.month.values - 1
    collected = res.total(res.collected, None)
    by_month = np.array([collected[months == m].sum() for m in range(12)])
    targets = res.targets_by_month_and_area()
    target_month = np.array([targets.loc[targets["month"] == m, "target"].sum() for m in range(12)])
    province_of = gr.province_of(res.areas)
    targets["province"] = targets["area"].map(province_of)
    prov_collected = [float(res.total(res.collected, p).sum()) for p in res.provinces]
    prov_target = [float(targets.loc[targets["province"] == p, "target"].sum()) for p in res.provinces]
    labels = [res.label(p) for p in res.provinces]
    fig = make_subplots(rows=1, cols=2, column_widths=[0.45, 0.55], horizontal_spacing=0.12,
                        subplot_titles=[t["by_month"], t["by_province"]])
    names = t["month_names"]
    fig.add_trace(go.Bar(x=names, y=by_month, name=t["collected"], marker_color=PALETTE[0], legendgroup="c",
                         hovertemplate="%{x}: %{y:,.0f}<extra>" + t["collected"] + "</extra>"), row=1, col=1)
    fig.add_trace(go.Scatter(x=names, y=np.round(target_month), name=t["target"], mode="lines+markers",
                             marker_color=PALETTE[1], legendgroup="t",
                             hovertemplate="%{x}: %{y:,.0f}<extra>" + t["target"] + "</extra>"), row=1, col=1)
    order = np.argsort(prov_collected)
    fig.add_trace(go.Bar(y=[labels[i] for i in order], x=[prov_collected[i] for i in order], orientation="h",
                         name=t["collected"], marker_color=PALETTE[0], legendgroup="c", showlegend=False,
                         hovertemplate="%{y}: %{x:,.0f}<extra>" + t["collected"] + "</extra>"), row=1, col=2)
    fig.add_trace(go.Scatter(y=[labels[i] for i in order], x=[round(prov_target[i]) for i in order], mode="markers",
                             name=t["target"], marker=dict(color=PALETTE[1], symbol="line-ns-open", size=14,
                                                           line=dict(width=3)),
                             legendgroup="t", showlegend=False,
                             hovertemplate="%{y}: %{x:,.0f}<extra>" + t["target"] + "</extra>"), row=1, col=2)
    fig.update_layout(height=max(420, 20 * len(labels) + 140), margin=dict(l=60, r=20, t=40, b=40),
                      legend=dict(orientation="h", y=1.08, x=0))
    fig.update_yaxes(tickfont=dict(size=11), row=1, col=2)
    return fig


def difference_chart(table: pd.DataFrame, breakdown: str, scenario: str, t: dict, labels: dict) -> go.Figure:
    rows = table[(table["breakdown"] == breakdown) & (table["scenario"] == scenario)]
    kpis = [k for k in DIFF_KPIS if k in set(rows["kpi"])]
    fig = make_subplots(rows=1, cols=len(kpis), shared_yaxes=True, horizontal_spacing=0.02,
                        subplot_titles=[t["kpi_names"][k] for k in kpis])
    parts = list(dict.fromkeys(rows["part"]))
    shown = [labels.get(p, p) for p in parts]
    for col, k in enumerate(kpis, start=1):
        r = rows[rows["kpi"] == k].set_index("part").reindex(parts)
        diff, lo, hi = r["difference"].values, r["ci_low"].values, r["ci_high"].values
        sig = r["significant"].values.astype(bool)
        colour = ["#d62728" if s and d * _better(k) < 0 else "#2ca02c" if s else "#9e9e9e" for d, s in zip(diff, sig)]
        fig.add_trace(go.Scatter(
            x=diff, y=shown, mode="markers", showlegend=False,
            marker=dict(color=colour, size=9, symbol=["circle" if s else "circle-open" for s in sig]),
            error_x=dict(type="data", symmetric=False, array=np.nan_to_num(hi - diff), arrayminus=np.nan_to_num(diff - lo),
                         color="#888", thickness=1.2),
            customdata=np.stack([lo, hi], axis=-1),
            hovertemplate="%{y}: %{x:.4g} [%{customdata[0]:.4g}, %{customdata[1]:.4g}]<extra>"
                          + t["kpi_names"][k] + "</extra>"), row=1, col=col)
        fig.add_vline(x=0, line=dict(color="#444", width=1), row=1, col=col)
    fig.update_yaxes(autorange="reversed", tickfont=dict(size=11))
    fig.update_xaxes(tickfont=dict(size=10), nticks=4)
    fig.update_layout(height=max(300, 20 * len(parts) + 120), margin=dict(l=150, r=20, t=50, b=30))
    fig.update_annotations(font_size=12)
    return fig


def _better(kpi: str) -> int:
    return {"collected": 1, "fill_rate": 1, "shortage_units": -1, "shortage_days": -1, "outdated": -1,
            "outdate_rate": -1, "appeals": -1, "platelet_fill_rate": 1, "platelet_shortage_units": -1}.get(kpi, 0)


# ------------------------------------------------------------------ page

def table_html(header: list[str], rows: list[list[str]], cls: str = "") -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def provenance(results: list[Results], t: dict) -> str:
    rows = []
    for r in results:
        m = r.meta
        rows.append([html.escape(r.name), f"<code>{html.escape(str(m.get('scenario_sha256', '')))}</code>",
                     html.escape(str(m.get("seed", ""))), html.escape(str(m.get("replications", ""))),
                     html.escape(f"{m.get('giotmau_version', '')} ({m.get('git_commit', '')})"),
                     html.escape(f"{m.get('start_date', '')} … {m.get('end_date', '')}"),
                     html.escape(r.path.name)])
    return table_html([t["scenario"], t["sha"], t["seed"], t["replications"], t["version"], t["period"], t["file"]],
                      rows, "provenance")


def appeals_section(res: Results, t: dict) -> str:
    if res.appeals is None or res.appeals.empty:
        return f"<p>{t['no_appeals']}</p>"
    a = res.appeals
    reps = max(1, int(res.meta.get("replications", 1)))
    summary = (a.groupby(["area", "centre"]).agg(count=("date", "size"), brought_in=("brought_in_units", "sum"))
               .reset_index().sort_values("count", ascending=False))
    rows = [[html.escape(res.label(r.area)), html.escape(r.centre), f"{r.count / reps:.1f}",
             f"{r.brought_in / reps:,.0f}"] for r in summary.itertuples()]
    return (f"<p class='note'>{t['appeals_note']}</p>"
            + table_html([t["area"], t["centre"], t["count"], t["brought_in"]], rows, "numbers"))


def appeals_chart(res: Results, t: dict) -> go.Figure | None:
    """Every appeal of replication 0 on a time line, one row per centre; marker size: units brought in."""
    if res.appeals is None or res.appeals.empty:
        return None
    a = res.appeals[res.appeals["replication"] == res.appeals["replication"].min()]
    if a.empty:
        return None
    size = 6 + 18 * np.sqrt(a["brought_in_units"] / max(1.0, a["brought_in_units"].max()))
    fig = go.Figure(go.Scatter(
        x=pd.to_datetime(a["date"]), y=a["centre"], mode="markers",
        marker=dict(size=size, color=TET_COLOUR, opacity=0.7, line=dict(width=1, color="#700")),
        customdata=np.stack([a["area"].map(res.label), a["brought_in_units"].round(0), a["donated_units"]], axis=-1),
        hovertemplate="%{x|%Y-%m-%d} %{y} (%{customdata[0]})<br>" + t["brought_in"]
                      + ": %{customdata[1]:,.0f} / %{customdata[2]:,}<extra></extra>"))
    fig.update_layout(height=max(260, 22 * a["centre"].nunique() + 120), margin=dict(l=220, r=20, t=20, b=40),
                      yaxis=dict(tickfont=dict(size=11)))
    return fig


def kpi_table(results: list[Results], t: dict) -> str:
    header = [t["kpi"]] + [r.name for r in results]
    rows = []
    kpis = {}
    for r in results:
        k = gr.load_kpi(r.path)
        kpis[r.name] = k
    for name in ["collected", "target", "fill_rate", "shortage_units", "shortage_days", "outdated", "outdate_rate",
                 "days_of_supply", "mean_age_at_issue_days", "appeals", "platelet_fill_rate", "platelet_shortage_units"]:
        if not all(name in k for k in kpis.values()):
            continue
        cells = []
        for r in results:
            v = kpis[r.name][name].astype(float)
            cells.append(fmt(name, v.mean()))
        rows.append([html.escape(t["kpi_names"].get(name, name))] + cells)
    return table_html(header, rows, "numbers")


def fmt(kpi: str, v: float, sign: bool = False) -> str:
    """A KPI's value as people read it: units grouped by thousands, rates to 4 places."""
    if v is None or not np.isfinite(v):
        return "–"
    if "rate" in kpi:
        text = f"{v:+.4f}" if sign else f"{v:.4f}"
        return text if abs(v) >= 5e-5 or v == 0 else (f"{v:+.2e}" if sign else f"{v:.2e}")
    if kpi in ("days_of_supply", "mean_age_at_issue_days"):
        return f"{v:+,.2f}" if sign else f"{v:,.2f}"
    return f"{v:+,.1f}" if sign else f"{v:,.1f}"


def ranking_table(comparison: dict, t: dict) -> str:
    table = comparison["table"]
    nat = table[table["breakdown"] == "national"]
    base = comparison["scenarios"][0]
    rows = []
    for place, name in enumerate(comparison["ranking"], start=1):
        cells = [str(place), html.escape(name + (f" ({t['base']})" if name == base else ""))]
        for k in DIFF_KPIS:
            r = nat[(nat["kpi"] == k)]
            if name == base:
                v = r["base_mean"].iloc[0] if len(r) else np.nan
                cells.append(fmt(k, v))
            else:
                r = r[r["scenario"] == name]
                if len(r) == 0:
                    cells.append("")
                    continue
                r = r.iloc[0]
                sig = "<b>" if r["significant"] else ""
                end = "</b>" if r["significant"] else ""
                cells.append(f"{fmt(k, r['alternative_mean'])}<br><small>{sig}{fmt(k, r['difference'], True)}{end}"
                             f" [{fmt(k, r['ci_low'], True)}, {fmt(k, r['ci_high'], True)}]</small>")
        rows.append(cells)
    return (f"<p>{t['objective']}: {html.escape(comparison['objective'])}</p>"
            + table_html([t["rank"], t["scenario"]] + [t["kpi_names"][k] for k in DIFF_KPIS], rows, "numbers"))


CSS = """
body{font-family:"Noto Sans","DejaVu Sans",Arial,sans-serif;margin:0 auto;max-width:1400px;padding:16px 28px;color:#222}
h1{font-size:1.7em;margin-bottom:0.2em} h2{margin-top:1.6em;border-bottom:2px solid #c62828;padding-bottom:4px}
h3{margin-bottom:0.2em} p.note{color:#555;font-size:0.92em;margin-top:0.2em}
table{border-collapse:collapse;margin:8px 0;font-size:0.9em} th,td{padding:4px 10px;border-bottom:1px solid #ddd}
th{background:#f4f4f4;text-align:left} table.numbers td+td{text-align:right;font-variant-numeric:tabular-nums}
table.provenance code{font-size:0.8em;word-break:break-all} .chart{min-height:200px}
footer{color:#777;font-size:0.8em;margin-top:2em}
"""


def figure_div(fig: go.Figure, div_id: str) -> str:
    fig.update_layout(template="plotly_white", font=dict(family="Noto Sans, DejaVu Sans, Arial, sans-serif"))
    return ('<div class="chart">' + fig.to_html(full_html=False, include_plotlyjs=False,
                                                config={"displaylogo": False, "responsive": True})
            + "</div>")


def build_page(results: list[Results], comparison: dict | None, lang: str) -> str:
    t = TEXT[lang]
    title = t["comparison_title"] if comparison else t["title"]
    subtitle = " · ".join(r.name for r in results)
    parts = [f"<h1>{html.escape(title)}</h1><p>{html.escape(subtitle)}</p>",
             f"<h2>{t['provenance']}</h2>", provenance(results, t),
             f"<h2>{t['kpis']}</h2>", kpi_table(results, t)]
    n = 0
    if comparison:
        labels = {}
        for r in results:
            labels.update(r.display)
        labels.update({m: t["month_names"][i] for i, m in enumerate(MONTHS_EN)})
        level = f"{100 * comparison['confidence']:g}%"
        parts += [f"<h2>{t['ranking']}</h2>", ranking_table(comparison, t),
                  f"<h2>{t['differences']}</h2>", f"<p class='note'>{t['diff_note'].format(level=level)}</p>"]
        for alt in comparison["scenarios"][1:]:
            parts.append(f"<h3>{html.escape(alt)} − {html.escape(comparison['scenarios'][0])}: {t['by_province_diff']}</h3>")
            parts.append(figure_div(difference_chart(comparison["table"], "province", alt, t, labels), f"chart{n}"))
            n += 1
            parts.append(f"<h3>{html.escape(alt)} − {html.escape(comparison['scenarios'][0])}: {t['by_month_diff']}</h3>")
            parts.append(figure_div(difference_chart(comparison["table"], "month", alt, t, labels), f"chart{n}"))
            n += 1
    for r in results:
        low, critical = stock_thresholds(r.scenario)
        heading = f" — {html.escape(r.name)}" if len(results) > 1 else ""
        parts.append(f"<h2>{t['dos']}{heading}</h2>")
        parts.append(f"<p class='note'>{t['dos_note'].format(low=f'{low:g}', critical=f'{critical:g}')}</p>")
        parts.append(figure_div(days_of_supply_chart(r, t), f"chart{n}"))
        n += 1
        parts.append(f"<h2>{t['shortage_map']}{heading}</h2>")
        parts.append(figure_div(heat_map(r, r.shortage, t, "Reds"), f"chart{n}"))
        n += 1
        parts.append(f"<h2>{t['outdate_map']}{heading}</h2>")
        parts.append(figure_div(heat_map(r, r.outdated, t, "Purples"), f"chart{n}"))
        n += 1
        parts.append(f"<h2>{t['collections']}{heading}</h2>")
        parts.append(figure_div(collections_chart(r, t), f"chart{n}"))
        n += 1
        parts.append(f"<h2>{t['appeals']}{heading}</h2>")
        parts.append(appeals_section(r, t))
        chart = appeals_chart(r, t)
        if chart is not None:
            parts.append(figure_div(chart, f"chart{n}"))
            n += 1
    generated = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    body = "\n".join(parts) + f"<footer>{t['generated']} · {generated}</footer>"
    script = plotly.offline.get_plotlyjs()
    return (f'<!DOCTYPE html>\n<html lang="{t["lang"]}"><head><meta charset="utf-8">'
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{html.escape(title)}</title><style>{CSS}</style>"
            f'<script type="text/javascript">{script}</script></head><body>{body}</body></html>\n')


# ------------------------------------------------------------------ main

def check_destination(output: pathlib.Path, force: bool) -> None:
    if output.exists() and not force:
        raise BadInput(f"output file '{output}' exists; use --force to replace it")
    directory = output.parent if str(output.parent) else pathlib.Path(".")
    if not directory.is_dir():
        raise BadInput(f"output directory '{directory}' does not exist")


def write_atomically(output: pathlib.Path, text: str, force: bool) -> None:
    directory = output.parent if str(output.parent) else pathlib.Path(".")
    fd, temporary = tempfile.mkstemp(prefix=output.name + ".tmp-", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes it private; a report is for handing round
        if not force and output.exists():
            raise BadInput(f"output file '{output}' appeared while the report was made; nothing replaced")
        os.replace(temporary, output)
    except BaseException:
        pathlib.Path(temporary).unlink(missing_ok=True)
        raise


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="giotmau report", description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=pathlib.Path, help="results files and at most one comparison file")
    parser.add_argument("-o", "--output", type=pathlib.Path, required=True, help="the HTML file to write")
    parser.add_argument("--lang", choices=["vi", "en"], default="vi", help="vi (default) or en")
    parser.add_argument("--force", action="store_true", help="replace an existing output file")
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return 0 if e.code == 0 else BAD_INPUT
    try:
        check_destination(args.output, args.force)
        result_paths, comparison_path = classify(args.files)
        results = [Results(p) for p in result_paths]
        comparison = read_comparison(comparison_path) if comparison_path else None
        if comparison:  # the base first, as compared
            order = {name: i for i, name in enumerate(comparison["scenarios"])}
            results.sort(key=lambda r: order.get(r.name, len(order)))
        page = build_page(results, comparison, args.lang)
        write_atomically(args.output, page, args.force)
    except BadInput as e:
        print(f"report: {e}", file=sys.stderr)
        return BAD_INPUT
    print(f"report: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
