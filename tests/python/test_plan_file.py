"""The size-targets plan files as their readers see them: the CSV in pandas
(text, UTF-8) and the HDF5 tables through h5py (text as str, not bytes), the
totals adding up, the bounds inside [0, 1], the period named as simulated.

Usage: test_plan_file.py GIOTMAU SCENARIO
"""
import os
import subprocess
import sys
import tempfile
import unittest

import h5py
import numpy as np
import pandas as pd

GIOTMAU, SCENARIO = sys.argv[1], sys.argv[2]


def read_table(group):
    return pd.DataFrame({c: group[c].asstr()[:] if group[c].dtype.kind == "O" else group[c][:]
                         for c in group.attrs["columns"]})


class PlanFiles(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.csv = os.path.join(cls.dir.name, "plan.csv")
        cls.h5 = os.path.join(cls.dir.name, "plan.h5")
        subprocess.run([GIOTMAU, "size-targets", SCENARIO, "-n", "3", "--days", "90", "--quiet", "-o", cls.csv,
                        "--hdf5", cls.h5, "--vary", "demand.red_cells.per_1000_population_per_year=16:24:2"],
                       check=True, stdout=subprocess.DEVNULL)
        cls.table = pd.read_csv(cls.csv)

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def test_csv_columns_are_text_and_the_period_is_named_as_simulated(self):
        t = self.table
        self.assertEqual(list(t.columns[:5]), ["level", "region", "area", "month", "period_target"])
        self.assertNotIn("annual_target", t.columns)
        self.assertEqual(sorted(set(t["month"])), ["2025-01", "2025-02", "2025-03", "period"])  # 90 days from 1 January
        self.assertTrue(all(isinstance(a, str) for a in t["area"]))

    def test_months_add_up_to_the_period_and_provinces_to_regions_and_nation(self):
        t = self.table
        for _, rows in t.groupby(["level", "area"]):
            months = rows[rows["month"] != "period"]
            period = rows[rows["month"] == "period"].iloc[0]
            self.assertEqual(months["period_target"].sum(), period["period_target"])
            self.assertEqual(months["current_plan"].sum(), period["current_plan"])
        self.assertTrue((t["difference"] == t["period_target"] - t["current_plan"]).all())
        provinces = t[t["level"] == "province"]
        for (region, month), rows in provinces.groupby(["region", "month"]):
            total = t[(t["level"] == "region") & (t["area"] == region) & (t["month"] == month)].iloc[0]
            self.assertEqual(rows["period_target"].sum(), total["period_target"])
            self.assertAlmostEqual(rows["session_change"].sum(), total["session_change"], delta=0.051 * len(rows))  # 0.1 in the CSV
        national = t[(t["level"] == "national") & (t["month"] == "period")].iloc[0]
        self.assertEqual(provinces[provinces["month"] == "period"]["period_target"].sum(), national["period_target"])

    def test_bounds_are_inside_zero_one(self):
        for c in ["fill_rate_low", "fill_rate_high", "outdate_rate_low", "outdate_rate_high"]:
            v = self.table[c].dropna()
            self.assertFalse(v.empty)
            self.assertTrue(((v >= 0) & (v <= 1)).all(), c)

    def test_hdf5_holds_the_same_table_with_text_as_str(self):
        with h5py.File(self.h5, "r") as f:
            plan = read_table(f["plan"])
            self.assertTrue(all(isinstance(a, str) for a in plan["area"]))
            self.assertEqual(list(plan["period_target"]), list(self.table["period_target"]))
            self.assertEqual(list(plan["level"]), list(self.table["level"]))
            sens = read_table(f["sensitivity"])
            self.assertEqual(sorted(set(sens["value"])), [16.0, 24.0])
            national = sens[sens["level"] == "national"].sort_values("value")
            # More demand, more to collect: the plan at 24 per 1,000 exceeds the plan at 16.
            self.assertGreater(national["period_target"].iloc[1], national["period_target"].iloc[0])
            self.assertEqual(f.attrs["scenario"] if isinstance(f.attrs["scenario"], str)
                             else f.attrs["scenario"].decode(), "three-provinces")


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
