#pragma once
// The subcommands: load scenarios, run experiments, report, write results,
// and say how it went as an exit code.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace giotmau::distributed {
class Job;
}

namespace giotmau::cli {

inline constexpr int kDone = 0;
inline constexpr int kInternalError = 1;
inline constexpr int kBadInput = 2;
inline constexpr int kUnbalanced = 3;

// Options `run` and `compare` share.
struct ExperimentArguments {
  std::optional<std::uint64_t> seed;  // base seed; default: the (base) scenario's
  std::size_t replications = 1;
  std::size_t first_replication = 0;  // `--replications A:B`: replications A .. B-1 (a part of an experiment)
  unsigned threads = 1;
  int days = 0;                       // simulate only the first N days; 0: all
  std::optional<int> year;            // move the scenario to this year (--year)
  std::string format = "text";        // text | json
  bool quiet = false;                 // no KPI tables, no progress bar
  std::string output;                 // HDF5 results; empty: none
  bool force = false;                 // replace existing results files
  const distributed::Job* job = nullptr;  // the MPI job the replications are spread over; none: this process
  double max_memory_gb = 0;           // donor pools' memory limit; 0: 3/4 of the machine's memory
  std::vector<std::string> overrides; // --set KEY=VALUE, applied to every scenario before validation
};

struct RunArguments {
  std::string scenario;
  ExperimentArguments experiment;
};

struct CompareArguments {
  std::vector<std::string> scenarios;  // the first is the base
  std::string objective;               // empty: the default
  ExperimentArguments experiment;
};

// `size-targets`: the smallest collection plan that meets the goals
// (experiments/size_targets.hpp). experiment.output is the CSV plan.
struct SizeTargetsArguments {
  std::string scenario;
  ExperimentArguments experiment = [] {
    ExperimentArguments e;
    e.replications = 20;  // an interval needs several; 20 is the usual start
    return e;
  }();
  double fill_rate = 0.99;
  double max_outdate = 0.05;
  double confidence = 0.95;
  double tolerance = 0.02;
  double min_multiplier = 0.25;
  double max_multiplier = 4.0;
  std::size_t max_evaluations = 12;
  std::string hdf5;                    // the plan as an HDF5 table; empty: none
  std::vector<std::string> vary;       // --vary KEY=LOW:HIGH[:STEPS]: the plan sized at each value
};

// `merge`: parts of one experiment (`run --replications A:B`) joined into one file.
struct MergeArguments {
  std::vector<std::string> parts;
  std::string output;
  bool force = false;
};

int validate_command(const std::string& path);
int merge_command(const MergeArguments& args);
int validate_command(const std::string& path, double max_memory_gb = 0);
int run_command(const RunArguments& args);
int compare_command(const CompareArguments& args);
int size_targets_command(const SizeTargetsArguments& args);

// Where `compare -o PATH` writes each scenario's results: beside PATH, named
// STEM-NAME.EXT from PATH's stem and extension and the scenario's name, with
// each character other than ASCII letters, digits, '.', '_' and '-' made '_'
// (results.h5 -> results-vietnam-2025.h5). Throws std::invalid_argument when
// two scenarios would get the same file.
std::vector<std::filesystem::path> comparison_output_paths(const std::filesystem::path& output,
                                                           const std::vector<std::string>& scenario_names);

// Where `compare -o PATH` writes the comparison itself (the paired
// differences, nationally and by region, province and month):
// STEM-comparison.EXT beside PATH.
std::filesystem::path comparison_file_path(const std::filesystem::path& output);

}  // namespace giotmau::cli
