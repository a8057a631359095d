// Validation of the national scenario: figures of the documents that no
// parameter was fitted to (docs/validation.md, "Validation"), each predicted
// with a 95% confidence interval over independent replications, and the
// seasonal shape of stock and shortage against the documents' statements.
//
// The calibration (figures the parameters were fitted to) is in
// tests/calibration; this suite uses other seeds (101..100+N) so that a
// prediction is not the fit's own draw. It prints the tables of
// docs/validation.md (Markdown); regenerate them with
//
//   ctest --test-dir build -L validation --output-on-failure -V
//
// GIOTMAU_VALIDATION_REPLICATIONS=N (default 8) sets the replications.
// Assertions only where docs/validation.md claims that the model agrees with a
// document.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "blood/calendar.hpp"
#include "blood/kpi.hpp"
#include "experiments/statistics.hpp"
#include "support/replicate.hpp"

namespace {

using namespace giotmau;
using blood::DayNumber;

constexpr std::uint64_t kFirstSeed = 101;
constexpr int kAfterTetDays = 30;   // "after Tết": the 30 days from Tết day
constexpr int kTetWindowBefore = 14, kTetWindowAfter = 21;


struct Year {
  std::array<double, 12> days_of_supply{};   // national red cells on hand / daily requests, by month
  std::array<double, 12> shortage{};         // red-cell units lost, by month
  std::array<double, 12> collected{};
  double hanoi_min_days_after_tet = 0;       // Hà Nội (hub + its hospital bank), min in the 30 days from Tết
  double hanoi_mean_days_after_tet = 0;
  double hanoi_mean_days = 0;                // over the year
  double hanoi_min_region_days_after_tet = 0;  // the same stock in days of the whole region's usage (the hub's)
  double mean_age = 0;                       // KPI mean age at issue, all products
  double fill_rate = 0;
  double shortage_summer = 0;                // June-August
  double shortage_tet = 0;                   // Tết - 14 .. Tết + 21
  double shortage_year = 0;
  double xuan_hong = 0;                      // donations at the Lễ hội Xuân Hồng sessions, 8-16 Feb
  double hanoi_collected = 0;                // the year
  double year = 0;
  double postponed = 0;
};

double red_cells(const blood::DailyMeasures& m, blood::Measure what, int day, int area) {
  double units = 0;
  for (std::size_t g = 0; g < blood::kGroupCount; ++g)
    units += static_cast<double>(m.at(what, day, area, blood::group_at(g), blood::Product::RedCells));
  return units;
}

int area_named(const blood::World& w, const std::string& name) {
  const auto it = std::find(w.area_names.begin(), w.area_names.end(), name);
  if (it == w.area_names.end()) throw std::invalid_argument("no area " + name);
  return static_cast<int>(it - w.area_names.begin());
}

// Red cells used per day by the patients the centre in `area` serves: for a
// hub, its hospitals and every centre it supplies.
double red_cells_served(const blood::World& w, int area) {
  for (const blood::Site& s : w.sites)
    if (s.kind == blood::SiteKind::Centre && s.area == area) return s.red_cells_served_per_day;
  throw std::invalid_argument("no centre in area " + w.area_names[static_cast<std::size_t>(area)]);
}

double red_cell_usage(const blood::World& w, int area) {
  double usage = 0;
  for (const blood::Site& s : w.sites) {
    if (s.kind != blood::SiteKind::Hospital || s.area != area) continue;
    for (std::size_t g = 0; g < blood::kGroupCount; ++g)
      usage += s.usage_per_day[blood::stock_index(blood::Product::RedCells, blood::group_at(g))];
  }
  return usage;
}

Year summarise(const blood::RunResult& r) {
  const blood::World& w = *r.world;
  const blood::DailyMeasures& m = r.measures;
  const blood::Kpis k = blood::compute_kpis(r);
  Year y;
  y.mean_age = k.mean_age_at_issue_days;
  y.fill_rate = k.fill_rate;
  y.year = static_cast<double>(k.collected);
  y.postponed = static_cast<double>(r.sessions_postponed);
  for (int mo = 0; mo < 12; ++mo) y.collected[static_cast<std::size_t>(mo)] = static_cast<double>(k.collected_by_month[static_cast<std::size_t>(mo)]);

  const int hanoi = area_named(w, "ha-noi");
  const double hanoi_usage = red_cell_usage(w, hanoi);
  const double north_usage = red_cells_served(w, hanoi);
  const DayNumber tet = w.scenario.season.tet;
  std::array<double, 12> stock{}, requested{}, days{};
  y.hanoi_min_days_after_tet = 1e9;
  y.hanoi_min_region_days_after_tet = 1e9;
  for (int d = 0; d < m.days(); ++d) {
    const DayNumber day = w.first_day + d;
    const auto mo = blood::month_index(day);
    double on_hand = 0, short_today = 0;
    for (int a = 0; a < m.areas(); ++a) {
      on_hand += red_cells(m, blood::Measure::OnHand, d, a);
      requested[mo] += red_cells(m, blood::Measure::Requested, d, a);
      short_today += red_cells(m, blood::Measure::Shortage, d, a);
    }
    stock[mo] += on_hand;
    days[mo] += 1;
    y.shortage[mo] += short_today;
    y.shortage_year += short_today;
    if (mo >= 5 && mo <= 7) y.shortage_summer += short_today;
    if (day >= tet - kTetWindowBefore && day <= tet + kTetWindowAfter) y.shortage_tet += short_today;
    const double hanoi_days = red_cells(m, blood::Measure::OnHand, d, hanoi) / hanoi_usage;
    y.hanoi_mean_days += hanoi_days / m.days();
    if (day >= tet && day < tet + kAfterTetDays) {
      y.hanoi_min_days_after_tet = std::min(y.hanoi_min_days_after_tet, hanoi_days);
      y.hanoi_min_region_days_after_tet =
          std::min(y.hanoi_min_region_days_after_tet, red_cells(m, blood::Measure::OnHand, d, hanoi) / north_usage);
      y.hanoi_mean_days_after_tet += hanoi_days / kAfterTetDays;
    }
    for (std::size_t g = 0; g < blood::kGroupCount; ++g) y.hanoi_collected += static_cast<double>(m.collected(d, hanoi, blood::group_at(g)));
  }
  for (std::size_t mo = 0; mo < 12; ++mo) {
    if (days[mo] > 0 && requested[mo] > 0) y.days_of_supply[mo] = (stock[mo] / days[mo]) / (requested[mo] / days[mo]);
  }
  for (const blood::DriveRecord& d : r.drives) {
    if (d.name.rfind("le-hoi-xuan-hong-2025", 0) == 0) y.xuan_hong += static_cast<double>(d.donated);
  }
  return y;
}

template <class F>
experiments::Estimate over(const std::vector<Year>& runs, F f) {
  std::vector<double> xs;
  for (const Year& y : runs) xs.push_back(f(y));
  return experiments::estimate(xs);
}

std::string ci(const experiments::Estimate& e, const char* format = "%.0f") {
  char mean[64], low[64], high[64];
  std::snprintf(mean, sizeof mean, format, e.mean);
  std::snprintf(low, sizeof low, format, e.low());
  std::snprintf(high, sizeof high, format, e.high());
  return std::string(mean) + " [" + low + ", " + high + "]";
}

void print_seasonal_shape(const std::vector<Year>& runs) {
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::printf("\nSeasonal shape, vietnam-2025, %zu replications (seeds %llu..%llu), mean [95%% CI]:\n\n", runs.size(),
              static_cast<unsigned long long>(kFirstSeed), static_cast<unsigned long long>(kFirstSeed + runs.size() - 1));
  std::printf("| month | collected | red-cell days of supply (national) | red-cell units short |\n");
  std::printf("| --- | ---: | ---: | ---: |\n");
  for (std::size_t mo = 0; mo < 12; ++mo) {
    std::printf("| %s | %s | %s | %s |\n", kMonths[mo], ci(over(runs, [mo](const Year& y) { return y.collected[mo]; })).c_str(),
                ci(over(runs, [mo](const Year& y) { return y.days_of_supply[mo]; }), "%.1f").c_str(),
                ci(over(runs, [mo](const Year& y) { return y.shortage[mo]; })).c_str());
  }
  std::printf("\nShare of the year's red-cell shortage in June-August (25%% of the days): %s%%\n",
              ci(over(runs, [](const Year& y) { return 100 * y.shortage_summer / std::max(1.0, y.shortage_year); }), "%.1f").c_str());
  std::printf("Share in the Tết window (Tết - %d .. Tết + %d, %.0f%% of the days): %s%%\n", kTetWindowBefore, kTetWindowAfter,
              100.0 * (kTetWindowBefore + kTetWindowAfter + 1) / 365,
              ci(over(runs, [](const Year& y) { return 100 * y.shortage_tet / std::max(1.0, y.shortage_year); }), "%.1f").c_str());
  std::printf("Hà Nội red cells (hub + hospital bank) in days of its usage: year mean %s, 30 days from Tết mean %s, minimum %s\n",
              ci(over(runs, [](const Year& y) { return y.hanoi_mean_days; }), "%.1f").c_str(),
              ci(over(runs, [](const Year& y) { return y.hanoi_mean_days_after_tet; }), "%.1f").c_str(),
              ci(over(runs, [](const Year& y) { return y.hanoi_min_days_after_tet; }), "%.1f").c_str());
  std::printf("Mean age at issue (all products): %s days; red-cell fill rate %s; sessions postponed %s\n",
              ci(over(runs, [](const Year& y) { return y.mean_age; }), "%.1f").c_str(),
              ci(over(runs, [](const Year& y) { return y.fill_rate; }), "%.4f").c_str(),
              ci(over(runs, [](const Year& y) { return y.postponed; })).c_str());
  std::printf("Collected: H1 %s (calibration: 894,000), year %s (calibration: 1,748,935)\n",
              ci(over(runs, [](const Year& y) { return y.collected[0] + y.collected[1] + y.collected[2] + y.collected[3] +
                                                      y.collected[4] + y.collected[5]; })).c_str(),
              ci(over(runs, [](const Year& y) { return y.year; })).c_str());
}

// One test, so that ctest runs the national years once (each discovered test is a process).
TEST(NationalValidation, SeasonalShapeAndFiguresNeverUsedInFitting) {
  const int n = static_cast<int>(giotmau::testing::env_or("GIOTMAU_VALIDATION_REPLICATIONS", 8));
  const auto world = giotmau::testing::load_world("vietnam-2025.toml");
  const std::vector<Year> runs = giotmau::testing::replicate<Year>(world, n, kFirstSeed, summarise);
  print_seasonal_shape(runs);
  struct Row {
    std::string figure, source;
    experiments::Estimate predicted;
    double observed;
    const char* format;
  };
  const std::vector<Row> rows = {
      {"Lễ hội Xuân Hồng 2025, units at the festival sessions, Hà Nội 8-16 Feb", "domain.md",
       over(runs, [](const Year& y) { return y.xuan_hong; }), 8'928, "%.0f"},
      {"Northern hub after Tết: Hà Nội red cells (hub + hospital bank), minimum in the 30 days from Tết, "
       "in days of the north's usage (what the hub serves)",
       "domain.md (2-3 days)", over(runs, [](const Year& y) { return y.hanoi_min_region_days_after_tet; }), 2.5, "%.1f"},
      {"The same stock in days of Hà Nội's own usage", "domain.md (2-3 days)",
       over(runs, [](const Year& y) { return y.hanoi_min_days_after_tet; }), 2.5, "%.1f"},
      {"Hà Nội's collections in the year (NIHBT 2024: > 505,000 units, ~68% from Hà Nội = 343,400)", "domain.md",
       over(runs, [](const Year& y) { return y.hanoi_collected; }), 0.68 * 505'000, "%.0f"},
  };
  std::printf("\n| figure | source | observed | predicted, mean [95%% CI] | gap |\n| --- | --- | ---: | ---: | ---: |\n");
  for (const Row& r : rows) {
    char observed[32], gap[32];
    std::snprintf(observed, sizeof observed, r.format, r.observed);
    std::snprintf(gap, sizeof gap, "%+.0f%%", 100 * (r.predicted.mean / r.observed - 1));
    std::printf("| %s | %s | %s | %s | %s |\n", r.figure.c_str(), r.source.c_str(), observed, ci(r.predicted, r.format).c_str(),
                gap);
  }
  // The agreements docs/validation.md claims (and only those):
  // the festival's units within 10% of 8,928 ...
  EXPECT_NEAR(rows[0].predicted.mean / rows[0].observed, 1.0, 0.10);
  // ... and the northern hub, in days of what it serves, at 2-3 days after Tết.
  EXPECT_GE(rows[1].predicted.mean, 2.0);
  EXPECT_LE(rows[1].predicted.mean, 3.0);
}

}  // namespace
