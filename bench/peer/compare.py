#!/usr/bin/python3
"""Runs the peer benchmark's two sides (bench/peer/README.md) for several seeds
and prints their KPIs side by side, with the difference in standard errors, and
the days each simulates per CPU second.

    /usr/bin/python3 bench/peer/compare.py [--giotmau build/bin/giotmau_peer] [--seeds 5]

Run from the repository root. Exit status 1 if a KPI differs by more than 4
standard errors of the difference (the two would then not be the same system).
"""
import argparse
import math
import statistics
import subprocess
import sys

KPIS = ["collected_per_day", "requested_per_day", "issued_per_day", "shortage_per_day", "outdated_per_day",
        "mean_stock_units", "mean_age_at_issue_days"]


def run(command):
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in out.splitlines() if ":" in line)}


def mean_se(values):
    m = statistics.fmean(values)
    se = statistics.stdev(values) / math.sqrt(len(values)) if len(values) > 1 else float("nan")
    return m, se


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--giotmau", default="build/bin/giotmau_peer")
    parser.add_argument("--simpy", default="bench/peer/simpy_model.py")
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    g_runs, s_runs = [], []
    for seed in range(1, args.seeds + 1):  # alternating, so that a drift in machine speed hits both
        g_runs.append(run([args.giotmau, "--seed", str(seed)]))
        s_runs.append(run(["/usr/bin/python3", args.simpy, "--seed", str(seed)]))
    days = g_runs[0]["days"]
    print(f"peer benchmark: {days} days, {args.seeds} seeds each; mean +- standard error over seeds")
    print(f"{'KPI':<24} {'giotmau':>20} {'SimPy':>20} {'diff/SE':>8}")
    worst = 0.0
    for kpi in KPIS:
        gm, gse = mean_se([float(r[kpi]) for r in g_runs])
        sm, sse = mean_se([float(r[kpi]) for r in s_runs])
        se = math.hypot(gse, sse)
        z = (gm - sm) / se if se > 0 else (0.0 if gm == sm else math.inf)
        worst = max(worst, abs(z))
        print(f"{kpi:<24} {gm:>12.3f} +- {gse:<5.3f} {sm:>12.3f} +- {sse:<5.3f} {z:>8.2f}")
    g_speed = statistics.median(float(r["days_per_cpu_second"]) for r in g_runs)
    s_speed = statistics.median(float(r["days_per_cpu_second"]) for r in s_runs)
    print(f"{'days per CPU second':<24} {g_speed:>20.0f} {s_speed:>20.0f}")
    print(f"giotmau / SimPy: {g_speed / s_speed:.1f}x (median over seeds)")
    if worst > 4.0:
        print(f"KPIs disagree: {worst:.1f} standard errors", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
