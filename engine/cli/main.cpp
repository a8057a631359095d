// giotmau: the command line. Thin on purpose: it parses arguments, calls the
// scenario adapter, the model and the results writer, and maps failures to
// exit codes (0 done, 1 internal error, 2 bad input, 3 the books did not balance).
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

#include "blood/run.hpp"
#include "cli/summary.hpp"
#include "cli/version.hpp"
#include "io/scenario_toml.hpp"
#include "results/hdf5_writer.hpp"
#include "results/interrupt.hpp"

namespace {

using namespace giotmau;

constexpr int kBadInput = 2;
constexpr int kUnbalanced = 3;

struct RunArguments {
  std::string scenario;
  std::optional<std::uint64_t> seed;
  unsigned threads = 1;
  int days = 0;
  bool quiet = false;
  std::string output;  // HDF5 results file; empty: none
  bool force = false;  // replace an existing output file
};

// Refuses up front, not after a long run, to overwrite a result or to write
// where there is no directory.
void check_output(const RunArguments& args) {
  if (args.output.empty()) return;
  const std::filesystem::path path(args.output);
  if (std::filesystem::exists(path) && !args.force) {
    throw std::invalid_argument("output file '" + args.output + "' exists; use --force to replace it");
  }
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  if (!std::filesystem::is_directory(dir)) {
    throw std::invalid_argument("output directory '" + dir.string() + "' does not exist");
  }
}

int validate(const std::string& path) {
  const io::LoadedScenario loaded = io::load_scenario(path);
  blood::build_world(loaded.scenario);  // what the model itself checks
  std::printf("%s: valid (scenario \"%s\", sha256 %s)\n", path.c_str(), loaded.scenario.name.c_str(),
              loaded.sha256.c_str());
  return 0;
}

int run(const RunArguments& args) {
  const io::LoadedScenario loaded = io::load_scenario(args.scenario);
  const blood::Scenario& scenario = loaded.scenario;
  check_output(args);
  const auto world = blood::build_world(scenario, args.days);
  const std::uint64_t seed = args.seed.value_or(scenario.seed);
  std::printf("scenario: %s\nscenario_sha256: %s\n", scenario.name.c_str(), loaded.sha256.c_str());
  std::printf("period: %s .. %s (%d days)\nseed: %llu\nthreads: %u\n", blood::iso_date(world->first_day).c_str(),
              blood::iso_date(world->first_day + world->days - 1).c_str(), world->days,
              static_cast<unsigned long long>(seed), args.threads);
  std::printf("logical_processes: %zu\nlookahead_minutes: %lld\n", world->lp_count,
              static_cast<long long>(world->lookahead / blood::kTicksPerMinute));
  std::fflush(stdout);

  const blood::RunResult result = blood::run(world, blood::RunOptions{seed, args.threads});
  std::printf("events: %llu\nwall_seconds: %.3f\n", static_cast<unsigned long long>(result.kernel.events_processed),
              result.wall_seconds);
  if (!args.quiet) cli::print_summary(stdout, result);

  const auto problems = blood::check_conservation(result);
  if (!problems.empty()) {
    for (const auto& p : problems) spdlog::error("conservation: {}", p);
    return kUnbalanced;
  }
  std::printf("conservation: balanced\n");
  if (!args.output.empty()) {
    results::write_results(args.output, {result},
                           results::ResultsMetadata{cli::kVersion, cli::kGitCommit, loaded.sha256, loaded.resolved_toml, seed},
                           args.force);
    std::printf("results: %s\n", args.output.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("giotmau"));
  spdlog::set_pattern("%^%l%$: %v");

  CLI::App app{"giotmau: a parallel discrete-event simulator of Vietnam's voluntary blood donation system"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(cli::kVersion) + " (" + cli::kGitCommit + ")");
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error, off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));

  RunArguments run_args;
  CLI::App* run_cmd = app.add_subcommand("run", "run a scenario and print its KPIs");
  run_cmd->add_option("scenario", run_args.scenario, "scenario file (TOML)")->required();
  run_cmd->add_option("--seed", run_args.seed, "random seed (default: the scenario's)");
  run_cmd->add_option("--threads", run_args.threads, "worker threads (results do not depend on it)")
      ->check(CLI::Range(1u, 1024u));
  run_cmd->add_option("--days", run_args.days, "simulate only the first N days")->check(CLI::PositiveNumber);
  run_cmd->add_flag("--quiet", run_args.quiet, "no KPI tables");
  run_cmd->add_option("-o,--output", run_args.output, "write the results to this HDF5 file");
  run_cmd->add_flag("--force", run_args.force, "replace an existing output file");

  std::string validate_path;
  CLI::App* validate_cmd = app.add_subcommand("validate", "check a scenario file and exit (0 valid, 2 invalid)");
  validate_cmd->add_option("scenario", validate_path, "scenario file (TOML)")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kBadInput;
  }
  spdlog::set_level(spdlog::level::from_str(log_level));
  results::install_interrupt_handlers();  // an interrupted write leaves no file behind

  try {
    if (*run_cmd) return run(run_args);
    if (*validate_cmd) return validate(validate_path);
  } catch (const io::ScenarioError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return kBadInput;
  } catch (const std::invalid_argument& e) {
    spdlog::error("{}", e.what());
    return kBadInput;
  } catch (const std::exception& e) {
    spdlog::error("internal error: {}", e.what());
    return 1;
  }
  return 0;
}
