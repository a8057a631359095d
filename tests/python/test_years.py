"""Runs over several years: `run -n` and `compare` report each civil year.

A two-year Hoàng Mai run (2025-2026), two replications, as text and JSON:
- the years' collected, outdated and shortage units add up to the whole run's,
  replication by replication's means (sums are exact in integers), and each
  year's months add up to the year;
- a plan that grows by half from 2025 to 2026 ([trend] plan_growth_per_year)
  leaves 2025 exactly as it was (common random numbers, the same sessions) and
  raises 2026's target by half and its collections;
- compare prints and writes the per-year differences: zero in 2025, the growth
  in 2026;
- size-targets' plan over the two years has year-qualified months (never a
  calendar month summed across years) and a row per year that is the sum of
  its months, in the CSV and the text.

usage: test_years.py GIOTMAU SCENARIOS_DIR WORK_DIR
"""

import csv
import json
import pathlib
import re
import subprocess
import sys

import h5py

GIOTMAU, SCENARIOS, WORK = sys.argv[1], pathlib.Path(sys.argv[2]).resolve(), pathlib.Path(sys.argv[3]).resolve()
WORK.mkdir(parents=True, exist_ok=True)
BASE = WORK / "two-years.toml"
GROWING = WORK / "two-years-growing.toml"
BASE.write_text(f'extends = "{SCENARIOS / "hoang-mai-2025.toml"}"\nname = "two-years"\nend = 2026-12-31\n')
GROWING.write_text(f'extends = "{BASE}"\nname = "two-years-growing"\n[trend]\nplan_growth_per_year = 0.5\n')
COUNTS = ("collected", "outdated", "shortage_units", "target")


def giotmau(*args):
    done = subprocess.run([GIOTMAU, *map(str, args)], capture_output=True, text=True)
    assert done.returncode == 0, f"giotmau {args}: exit {done.returncode}\n{done.stderr}"
    return done.stdout


def mean(kpis, name):
    return kpis[name]["mean"]


def check_years_add_up(run):
    years = run["years"]
    assert [y["year"] for y in years] == [2025, 2026], years
    assert (years[0]["first_date"], years[0]["last_date"]) == ("2025-01-01", "2025-12-31")
    assert (years[1]["first_date"], years[1]["last_date"]) == ("2026-01-01", "2026-12-31")
    for name in COUNTS:
        total = mean(run["national"], name)
        by_year = sum(mean(y["kpis"], name) for y in years)
        assert abs(by_year - total) < 1e-6 * max(1.0, total), (name, by_year, total)
        for y in years:
            assert len(y["months"]) == 12
            by_month = sum(mean(m["kpis"], name) for m in y["months"])
            assert abs(by_month - mean(y["kpis"], name)) < 1e-6 * max(1.0, by_month), (y["year"], name)
    assert mean(years[0]["kpis"], "collected") > 0 and mean(years[1]["kpis"], "collected") > 0
    # Every year's KPIs carry an interval (two replications).
    assert years[1]["kpis"]["collected"]["ci_low"] is not None


base = json.loads(giotmau("run", BASE, "-n", 2, "--format", "json"))
growing = json.loads(giotmau("run", GROWING, "-n", 2, "--format", "json"))
assert base["balanced"] and growing["balanced"]
check_years_add_up(base)
check_years_add_up(growing)

# The trend: 2025 untouched, 2026's plan half as large again, and more collected.
b25, b26 = (y["kpis"] for y in base["years"])
g25, g26 = (y["kpis"] for y in growing["years"])
for name in COUNTS:
    assert mean(g25, name) == mean(b25, name), (name, mean(g25, name), mean(b25, name))
assert abs(mean(g26, "target") / mean(b26, "target") - 1.5) < 0.01, (mean(g26, "target"), mean(b26, "target"))
assert mean(b26, "target") == mean(b25, "target")  # no trend: the same plan each year
assert mean(g26, "collected") > 1.1 * mean(b26, "collected"), (mean(g26, "collected"), mean(b26, "collected"))

