// giotmau: the command line. Thin on purpose: it declares the subcommands and
// their options (CLI11), hands them to cli/commands.cpp, and maps failures to
// exit codes (0 done, 1 internal error or an output that could not be written,
// 2 bad input, 3 the books did not balance).
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cli/commands.hpp"
#include "cli/list_command.hpp"
#include "cli/report_command.hpp"
#include "cli/version.hpp"
#include "distributed/job.hpp"
#include "io/scenario_toml.hpp"
#include "results/hdf5_writer.hpp"
#include "results/interrupt.hpp"

namespace {

using namespace giotmau;

// oneTBB gives an arena at most 256 threads on any machine (255 workers and
// the caller); asked for more it warns and runs with fewer, so more is refused.
constexpr unsigned kMaxThreads = 256;

// --seed: a whole number that fits in 64 bits, as written. CLI11 alone reads
// "-1" and 2^64 as 2^64 - 1 without a word.
std::string check_seed(std::string& text) {
  const std::string expected = "expected a whole number from 0 to 18446744073709551615, got '" + text + "'";
  if (text.empty() || text.size() > 20 || text.find_first_not_of("0123456789") != std::string::npos) return expected;
  if (text.size() == 20 && text > "18446744073709551615") return expected;
  return {};
}

// An output option given an empty value would silently write nothing.
std::string check_output_path(std::string& text) {
  return text.empty() ? "an empty path names no file; leave the option out to write no file" : std::string();
}

constexpr std::size_t kMaxReplications = 1'000'000;

// "N" (replications 0 .. N-1) or, where `ranges`, "A:B" (replications A .. B-1
// of a larger experiment, as a job-array task runs them).
void parse_replications(const std::string& text, cli::ExperimentArguments& a, bool ranges) {
  const auto number = [&](const std::string& part) -> std::size_t {
    std::size_t used = 0;
    unsigned long long value = 0;
    try {
      value = std::stoull(part, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (part.empty() || used != part.size() || part[0] == '-' || part[0] == '+' || value > kMaxReplications) {
      throw CLI::ValidationError("--replications", "expected " + std::string(ranges ? "N or A:B" : "N") +
                                                       " with whole numbers up to " + std::to_string(kMaxReplications) +
                                                       ", got '" + text + "'");
    }
    return static_cast<std::size_t>(value);
  };
  const std::size_t colon = text.find(':');
  if (colon == std::string::npos) {
    a.first_replication = 0;
    a.replications = number(text);
    if (a.replications == 0) throw CLI::ValidationError("--replications", "expected at least 1, got '" + text + "'");
    return;
  }
  if (!ranges) throw CLI::ValidationError("--replications", "a range A:B is for `run` only, got '" + text + "'");
  const std::size_t first = number(text.substr(0, colon)), end = number(text.substr(colon + 1));
  if (end <= first) {
    throw CLI::ValidationError("--replications", "expected A:B with A < B (replications A .. B-1), got '" + text + "'");
  }
  a.first_replication = first;
  a.replications = end - first;
}

void add_experiment_options(CLI::App* cmd, cli::ExperimentArguments& a, bool ranges = false) {
  cmd->add_option_function<std::string>(
         "-n,--replications", [&a, ranges](const std::string& text) { parse_replications(text, a, ranges); },
         ranges ? "N independent replications (0 .. N-1, default 1), or A:B: replications A .. B-1 of a larger "
                  "experiment, each with the seed it has there (job-array parts; join them with `giotmau merge`)"
                : "independent replications (default 1)")
      ->type_name(ranges ? "N|A:B" : "N");
  cmd->add_option("--seed", a.seed, "base random seed, 0 to 2^64-1 (default: the scenario's); replication 0 uses it as is")
      ->check(CLI::Validator(check_seed, "SEED"));
  cmd->add_option("--threads", a.threads, "worker threads, 1 to 256 (results do not depend on it)")
      ->check(CLI::Range(1u, kMaxThreads));
  cmd->add_option("--days", a.days, "simulate only the first N days")->check(CLI::PositiveNumber);
  cmd->add_option("--year", a.year, "move the scenario to this year: its period, yearly dates and Tết")
      ->check(CLI::Range(1800, 2199));
  cmd->add_option("--format", a.format, "text (default) or json (everything the text shows, on stdout)")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--max-memory", a.max_memory_gb,
                  "GB the donor pools may take, checked at validation (default: 3/4 of this machine's memory)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--quiet", a.quiet, "no KPI tables and no progress bar");
  cmd->add_flag("--force", a.force,
                "replace existing output files (regular files only: never a directory, device or symbolic link)");
  cmd->add_option("--set", a.overrides,
                  "KEY=VALUE: override one scenario value before validation (repeatable; key syntax in "
                  "docs/scenario-format.md), e.g. demand.red_cells.per_1000_population_per_year=14")
      ->allow_extra_args(false);  // one KEY=VALUE per --set, so the scenario file after it stays positional
}

void add_size_targets_options(CLI::App* cmd, cli::SizeTargetsArguments& a) {
  cmd->add_option("scenario", a.scenario, "scenario file (TOML)")->required();
  add_experiment_options(cmd, a.experiment);
  cmd->get_option("-n")->description(
      "replications per evaluation: the same seeds in every search evaluation, fresh ones to verify (default 20, at "
      "least 2)");
  cmd->get_option("--quiet")->description("no plan tables and no line per evaluation");
  cmd->add_option("--fill-rate", a.fill_rate, "red-cell fill rate every province must reach (default 0.99)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--max-outdate", a.max_outdate, "red-cell outdate rate every province must stay under (default 0.05)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--confidence", a.confidence, "of the one-sided bounds checked against the goals (default 0.95)")
      ->check(CLI::Range(0.5, 0.9999));
  cmd->add_option("--tolerance", a.tolerance, "relative step at which the search stops (default 0.02)")
      ->check(CLI::Range(0.001, 1.0));
  cmd->add_option("--min-multiplier", a.min_multiplier, "smallest share of a province's sessions kept (default 0.25)");
  cmd->add_option("--max-multiplier", a.max_multiplier, "largest multiple of a province's sessions (default 4)");
  cmd->add_option("--max-evaluations", a.max_evaluations,
                  "cap on the evaluations of R replications each, the fresh verification included (default 12)")
      ->check(CLI::Range(std::size_t{3}, std::size_t{10000}));
  cmd->add_option("-o,--output", a.experiment.output, "write the plan to this CSV file")
      ->check(CLI::Validator(check_output_path, "FILE"));
  cmd->add_option("--hdf5", a.hdf5, "write the plan (and the --vary table) to this HDF5 file")
      ->check(CLI::Validator(check_output_path, "FILE"));
  cmd->add_option("--vary", a.vary,
                  "KEY=LOW:HIGH[:STEPS]: also size the plan at STEPS values of a numeric scenario key (default 5; "
                  "repeatable), e.g. demand.red_cells.per_1000_population_per_year=13:18:6")
      ->allow_extra_args(false);
}

// CLI11 takes "-fill_rate" after --objective for an option of its own; glue
// such a value to its option so that `--objective -fill_rate` works as written.
std::vector<std::string> glue_objective_values(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--objective" && args[i + 1].size() > 1 && args[i + 1][0] == '-' && args[i + 1][1] != '-') {
      args[i] += "=" + args[i + 1];
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    }
  }
  return args;
}

