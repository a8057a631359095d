// giotmau: the command line. Thin on purpose: it declares the subcommands and
// their options (CLI11), hands them to cli/commands.cpp, and maps failures to
// exit codes (0 done, 1 internal error, 2 bad input, 3 the books did not balance).
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/list_command.hpp"
#include "cli/report_command.hpp"
#include "cli/version.hpp"
#include "io/scenario_toml.hpp"
#include "results/interrupt.hpp"

namespace {

using namespace giotmau;

void add_experiment_options(CLI::App* cmd, cli::ExperimentArguments& a) {
  cmd->add_option("-n,--replications", a.replications, "independent replications (default 1)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}));
  cmd->add_option("--seed", a.seed, "base random seed (default: the scenario's); replication 0 uses it as is");
  cmd->add_option("--threads", a.threads, "worker threads (results do not depend on it)")->check(CLI::Range(1u, 1024u));
  cmd->add_option("--days", a.days, "simulate only the first N days")->check(CLI::PositiveNumber);
  cmd->add_option("--format", a.format, "text (default) or json (everything the text shows, on stdout)")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_flag("--quiet", a.quiet, "no KPI tables and no progress bar");
  cmd->add_flag("--force", a.force, "replace existing output files");
}

void add_size_targets_options(CLI::App* cmd, cli::SizeTargetsArguments& a) {
  cmd->add_option("scenario", a.scenario, "scenario file (TOML)")->required();
  add_experiment_options(cmd, a.experiment);
  cmd->get_option("-n")->description("replications per evaluation, the same seeds in each (default 20, at least 2)");
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
  cmd->add_option("--max-evaluations", a.max_evaluations, "cap on the search's evaluations of R replications each");
  cmd->add_option("-o,--output", a.experiment.output, "write the plan to this CSV file");
  cmd->add_option("--hdf5", a.hdf5, "write the plan to this HDF5 file (one table)");
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
};

int dispatch(const Commands& c) {
  try {
    if (*c.run) return cli::run_command(c.run_args);
    if (*c.compare) return cli::compare_command(c.compare_args);
    if (*c.size_targets) return cli::size_targets_command(c.size_targets_args);
    if (*c.report) return cli::report_command(c.report_args);
    if (*c.list) return cli::list_command(c.list_args);
    return cli::validate_command(c.validate_path);
  } catch (const io::ScenarioError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return cli::kBadInput;
  } catch (const std::invalid_argument& e) {
    spdlog::error("{}", e.what());
    return cli::kBadInput;
  } catch (const std::exception& e) {
    spdlog::error("internal error: {}", e.what());
    return cli::kInternalError;
  }
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("giotmau"));
  spdlog::set_pattern("%^%l%$: %v");

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
  add_experiment_options(c.run, c.run_args.experiment);
  c.run->add_option("-o,--output", c.run_args.experiment.output, "write every replication to this HDF5 file");

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
                        "province and month) to results-comparison.h5");

  c.size_targets = app.add_subcommand(
      "size-targets", "find the smallest collection plan (per province and month) that meets the fill-rate goal");
  add_size_targets_options(c.size_targets, c.size_targets_args);

  c.report = app.add_subcommand("report", "write one self-contained HTML report (charts, tables) from results files");
  c.report->add_option("files", c.report_args.files,
                       "one or more results files (run -o, compare -o), and at most one comparison file "
                       "(compare -o writes STEM-comparison.h5)")
      ->required()
      ->type_name("FILE")
      ->expected(1, CLI::detail::expected_max_vector_size);
  c.report->add_option("-o,--output", c.report_args.output, "the HTML file to write")->required();
  c.report->add_option("--lang", c.report_args.lang, "vi (default) or en")->check(CLI::IsMember({"vi", "en"}));
  c.report->add_flag("--force", c.report_args.force, "replace an existing output file");

  c.list = app.add_subcommand("list", "print what a scenario contains: names, display names, parents, key figures");
  c.list->add_option("scenario", c.list_args.scenario, "scenario file (TOML)")->required();
  c.list->add_option("what", c.list_args.what, "areas (default), centres, hospitals, sessions or campaigns")
      ->check(CLI::IsMember({"areas", "centres", "hospitals", "sessions", "campaigns"}));
  c.list->add_option("name", c.list_args.name,
                     "only this one: its name or display name (\"Hà Nội\", \"ha noi\", \"ha-noi\")");

  CLI::App* validate_cmd = app.add_subcommand("validate", "check a scenario file and exit (0 valid, 2 invalid)");
  validate_cmd->add_option("scenario", c.validate_path, "scenario file (TOML)")->required();

  try {
    std::vector<std::string> args = glue_objective_values(argc, argv);
    std::reverse(args.begin(), args.end());  // CLI11 takes them last first
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : cli::kBadInput;
  }
  spdlog::set_level(spdlog::level::from_str(log_level));
  results::install_interrupt_handlers();  // an interrupted write leaves no file behind
  return dispatch(c);
}
