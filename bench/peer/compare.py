#!/usr/bin/python3
"""Runs the peer benchmark's two sides (bench/peer/README.md) for several seeds
and prints their KPIs side by side, with the difference in standard errors, and
the days each simulates per CPU second.

    /usr/bin/python3 bench/peer/compare.py [--giotmau build/bin/giotmau_peer] [--seeds 5] [--repeats 3]

Run from the repository root. Each seed is run --repeats times by each side,
alternating; a side's speed on a seed is the median of its repeats (giotmau's
run takes about 20 ms, so one unlucky slice of a shared machine would
otherwise move the ratio), and its KPIs must be the same in every repeat (a
seed gives the same results every time). Exit status 1 if a KPI differs by
more than 4 standard errors of the difference (the two would then not be the
same system), or if a repeat's KPIs differ.
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
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    g_runs, s_runs = [], []
    for seed in range(1, args.seeds + 1):
        g_seed, s_seed = [], []
        for _ in range(max(1, args.repeats)):  # alternating, so that a drift in machine speed hits both
            g_seed.append(run([args.giotmau, "--seed", str(seed)]))
            s_seed.append(run(["/usr/bin/python3", args.simpy, "--seed", str(seed)]))
        for tool, seed_runs in (("giotmau", g_seed), ("SimPy", s_seed)):
            if any(r[k] != seed_runs[0][k] for r in seed_runs for k in KPIS):
                print(f"{tool} gave different KPIs for seed {seed} in its repeats", file=sys.stderr)
                return 1
        g_runs.append(dict(g_seed[0], days_per_cpu_second=statistics.median(float(r["days_per_cpu_second"]) for r in g_seed)))
        s_runs.append(dict(s_seed[0], days_per_cpu_second=statistics.median(float(r["days_per_cpu_second"]) for r in s_seed)))
    days = g_runs[0]["days"]
    print(f"peer benchmark: {days} days, {args.seeds} seeds each, speed the median of {max(1, args.repeats)} repeats;"
          " mean +- standard error over seeds")
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
    ratios = [float(g["days_per_cpu_second"]) / float(r["days_per_cpu_second"]) for g, r in zip(g_runs, s_runs)]
    print(f"giotmau / SimPy: {g_speed / s_speed:.1f}x (median over seeds; seed by seed {min(ratios):.1f}x to {max(ratios):.1f}x)")
    if worst > 4.0:
        print(f"KPIs disagree: {worst:.1f} standard errors", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
