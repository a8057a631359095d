// Per-product seasonality and demand surges (an outbreak) raise exactly the
// product, areas and days they name. Runs with and without the change share
// their random numbers (each hospital, day and product has its own stream),
// so every other cell of the request table must be equal, and the changed
// cells must match the expected mean.
#include <gtest/gtest.h>

#include <cmath>

#include "blood/calendar.hpp"
#include "blood/run.hpp"
#include "support/small_scenarios.hpp"

namespace giotmau::blood {
namespace {

using testing::date;

struct Cell {
  int day, area;
  Product product;
};

std::int64_t requested(const RunResult& r, int day, int area, Product p) {
  std::int64_t sum = 0;
  for (std::size_t g = 0; g < kGroupCount; ++g) sum += r.measures.at(Measure::Requested, day, area, group_at(g), p);
  return sum;
}

int area_index(const World& w, const std::string& name) {
  for (std::size_t a = 0; a < w.area_names.size(); ++a) {
    if (w.area_names[a] == name) return static_cast<int>(a);
  }
  ADD_FAILURE() << name;
  return -1;
}

// The mean requests of `p` at the hospitals of `area` on `day` without any
// surge (times `extra`): the base rate times the weekday, month and Tết factors.
double base_mean(const World& w, int area, Product p, DayNumber day, double extra = 1.0) {
  const DemandSpec& d = w.scenario.demand;
  const auto& pd = d.products[index(p)];
  const auto& months = pd.month_factors ? *pd.month_factors : d.month_factors;
  double factor = d.weekday_factors[weekday(day)] * months[month_index(day)];
  if (day >= w.scenario.season.tet - d.tet_surge_days_before && day <= w.scenario.season.tet + d.tet_surge_days_after)
    factor *= d.tet_surge_factor;
  factor *= extra;
  double mean = 0;
  for (const Site& s : w.sites) {
    if (s.kind == SiteKind::Hospital && s.area == area) mean += s.demand_per_day[index(p)] * factor;
  }
  return mean;
}

TEST(DemandSurge, AnOutbreakAndAProductMonthFactorRaiseOnlyWhatTheyName) {
  const Scenario base = testing::three_provinces(365);
  Scenario changed = base;
  // Dengue: platelets x2 in the hub province from July to October.
  changed.demand.surges.push_back(DemandSurgeSpec{.name = "dengue",
                                                  .start = date("2025-07-01"),
                                                  .end = date("2025-10-31"),
                                                  .areas = {"hub-province"},
                                                  .products = {false, true, false},
                                                  .factor = 2.0});
  // Plasma x3 in December, everywhere; its other months as the shared ones.
  std::array<double, 12> plasma_months = base.demand.month_factors;
  plasma_months[11] *= 3.0;
  changed.demand.products[index(Product::Plasma)].month_factors = plasma_months;

  const RunResult before = run(build_world(base), RunOptions{7, 1});
  const RunResult after = run(build_world(changed), RunOptions{7, 1});
  const World& w = *after.world;
  const int hub = area_index(w, "hub-province");
  const auto in_outbreak = [&](DayNumber day, int area, Product p) {
    return p == Product::Platelets && area == hub && day >= date("2025-07-01") && day <= date("2025-10-31");
  };
  const auto in_december = [&](DayNumber day, Product p) { return p == Product::Plasma && month_index(day) == 11; };

  double outbreak_expected = 0, december_expected = 0;
  std::int64_t outbreak_seen = 0, outbreak_before = 0, december_seen = 0, december_before = 0;
  int unchanged_cells = 0;
  for (int d = 0; d < after.measures.days(); ++d) {
    const DayNumber day = w.first_day + d;
    for (int a = 0; a < after.measures.areas(); ++a) {
      for (std::size_t p = 0; p < kProductCount; ++p) {
        const Product product = product_at(p);
        const std::int64_t now = requested(after, d, a, product), was = requested(before, d, a, product);
        if (in_outbreak(day, a, product)) {
          outbreak_expected += 2.0 * base_mean(w, a, product, day);
          outbreak_seen += now;
          outbreak_before += was;
        } else if (in_december(day, product)) {
          december_expected += base_mean(w, a, product, day);  // plasma's own month factors hold the x3
          december_seen += now;
          december_before += was;
        } else {
          ASSERT_EQ(now, was) << iso_date(day) << " " << w.area_names[static_cast<std::size_t>(a)] << " "
                              << kProductNames[p];
          ++unchanged_cells;
        }
      }
    }
  }
  EXPECT_GT(unchanged_cells, 3000);
  // Poisson counts: within 4 standard deviations of the raised mean, and the
  // unraised mean lies far outside that band (about 400 vs 800, 250 vs 750).
  EXPECT_GT(outbreak_expected, 700);
  EXPECT_NEAR(static_cast<double>(outbreak_seen), outbreak_expected, 4 * std::sqrt(outbreak_expected));
  EXPECT_NEAR(static_cast<double>(outbreak_before), outbreak_expected / 2, 4 * std::sqrt(outbreak_expected / 2));
  EXPECT_GT(december_expected, 600);
  EXPECT_NEAR(static_cast<double>(december_seen), december_expected, 4 * std::sqrt(december_expected));
  EXPECT_NEAR(static_cast<double>(december_before), december_expected / 3, 4 * std::sqrt(december_expected / 3));
}

TEST(DemandSurge, AProductTetSurgeReplacesTheSharedOneForThatProductOnly) {
  Scenario base = testing::three_provinces(120);
  base.demand.tet_surge_factor = 1.0;
  for (auto& p : base.demand.products) p.distribution = DemandDistribution::Deterministic;
  Scenario changed = base;
  changed.demand.products[index(Product::RedCells)].tet_surge_factor = 1.5;
  changed.demand.products[index(Product::RedCells)].tet_surge_days_before = 3;
  changed.demand.products[index(Product::RedCells)].tet_surge_days_after = 0;

  const RunResult before = run(build_world(base), RunOptions{3, 1});
  const RunResult after = run(build_world(changed), RunOptions{3, 1});
  const World& w = *after.world;
  const DayNumber tet = base.season.tet;
  int raised_days = 0;
  for (int d = 0; d < after.measures.days(); ++d) {
    const DayNumber day = w.first_day + d;
    for (int a = 0; a < after.measures.areas(); ++a) {
      for (std::size_t p = 0; p < kProductCount; ++p) {
        const Product product = product_at(p);
        const bool raised = product == Product::RedCells && day >= tet - 3 && day <= tet;
        const double mean = base_mean(w, a, product, day, raised ? 1.5 : 1.0);
        // Deterministic demand: the rounded mean, exactly.
        EXPECT_EQ(requested(after, d, a, product), std::llround(mean)) << iso_date(day) << " " << kProductNames[p];
        if (raised && mean > 0) {
          ++raised_days;
          EXPECT_GT(requested(after, d, a, product), requested(before, d, a, product));
        }
      }
    }
  }
  EXPECT_EQ(raised_days, 4 * 3);  // Tết - 3 .. Tết, three provinces
}

}  // namespace
}  // namespace giotmau::blood
