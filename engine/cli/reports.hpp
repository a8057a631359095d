#pragma once
// What `run -n` and `compare` print: readable tables, or JSON for scripts.
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "experiments/compare.hpp"
#include "experiments/replications.hpp"

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
                            const std::vector<std::optional<std::string>>& results_files);

}  // namespace giotmau::cli