# The text shows the same figures: the years table, with a total, and a month table per year.
text = giotmau("run", BASE, "-n", 2)
assert "years (national): mean ± half-width" in text, text
assert "months of 2025 (national)" in text and "months of 2026 (national)" in text, text
assert "\nmonths (national)" not in text, "calendar months summed over the years would mislead"
rows = {m.group(1): float(m.group(2)) for m in re.finditer(r"^(2025|2026|total) +([0-9.]+) ±", text, re.M)}
assert rows == {"2025": mean(b25, "collected"), "2026": mean(b26, "collected"),
                "total": mean(base["national"], "collected")}, rows

# A run within one year has no year rows.
one_year = json.loads(giotmau("run", SCENARIOS / "hoang-mai-2025.toml", "-n", 2, "--days", 60, "--format", "json"))
assert one_year["years"] == [], one_year["years"]

# compare: per-year differences in JSON, in the text and in the comparison file's rows.
cmp = json.loads(giotmau("compare", BASE, GROWING, "-n", 2, "--format", "json"))
alternative = cmp["scenarios"][1]
years = {y["year"]: y["kpis"] for y in alternative["years"]}
assert sorted(years) == [2025, 2026], alternative["years"]
assert years[2025]["collected"]["difference_from_base"]["mean"] == 0
assert years[2025]["target"]["difference_from_base"]["mean"] == 0
d26 = years[2026]["collected"]["difference_from_base"]
assert d26["mean"] == mean(g26, "collected") - mean(b26, "collected"), d26
assert d26["significant"] is True, d26
assert abs(years[2026]["target"]["difference_from_base"]["mean"] - 0.5 * mean(b26, "target")) < 0.01 * mean(b26, "target")

text = giotmau("compare", BASE, GROWING, "-n", 2, "-o", WORK / "cmp.h5", "--force")
with h5py.File(WORK / "cmp-comparison.h5", "r") as f:
    rows = f["differences"][:]
year_rows = {(r["part"].decode(), r["kpi"].decode()): r for r in rows if r["breakdown"].decode() == "year"}
assert year_rows[("2026", "collected")]["difference"] == d26["mean"], year_rows[("2026", "collected")]
assert year_rows[("2025", "collected")]["difference"] == 0
assert "  by year (difference ± half-width; * significant):" in text, text
row_2026 = re.search(r"^ +2026 +([+-][0-9.]+) ± [0-9.]+ \*", text, re.M)
assert row_2026 and float(row_2026.group(1)) == d26["mean"], text
assert re.search(r"^ +2025 +\+0\.0 ± 0\.0 ", text, re.M), text

# size-targets over the two years: the plan per year, by month of each year.
plan_csv = WORK / "plan.csv"
text = giotmau("size-targets", GROWING, "-n", 2, "--max-evaluations", 3, "-o", plan_csv, "--force")
with open(plan_csv, encoding="utf-8-sig", newline="") as f:
    plan = list(csv.DictReader(f))
months = [f"{y}-{m:02d}" for y in (2025, 2026) for m in range(1, 13)]
for level, area in {(r["level"], r["area"]) for r in plan}:
    rows = {r["month"]: int(r["period_target"]) for r in plan if r["level"] == level and r["area"] == area}
    assert sorted(rows) == sorted(months + ["2025", "2026", "period"]), sorted(rows)
    for y in (2025, 2026):
        assert rows[str(y)] == sum(rows[m] for m in months if m.startswith(f"{y}-")), (area, y)
    # The period's row rounds each calendar month's mean over both years: within a unit a month of the years' sum.
    assert abs(rows["period"] - rows["2025"] - rows["2026"]) <= 12, (area, rows)
national = {r["month"]: int(r["period_target"]) for r in plan if r["level"] == "national"}
assert national["2026"] > national["2025"], national  # the grown plan collects more in 2026
assert "monthly targets (units), 2025, provinces" in text and "monthly targets (units), 2026, provinces" in text, text
assert re.search(r"^national +" + r" +".join(f"{national[m]:,}" for m in months[12:]) + f" +{national['2026']:,}$",
                 text, re.M), text
print("ok")
