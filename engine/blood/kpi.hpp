#pragma once
// Summary measures of a run, for the whole country or one part of it.
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "blood/run.hpp"

namespace giotmau::blood {

struct Kpis {
  std::int64_t collected = 0;           // whole-blood donations
  std::int64_t target = 0;              // the sessions' targets
  std::int64_t requested = 0;           // red cells
  std::int64_t issued = 0;              // red cells
  std::int64_t substituted = 0;         // red cells
  std::int64_t shortage_units = 0;      // red cells
  int shortage_days = 0;                // days with any red-cell shortage
  std::int64_t produced = 0;            // red cells
  std::int64_t outdated = 0;            // red cells
  std::int64_t appeals = 0;             // emergency appeals by the centres of these areas
  double fill_rate = 0;                 // issued / requested, red cells
  double outdate_rate = 0;              // outdated / produced, red cells
  double mean_age_at_issue_days = 0;    // all products, issued in these areas: sum of ages at issue / units
  double days_of_supply = 0;            // mean red-cell stock / mean daily red-cell issues
  // Platelets: what a dengue season strains (demand.surge); their shortage
  // counts requests lost, as for red cells.
  std::int64_t platelet_requested = 0;
  std::int64_t platelet_issued = 0;
  std::int64_t platelet_shortage_units = 0;
  std::int64_t platelet_outdated = 0;
  double platelet_fill_rate = 0;        // issued / requested, platelets
  double cost = 0;                      // sum of the daily cost (SiteCosts; revenue subtracted)
  double cost_per_day = 0;
  std::array<std::int64_t, 12> collected_by_month{};
  // Whole-blood donations by the donor's segment (blood/segments.hpp); each
  // array adds up to `collected`. Kind: before the donation counts.
  std::array<std::int64_t, 2> donated_by_occupation{};  // [0] workers, [1] students
  std::array<std::int64_t, kDonorKindCount> donated_by_kind{};  // first-time, repeat, regular
  std::array<std::int64_t, 12> target_by_month{};
  // Sessions with resources (queues) only; the waits are NaN where there are none.
  std::int64_t queue_arrivals = 0;      // donors who came to a queued session
  std::int64_t balked = 0;              // of those, left without donating (patience, or closing)
  double mean_wait_minutes = std::numeric_limits<double>::quiet_NaN();  // total queueing per arrival
  double p90_wait_minutes = std::numeric_limits<double>::quiet_NaN();
};

// `root` < 0: everything; else the areas under (and including) area `root`.
Kpis compute_kpis(const RunResult& result, int root = -1);
// The same over the days of calendar month `month` (0 = January) only, of
// every year the run covers; all zero (fill rate 1) when it covers none.
// Rates are of the month's flows; days of supply is the month's mean stock
// over its mean daily issues.
Kpis compute_month_kpis(const RunResult& result, int root, unsigned month);

// The areas one level below the regions (provinces), or below the only top
// area; empty when the top area has no parts.
std::vector<int> second_level_areas(const World& world);

// The same over the simulated days `first`..`last` only (one year of a run of
// several).
Kpis compute_kpis(const RunResult& result, int root, DayNumber first, DayNumber last);
// Calendar month `month` of the days `first`..`last` only (a month of one year
// of a run of several).
Kpis compute_month_kpis(const RunResult& result, int root, unsigned month, DayNumber first, DayNumber last);

// The civil years a run covers, each clipped to the simulated days.
struct YearSpan {
  int year = 0;
  DayNumber first = 0, last = 0;
};
std::vector<YearSpan> simulated_years(const World& world);

// The top-level areas (regions), for per-region summaries.
std::vector<int> top_areas(const World& world);

}  // namespace giotmau::blood
