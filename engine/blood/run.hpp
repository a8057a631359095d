#pragma once
// Running a scenario: build the world, run the kernel, gather the results.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "blood/measures.hpp"
#include "blood/model.hpp"
#include "kernel/simulation.hpp"

namespace giotmau::blood {

struct RunOptions {
  std::uint64_t seed = 1;
  unsigned threads = 1;
};

struct RunResult {
  std::shared_ptr<const World> world;
  std::uint64_t seed = 0;
  DailyMeasures measures;
  InitialStock initial_stock;  // area x group x product
  std::vector<DriveRecord> drives;
  double issued_age_days_sum = 0;
  std::int64_t appeals = 0;
  std::vector<AppealRecord> appeal_log;    // by day, then centre
  std::int64_t sessions_short_of_bags = 0;
  std::int64_t sessions_capped = 0;     // capacity cut by the stock-responsive collection rules
  std::int64_t sessions_postponed = 0;  // not held: no room below the intake cap or the storage capacity
  std::int64_t rebalanced_units = 0;  // red cells shipped on the national coordinator's instructions
  kernel::RunStatistics kernel;
  std::uint64_t trace_hash = 0;
  double wall_seconds = 0;
};

RunResult run(std::shared_ptr<const World> world, const RunOptions& options);

// The stock books, per product and group, overall and day by day:
//   initial + produced = issued + outdated + discarded + on hand + in transit;
// and for every area, day, product and group:
//   on_hand(d) = on_hand(d-1) + produced - discarded + received - issued - outdated - shipped.
// Returns a description of every place they do not balance (empty: balanced).
std::vector<std::string> check_conservation(const RunResult& result);

}  // namespace giotmau::blood