// More threads than the machine has run no faster: oneTBB's default limit
// lets no more than the hardware's threads work at once. Said, not hidden.
void warn_about_threads(const cli::ExperimentArguments& a) {
  const unsigned hardware = std::thread::hardware_concurrency();
  if (hardware > 0 && a.threads > hardware) {
    spdlog::warn("--threads {}: this machine runs {} threads at once, so at most {} work in parallel (results do "
                 "not depend on it)",
                 a.threads, hardware, hardware);
  }
}

struct Commands {
  CLI::App* run = nullptr;
  CLI::App* compare = nullptr;
  CLI::App* size_targets = nullptr;
  CLI::App* report = nullptr;
  CLI::App* list = nullptr;
  cli::RunArguments run_args;
  cli::ListArguments list_args;
  cli::ReportArguments report_args;
  cli::CompareArguments compare_args;
  cli::SizeTargetsArguments size_targets_args;
  std::string validate_path;
  CLI::App* merge = nullptr;
  const distributed::Job* job = nullptr;
  cli::MergeArguments merge_args;
  double validate_max_memory_gb = 0;
};

int dispatch(const Commands& c) {
  const auto failed = [&c](int code) {
    // One rank's failure is the whole job's: stop the others (their
    // temporary files go with them) rather than leave them waiting.
    if (c.job != nullptr && c.job->distributed()) c.job->abort(code);
    return code;
  };
  try {
    if (*c.run) return cli::run_command(c.run_args);
    if (*c.compare) return cli::compare_command(c.compare_args);
    if (*c.size_targets) return cli::size_targets_command(c.size_targets_args);
    if (*c.merge) return cli::merge_command(c.merge_args);
    if (*c.report) return cli::report_command(c.report_args);
    if (*c.list) return cli::list_command(c.list_args);
    return cli::validate_command(c.validate_path, c.validate_max_memory_gb);
  } catch (const io::ScenarioError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return failed(cli::kBadInput);
  } catch (const std::invalid_argument& e) {
    spdlog::error("{}", e.what());
    return failed(cli::kBadInput);
  } catch (const results::WriteError& e) {
    spdlog::error("{}", e.what());  // the disk, not giotmau: no "internal error"
    return failed(cli::kInternalError);
  } catch (const std::exception& e) {
    spdlog::error("internal error: {}", e.what());
    return failed(cli::kInternalError);
  }
}

}  // namespace

