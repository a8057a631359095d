#pragma once
// What `run -n` and `compare` print: readable tables, or JSON for scripts.
#include <array>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "experiments/compare.hpp"
#include "experiments/replications.hpp"
#include "blood/model.hpp"
#include "experiments/size_targets.hpp"

namespace giotmau::cli {

// One scenario as the user gave it.
struct ScenarioLabel {
  std::string file;
  std::string name;
  std::string sha256;
};

// How the experiment ran: for the report's header.
struct ExperimentInfo {
  std::uint64_t base_seed = 0;
  std::size_t replications = 1;
  unsigned threads = 1;
  std::size_t first_replication = 0;  // a part of an experiment: replications first .. first + replications - 1
};

// The national table (mean, interval, standard deviation) and the regional
// one (mean ± half-width).
void print_summary_text(std::FILE* out, const experiments::Summary& summary);

// The summary of `run` as one JSON document; `results_file` when written.
std::string run_json(const ScenarioLabel& scenario, const ExperimentInfo& info, const experiments::ReplicationSet& set,
                     const experiments::Summary& summary, const std::optional<std::string>& results_file);

// Per KPI every scenario's mean and its difference from the base, then the ranking.
void print_comparison_text(std::FILE* out, const std::vector<ScenarioLabel>& scenarios,
                           const experiments::Comparison& comparison);

std::string comparison_json(const std::vector<ScenarioLabel>& scenarios, const ExperimentInfo& info,
                            const experiments::CompareRun& run,
                            const std::vector<std::optional<std::string>>& results_files,
                            const std::optional<std::string>& comparison_file = std::nullopt);

// ---- size-targets

// The plan sized at one value of a varied scenario key.
struct SensitivityPoint {
  std::string key;
  double value = 0;
  experiments::SizingResult result;
};

// One row of the plan table, as the CSV and the HDF5 file hold it: a
// province, region or the nation, for one month or the whole period.
// Rates (period rows of provinces and the nation only, else NaN): the mean
// and the ends of the two-sided interval at 2c - 1, which are the one-sided
// bounds at c checked against the goals, clamped to [0, 1].
struct PlanRow {
  std::string level;                   // province, region or national
  std::string region;                  // the region (the region itself on its rows; empty for the nation)
  std::string area;
  std::string month;                   // YYYY-MM; YYYY: a year's total (a period over several years); or "period"
  std::int64_t period_target = 0;      // the sized plan: mean whole-blood collections
  std::int64_t current_plan = 0;       // the scenario as planned (multiplier 1), simulated the same way
  std::int64_t difference = 0;         // period_target - current_plan
  double multiplier = 0;               // of the province's session capacity; NaN on sums
  double sessions_current = 0;         // sessions the scenario holds (one day in one commune or district)
  double typical_capacity = 0;         // their mean places per session; NaN without sessions
  double session_change = 0;           // extra (+) or fewer (-) sessions of that capacity the plan means
  double fill_rate = 0, fill_rate_low = 0, fill_rate_high = 0;
  double outdate_rate = 0, outdate_rate_low = 0, outdate_rate_high = 0;
  std::string status;                  // ok, short, outdates, ...: provinces' and the nation's period rows
  std::string reason;                  // why a province misses a goal, in words and figures (its period row)
};

// The whole table: every province's months (over several years: each year's
// months, then that year's row) then its period row, then each region's, then
// the nation's (filter on `level` and `month` before summing).
std::vector<PlanRow> plan_rows(const experiments::SizingResult& result, const blood::World& world);

// The rows as CSV (UTF-8 with a byte-order mark so that spreadsheets read the
// names right; RFC 4180 quoting; an empty cell for a missing number).
std::string plan_csv(const std::vector<PlanRow>& rows);

// The provinces that miss a goal and which: "lai-chau (no fresh-seed
// margin), hue (outdates)"; empty when every province meets them.
std::string provinces_not_met(const experiments::SizingResult& result);

void print_plan_text(std::FILE* out, const experiments::SizingResult& result, const blood::World& world);

std::string plan_json(const ScenarioLabel& scenario, const blood::World& world, const ExperimentInfo& info,
                      const experiments::SizingOptions& options, const experiments::SizingResult& result,
                      const std::vector<std::string>& files_written,
                      const std::vector<SensitivityPoint>& sensitivity);

// ---- size-targets --vary

// Per point, the national and per-region period targets (and the current
// plan's at that value, which the key may move too).
void print_sensitivity_text(std::FILE* out, const std::vector<SensitivityPoint>& points, const blood::World& world);

}  // namespace giotmau::cli
