// KPIs by part of the country and of the year: the parts add up to the whole,
// and every appeal is on record with what it brought in.
#include <gtest/gtest.h>

#include <cmath>

#include "blood/kpi.hpp"
#include "blood/run.hpp"
#include "support/small_scenarios.hpp"

namespace giotmau::blood {
namespace {

RunResult run_three_provinces(bool appeals) {
  Scenario s = giotmau::testing::three_provinces(200);
  s.appeals.enabled = appeals;
  s.appeals.threshold_days = 4.0;  // often enough to see some
  return run(build_world(s), RunOptions{11, 2});
}

std::int64_t issued_all(const RunResult& r, int area) {
  std::int64_t n = 0;
  for (int d = 0; d < r.measures.days(); ++d) {
    for (std::size_t g = 0; g < kGroupCount; ++g) {
      for (std::size_t p = 0; p < kProductCount; ++p) n += r.measures.at(Measure::Issued, d, area, group_at(g), product_at(p));
    }
  }
  return n;
}

TEST(KpiParts, ProvincesAddUpToTheNation) {
  const RunResult r = run_three_provinces(true);
  const Kpis nation = compute_kpis(r);
  const std::vector<int> provinces = second_level_areas(*r.world);
  ASSERT_EQ(provinces.size(), 3u);
  Kpis sum;
  double age_weighted = 0;
  std::int64_t issued = 0;
  for (int p : provinces) {
    const Kpis k = compute_kpis(r, p);
    sum.collected += k.collected;
    sum.shortage_units += k.shortage_units;
    sum.outdated += k.outdated;
    sum.appeals += k.appeals;
    sum.target += k.target;
    age_weighted += k.mean_age_at_issue_days * static_cast<double>(issued_all(r, p));
    issued += issued_all(r, p);
  }
  EXPECT_EQ(sum.collected, nation.collected);
  EXPECT_EQ(sum.shortage_units, nation.shortage_units);
  EXPECT_EQ(sum.outdated, nation.outdated);
  EXPECT_EQ(sum.appeals, nation.appeals);
  EXPECT_EQ(nation.appeals, r.appeals);
  EXPECT_NEAR(sum.target, nation.target, 3);  // each part rounds its months
  // The age at issue by province, weighted by units issued, is the nation's,
  // and the nation's is what the run added up unit by unit.
  ASSERT_GT(issued, 0);
  EXPECT_NEAR(age_weighted / static_cast<double>(issued), nation.mean_age_at_issue_days, 1e-9);
  EXPECT_NEAR(nation.mean_age_at_issue_days, r.issued_age_days_sum / static_cast<double>(issued), 1e-9);
  // Provinces differ: a province's age is not simply the nation's copied.
  EXPECT_NE(compute_kpis(r, provinces[0]).mean_age_at_issue_days, compute_kpis(r, provinces[1]).mean_age_at_issue_days);
}

TEST(KpiParts, MonthsAddUpToTheYear) {
  const RunResult r = run_three_provinces(true);
  const Kpis year = compute_kpis(r);
  Kpis sum;
  int covered = 0;
  for (unsigned m = 0; m < 12; ++m) {
    const Kpis k = compute_month_kpis(r, -1, m);
    EXPECT_EQ(k.collected, year.collected_by_month[m]) << m;
    sum.collected += k.collected;
    sum.shortage_units += k.shortage_units;
    sum.shortage_days += k.shortage_days;
    sum.outdated += k.outdated;
    sum.requested += k.requested;
    sum.appeals += k.appeals;
    covered += k.requested > 0;
  }
  EXPECT_EQ(covered, 7);  // 200 days from 1 January: January to mid-July
  EXPECT_EQ(sum.collected, year.collected);
  EXPECT_EQ(sum.shortage_units, year.shortage_units);
  EXPECT_EQ(sum.shortage_days, year.shortage_days);
  EXPECT_EQ(sum.outdated, year.outdated);
  EXPECT_EQ(sum.requested, year.requested);
  EXPECT_EQ(sum.appeals, year.appeals);
  const Kpis december = compute_month_kpis(r, -1, 11);
  EXPECT_EQ(december.collected, 0);
  EXPECT_EQ(december.target, 0);
}

TEST(KpiParts, EveryAppealIsOnRecordWithWhatItBroughtIn) {
  const RunResult quiet = run_three_provinces(false);
  EXPECT_TRUE(quiet.appeal_log.empty());
  const RunResult r = run_three_provinces(true);
  ASSERT_GT(r.appeals, 0);
  ASSERT_EQ(static_cast<std::int64_t>(r.appeal_log.size()), r.appeals);
  double brought_in = 0;
  for (std::size_t i = 0; i < r.appeal_log.size(); ++i) {
    const AppealRecord& a = r.appeal_log[i];
    if (i > 0) {
      EXPECT_LE(r.appeal_log[i - 1].day, a.day);  // in time order
    }
    EXPECT_EQ(r.world->sites[static_cast<std::size_t>(a.site)].kind, SiteKind::Centre);
    EXPECT_EQ(r.world->sites[static_cast<std::size_t>(a.site)].area, a.area);
    EXPECT_GE(a.brought_in_units, 0.0);
    EXPECT_LE(a.brought_in_units, static_cast<double>(a.donated_units));
    brought_in += a.brought_in_units;
  }
  // The appeals' uplift shows: they brought something in, and less than all
  // that was collected in the year.
  EXPECT_GT(brought_in, 0.0);
  EXPECT_LT(brought_in, static_cast<double>(compute_kpis(r).collected));
}

}  // namespace
}  // namespace giotmau::blood