int main(int argc, char** argv) {
  results::skip_hdf5_exit_cleanup();  // a failed write must end in its error message, not a crash at exit
  const distributed::Job job(argc, argv);
  spdlog::set_default_logger(spdlog::stderr_color_mt("giotmau"));
  spdlog::set_pattern("%^%l%$: %v");
  if (job.distributed() && !job.is_root()) {
    // Rank 0 prints the job's results; the others say only what goes wrong, and which rank they are.
    spdlog::set_pattern("%^%l%$: rank " + std::to_string(job.rank()) + ": %v");
    if (std::freopen("/dev/null", "w", stdout) == nullptr) return cli::kInternalError;
  }

  CLI::App app{"giotmau: a parallel discrete-event simulator of Vietnam's voluntary blood donation system"};
  app.require_subcommand(1);
  app.fallthrough();  // --log-level after the subcommand too
  app.set_version_flag("--version", std::string(cli::kVersion) + " (" + cli::kGitCommit + ")");
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace, debug, info (default), warn, error, off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));

  Commands c;
  c.run = app.add_subcommand("run", "run a scenario (N replications) and print its KPIs");
  c.run->add_option("scenario", c.run_args.scenario, "scenario file (TOML)")->required();
  add_experiment_options(c.run, c.run_args.experiment, true);
  c.run->add_option("-o,--output", c.run_args.experiment.output, "write every replication to this HDF5 file")
      ->check(CLI::Validator(check_output_path, "FILE"));

  c.compare = app.add_subcommand(
      "compare", "run scenarios with common random numbers and compare each with the first (the base)");
  c.compare->add_option("scenarios", c.compare_args.scenarios,
                        "the base, then one or more alternatives: BASE.toml ALT1.toml [ALT2.toml ...]")
      ->required()
      ->type_name("FILE")
      ->expected(2, CLI::detail::expected_max_vector_size);  // help then says "FILE ..."
  add_experiment_options(c.compare, c.compare_args.experiment);
  c.compare->add_option("--objective", c.compare_args.objective,
                        "ranking: KPIs separated by commas, '-' before one ranks higher first "
                        "(default shortage_units,outdated)");
  c.compare->add_option("-o,--output", c.compare_args.experiment.output,
                        "write each scenario's replications to an HDF5 file named from this one: "
                        "results.h5 -> results-<scenario name>.h5, and the differences (national, by region, "
                        "province and month) to results-comparison.h5")
      ->check(CLI::Validator(check_output_path, "FILE"));

  c.size_targets = app.add_subcommand(
      "size-targets", "find the smallest collection plan (per province and month) that meets the fill-rate goal");
  add_size_targets_options(c.size_targets, c.size_targets_args);

  c.merge = app.add_subcommand(
      "merge", "join results files of one experiment (run --replications A:B parts) into one, as one run writes it");
  c.merge->add_option("parts", c.merge_args.parts, "PART.h5 ... (same scenario, seed and build; no replication twice)")
      ->required()
      ->expected(1, 100'000)
      ->check(CLI::ExistingFile);
  c.merge->add_option("-o,--output", c.merge_args.output, "the merged HDF5 file")
      ->required()
      ->check(CLI::Validator(check_output_path, "FILE"));
  c.merge->add_flag("--force", c.merge_args.force, "replace an existing output file");

  c.report = app.add_subcommand("report", "write one self-contained HTML report (charts, tables) from results files");
  c.report->add_option("files", c.report_args.files,
                       "one or more results files (run -o, compare -o), and at most one comparison file "
                       "(compare -o writes STEM-comparison.h5)")
      ->required()
      ->type_name("FILE")
      ->expected(1, CLI::detail::expected_max_vector_size);
  c.report->add_option("-o,--output", c.report_args.output, "the HTML file to write")
      ->required()
      ->check(CLI::Validator(check_output_path, "FILE"));
  c.report->add_option("--lang", c.report_args.lang, "vi (default) or en")->check(CLI::IsMember({"vi", "en"}));
  c.report->add_flag("--force", c.report_args.force, "replace an existing output file (a regular file only)");

  c.list = app.add_subcommand("list", "print what a scenario contains: names, display names, parents, key figures");
  c.list->add_option("scenario", c.list_args.scenario, "scenario file (TOML)")->required();
  c.list->add_option("what", c.list_args.what, "areas (default), centres, hospitals, sessions or campaigns")
      ->check(CLI::IsMember({"areas", "centres", "hospitals", "sessions", "campaigns"}));
  c.list->add_option("name", c.list_args.name,
                     "only this one: its name or display name (\"Hà Nội\", \"ha noi\", \"ha-noi\")");

  CLI::App* validate_cmd = app.add_subcommand("validate", "check a scenario file and exit (0 valid, 2 invalid)");
  validate_cmd->add_option("scenario", c.validate_path, "scenario file (TOML)")->required();
  validate_cmd->add_option("--max-memory", c.validate_max_memory_gb,
                           "GB the donor pools of one replication may take (default: 3/4 of this machine's memory)")
      ->check(CLI::PositiveNumber);

  try {
    std::vector<std::string> args = glue_objective_values(argc, argv);
    std::reverse(args.begin(), args.end());  // CLI11 takes them last first
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : cli::kBadInput;
  }
  spdlog::set_level(spdlog::level::from_str(log_level));
  c.job = &job;
  for (cli::ExperimentArguments* a : {&c.run_args.experiment, &c.compare_args.experiment,
                                      &c.size_targets_args.experiment}) {
    a->job = &job;
  }
  if (*c.run) warn_about_threads(c.run_args.experiment);
  if (*c.compare) warn_about_threads(c.compare_args.experiment);
  if (*c.size_targets) warn_about_threads(c.size_targets_args.experiment);
  results::install_interrupt_handlers();  // an interrupted write leaves no file behind
  return dispatch(c);
}
