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

// One row of the plan (a province, or the nation last), as the CSV and the
// HDF5 files hold it. Rates: the mean and the ends of the two-sided interval
// at 2c - 1, which are the one-sided bounds at c checked against the goals.
struct PlanRow {
  std::string area;
  double multiplier = 0;                     // NaN for the nation
  std::int64_t annual_target = 0;
  std::array<std::int64_t, 12> monthly_target{};
  double fill_rate = 0, fill_rate_low = 0, fill_rate_high = 0;
  double outdate_rate = 0, outdate_rate_low = 0, outdate_rate_high = 0;
  bool meets_fill = false, meets_outdate = false;
  std::string status;                        // ok, short, outdates, ... (as the text table)
};

// Lower-case month names: the CSV's and the HDF5 table's column names.
inline constexpr std::array<const char*, 12> kPlanMonthColumns = {"jan", "feb", "mar", "apr", "may", "jun",
                                                                  "jul", "aug", "sep", "oct", "nov", "dec"};

std::vector<PlanRow> plan_rows(const experiments::SizingResult& result);

// The rows as CSV with a header line (RFC 4180; empty cell for a missing number).
std::string plan_csv(const experiments::SizingResult& result);

void print_plan_text(std::FILE* out, const experiments::SizingResult& result);

std::string plan_json(const ScenarioLabel& scenario, const blood::World& world, const ExperimentInfo& info,
                      const experiments::SizingOptions& options, const experiments::SizingResult& result,
                      const std::vector<std::string>& files_written);

}  // namespace giotmau::cli
