#pragma once
// Comparing scenarios with common random numbers.
//
// Every scenario runs replications 0 .. n - 1 with the same seeds, so
// replication r of the base and of an alternative see the same random streams
// for every entity they share: the paired differences alternative - base then
// vary much less than two independent runs would, and smaller effects become
// visible with the same number of replications.
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "experiments/replications.hpp"

namespace giotmau::experiments {

// What "better" means for the ranking: KPIs compared in order (ties on the
// first decided by the second, ...), each with a direction.
struct Objective {
  struct Key {
    Kpi kpi;
    bool higher_is_better = false;
  };
  std::vector<Key> keys;
};

// Fewest shortage units, then fewest outdated units.
Objective default_objective();

// "shortage_units", "-fill_rate", "shortage_units,outdated": KPI names
// separated by commas; '-' before a name ranks it descending (higher is
// better), '+' or nothing ascending. Throws std::invalid_argument naming the
// KPIs when a name is unknown.
Objective parse_objective(std::string_view text);

// "shortage_units ascending, then outdated ascending".
std::string describe(const Objective& objective);

// alternative - base, paired by replication.
struct Difference {
  Estimate estimate;
  bool significant = false;  // the interval excludes zero
};

struct KpiComparison {
  Kpi kpi;
  std::vector<Estimate> means;            // per scenario (0 = the base)
  std::vector<Difference> differences;    // per scenario; the base's own is empty
};

// One part of the country (a region, a province) or of the year (a calendar
// month, national): every KPI, in kKpis order, as for the nation.
struct PartComparison {
  std::string name;                       // the area's name, or the month's ("Jan")
  std::string display_name;               // the area's display name (its name when none), or the month's
  std::vector<KpiComparison> kpis;
};

struct Comparison {
  std::size_t replications = 0;
  double confidence = kDefaultConfidence;
  Objective objective;
  std::vector<KpiComparison> kpis;        // national, in kKpis order
  std::vector<std::size_t> ranking;       // scenario indices, best first (ties keep the given order)
  // Where and when: the parts of the base, matched by name in every
  // alternative (a part some alternative lacks is left out).
  std::vector<PartComparison> regions;
  std::vector<PartComparison> provinces;
  std::vector<PartComparison> months;     // all twelve, January first
  std::vector<PartComparison> years;      // national, per civil year ("2026") of a run over several; else empty
};

// Whether a rise in `kpi` is good news for a planner (more collected, a
// higher fill rate), bad news (more shortage, more outdated), or neither
// (days of supply, the target): +1, -1, 0.
int better_direction(Kpi kpi) noexcept;

// Compares replication sets that used the same seeds (throws
// std::invalid_argument if their counts or seeds differ). Set 0 is the base.
Comparison compare(const std::vector<ReplicationSet>& sets, const Objective& objective,
                   double confidence = kDefaultConfidence);

struct CompareOptions {
  std::size_t replications = 1;
  std::uint64_t base_seed = 1;            // the same for every scenario
  unsigned threads = 1;
  bool keep_results = false;              // hand full results to on_scenario_done
  Objective objective = default_objective();
  double confidence = kDefaultConfidence;
  ProgressCallback progress;              // over all scenarios: total = scenarios x replications
  // Each replication's full results as it finishes (see ResultCallback).
  std::function<void(std::size_t scenario, std::size_t index, const blood::RunResult&)> on_result{};
  ReplicationRunner run_replications{};    // empty: experiments::run_replications, in this process
};

// Called once per scenario as soon as its replications are done (e.g. to write
// its results file); full results are dropped after it returns.
using ScenarioDone = std::function<void(std::size_t scenario, const ReplicationSet&)>;

struct CompareRun {
  std::vector<ReplicationSet> sets;       // per scenario, without full results
  Comparison comparison;
};

// Runs every world (0 = the base) with the same seeds, one after the other,
// then compares them.
CompareRun run_comparison(const std::vector<std::shared_ptr<const blood::World>>& worlds,
                          const CompareOptions& options, const ScenarioDone& on_scenario_done = {});

}  // namespace giotmau::experiments
