// compare by region, province and month: the parts' paired differences of
// counts add up to the national one, and every part is there.
#include <gtest/gtest.h>

#include <cmath>

#include "experiments/compare.hpp"
#include "support/small_scenarios.hpp"

namespace giotmau::experiments {
namespace {

TEST(WhereWhen, PartsAddUpToTheNationalDifference) {
  blood::Scenario base = giotmau::testing::three_provinces(150);
  blood::Scenario alt = base;
  alt.name = "more-drives";
  alt.sessions.front().capacity_per_100k *= 1.5;
  std::vector<ReplicationSet> sets;
  for (const auto& s : {base, alt}) {
    sets.push_back(run_replications(blood::build_world(s), ReplicationOptions{4, 3, 2, false, {}}));
  }
  const Comparison c = compare(sets, default_objective());
  ASSERT_EQ(c.provinces.size(), 3u);
  ASSERT_EQ(c.months.size(), 12u);
  EXPECT_TRUE(c.regions.empty());  // one region: the nation itself
  for (const Kpi kpi : {Kpi::Collected, Kpi::ShortageUnits, Kpi::Outdated, Kpi::Appeals, Kpi::ShortageDays}) {
    const double national = c.kpis[index(kpi)].differences[1].estimate.mean;
    double provinces = 0, months = 0;
    for (const auto& p : c.provinces) provinces += p.kpis[index(kpi)].differences[1].estimate.mean;
    for (const auto& m : c.months) months += m.kpis[index(kpi)].differences[1].estimate.mean;
    if (kpi != Kpi::ShortageDays) {  // a day short in two provinces is one national day
      EXPECT_NEAR(provinces, national, 1e-6) << info(kpi).name;
    }
    EXPECT_NEAR(months, national, 1e-6) << info(kpi).name;
  }
  // More drives collect more: significantly so in every province.
  for (const auto& p : c.provinces) {
    EXPECT_TRUE(p.kpis[index(Kpi::Collected)].differences[1].significant) << p.name;
    EXPECT_GT(p.kpis[index(Kpi::Collected)].differences[1].estimate.mean, 0) << p.name;
  }
  // Months the run does not reach: nothing collected, no rate.
  const auto& december = c.months[11];
  EXPECT_EQ(december.name, "Dec");
  EXPECT_EQ(december.kpis[index(Kpi::Collected)].means[0].mean, 0.0);
  EXPECT_TRUE(std::isnan(december.kpis[index(Kpi::FillRate)].means[0].mean));
  EXPECT_FALSE(december.kpis[index(Kpi::FillRate)].differences[1].significant);
}

}  // namespace
}  // namespace giotmau::experiments
