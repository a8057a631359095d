#include "cli/commands.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>
#include <set>
#include <stdexcept>

#include "blood/run.hpp"
#include "cli/progress.hpp"
#include "cli/reports.hpp"
#include "cli/summary.hpp"
#include "cli/version.hpp"
#include "experiments/compare.hpp"
#include "experiments/replications.hpp"
#include "io/scenario_toml.hpp"
#include "results/hdf5_writer.hpp"

namespace giotmau::cli {

namespace {

namespace fs = std::filesystem;

bool json(const ExperimentArguments& a) { return a.format == "json"; }

// Refuses up front, not after a long run, to overwrite a result or to write
// where there is no directory.
void check_output(const fs::path& path, bool force) {
  if (fs::exists(path) && !force) {
    throw std::invalid_argument("output file '" + path.string() + "' exists; use --force to replace it");
  }
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  if (!fs::is_directory(dir)) throw std::invalid_argument("output directory '" + dir.string() + "' does not exist");
}

ScenarioLabel label(const std::string& file, const io::LoadedScenario& loaded) {
  return ScenarioLabel{file, loaded.scenario.name, loaded.sha256};
}

// The lines `run` has always started with (scripts read them), and the
// replication count when there is more than one.
void print_run_header(const ScenarioLabel& s, const blood::World& world, const ExperimentInfo& info) {
  std::printf("scenario: %s\nscenario_sha256: %s\n", s.name.c_str(), s.sha256.c_str());
  std::printf("period: %s .. %s (%d days)\nseed: %llu\n", blood::iso_date(world.first_day).c_str(),
              blood::iso_date(world.first_day + world.days - 1).c_str(), world.days,
              static_cast<unsigned long long>(info.base_seed));
  if (info.replications > 1) {
    std::printf("replications: %zu (seed of replication r > 0 derived from the seed)\n", info.replications);
  }
  std::printf("threads: %u\nlogical_processes: %zu\nlookahead_minutes: %lld\n", info.threads, world.lp_count,
              static_cast<long long>(world.lookahead / blood::kTicksPerMinute));
  std::fflush(stdout);
}

// Logs every place the books do not balance; true when they all do.
bool report_conservation(const experiments::ReplicationSet& set, const std::string& scenario) {
  for (const auto& r : set.replications) {
    for (const auto& p : r.conservation_problems) {
      spdlog::error("conservation ({}, replication {}, seed {}): {}", scenario, r.index, r.seed, p);
    }
  }
  return set.balanced();
}

void log_replications(const experiments::ReplicationSet& set) {
  for (const auto& r : set.replications) {
    spdlog::debug("replication {}: seed {}, {} events, {:.3f} s, trace {:016x}", r.index, r.seed, r.events,
                  r.wall_seconds, r.trace_hash);
  }
}

void write(const fs::path& path, const experiments::ReplicationSet& set, const io::LoadedScenario& loaded,
           bool force) {
  const results::ResultsMetadata meta{kVersion, kGitCommit, loaded.sha256, loaded.resolved_toml, set.base_seed};
  results::write_results(path, set.results, meta, force);
}

experiments::ReplicationSet replicate(const std::shared_ptr<const blood::World>& world, const ExperimentInfo& info,
                                      bool keep_results, bool quiet) {
  ProgressBar bar(stderr, stderr_is_terminal() && !quiet);
  bar.update(experiments::Progress{0, info.replications, 0});
  const experiments::ReplicationOptions options{info.replications, info.base_seed, info.threads, keep_results,
                                                bar.callback()};
  auto set = experiments::run_replications(world, options);
  bar.finish();
  log_replications(set);
  return set;
}

void print_run_text(const experiments::ReplicationSet& set, const ExperimentInfo& info, bool quiet) {
  // One run: the kernel's own time, as always (benchmarks read it); more: the whole experiment's.
  const double wall = info.replications == 1 ? set.replications.front().wall_seconds : set.wall_seconds;
  std::printf("events: %llu\nwall_seconds: %.3f\n", static_cast<unsigned long long>(set.events()), wall);
  if (quiet) return;
  if (info.replications == 1) {
    print_summary(stdout, set.results.front());  // one run: the detailed summary, as always
  } else {
    print_summary_text(stdout, experiments::summarize(set));
  }
}

// A scenario name as part of a file name: one '_' for each character (not
// byte: names are UTF-8) other than an ASCII letter, digit, '.', '_' or '-'.
std::string sanitised(const std::string& name) {
  std::string s;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    const bool continuation = (static_cast<unsigned char>(c) & 0xC0) == 0x80;
    if (ok) {
      s += c;
    } else if (!continuation) {
      s += '_';
    }
  }
  return s;
}

}  // namespace

std::vector<fs::path> comparison_output_paths(const fs::path& output, const std::vector<std::string>& names) {
  std::vector<fs::path> paths;
  std::set<fs::path> seen;
  for (const std::string& name : names) {
    fs::path p = output.parent_path() / (output.stem().string() + "-" + sanitised(name) + output.extension().string());
    if (!seen.insert(p).second) {
      throw std::invalid_argument("two scenarios are named '" + name + "': their results would both go to '" +
                                  p.string() + "'");
    }
    paths.push_back(std::move(p));
  }
  return paths;
}

int validate_command(const std::string& path) {
  const io::LoadedScenario loaded = io::load_scenario(path);
  blood::build_world(loaded.scenario);  // what the model itself checks
  std::printf("%s: valid (scenario \"%s\", sha256 %s)\n", path.c_str(), loaded.scenario.name.c_str(),
              loaded.sha256.c_str());
  return kDone;
}

int run_command(const RunArguments& args) {
  const ExperimentArguments& a = args.experiment;
  const io::LoadedScenario loaded = io::load_scenario(args.scenario);
  if (!a.output.empty()) check_output(a.output, a.force);
  const auto world = blood::build_world(loaded.scenario, a.days);
  const ExperimentInfo info{a.seed.value_or(loaded.scenario.seed), a.replications, a.threads};
  const ScenarioLabel scenario = label(args.scenario, loaded);
  if (!json(a)) print_run_header(scenario, *world, info);

  // One run keeps its result for the detailed summary; more only for the file.
  const auto set = replicate(world, info, !a.output.empty() || a.replications == 1, a.quiet);
  const bool balanced = report_conservation(set, scenario.name);
  if (balanced && !a.output.empty()) write(a.output, set, loaded, a.force);
  const auto results_file = balanced && !a.output.empty() ? std::optional(a.output) : std::nullopt;

  if (json(a)) {
    std::fputs(run_json(scenario, info, set, experiments::summarize(set), results_file).c_str(), stdout);
    return balanced ? kDone : kUnbalanced;
  }
  print_run_text(set, info, a.quiet);
  if (!balanced) return kUnbalanced;
  std::printf("conservation: balanced\n");
  if (results_file) std::printf("results: %s\n", results_file->c_str());
  return kDone;
}

int compare_command(const CompareArguments& args) {
  const ExperimentArguments& a = args.experiment;
  const experiments::Objective objective =
      args.objective.empty() ? experiments::default_objective() : experiments::parse_objective(args.objective);
  std::vector<io::LoadedScenario> loaded;
  std::vector<ScenarioLabel> labels;
  std::vector<std::shared_ptr<const blood::World>> worlds;
  for (const std::string& file : args.scenarios) {
    loaded.push_back(io::load_scenario(file));
    labels.push_back(label(file, loaded.back()));
    worlds.push_back(blood::build_world(loaded.back().scenario, a.days));
  }
  std::vector<fs::path> paths;
  if (!a.output.empty()) {
    std::vector<std::string> names;
    for (const auto& l : labels) names.push_back(l.name);
    paths = comparison_output_paths(a.output, names);
    for (const auto& p : paths) check_output(p, a.force);
  }

  const ExperimentInfo info{a.seed.value_or(loaded.front().scenario.seed), a.replications, a.threads};
  if (!json(a)) {
    for (std::size_t s = 0; s < labels.size(); ++s) {
      std::printf("%s: %s (%s, %d days, sha256 %s)\n", s == 0 ? "base" : "alternative", labels[s].name.c_str(),
                  labels[s].file.c_str(), worlds[s]->days, labels[s].sha256.c_str());
    }
    std::printf("seed: %llu (common random numbers: replication r uses the same seed in every scenario)\n",
                static_cast<unsigned long long>(info.base_seed));
    std::printf("replications: %zu\nthreads: %u\n", info.replications, info.threads);
    std::fflush(stdout);
  }

  std::vector<std::optional<std::string>> written(labels.size());
  bool balanced = true;
  const auto on_done = [&](std::size_t s, const experiments::ReplicationSet& set) {
    log_replications(set);
    balanced = report_conservation(set, labels[s].name) && balanced;
    if (paths.empty() || !set.balanced()) return;
    write(paths[s], set, loaded[s], a.force);
    written[s] = paths[s].string();
  };
  ProgressBar bar(stderr, stderr_is_terminal() && !a.quiet);
  bar.update(experiments::Progress{0, worlds.size() * info.replications, 0});
  experiments::CompareOptions options{info.replications, info.base_seed,          info.threads, !paths.empty(),
                                      objective,         experiments::kDefaultConfidence, bar.callback()};
  const experiments::CompareRun run = experiments::run_comparison(worlds, options, on_done);
  bar.finish();

  if (json(a)) {
    std::fputs(comparison_json(labels, info, run, written).c_str(), stdout);
    return balanced ? kDone : kUnbalanced;
  }
  std::uint64_t events = 0;
  double wall = 0;
  for (const auto& set : run.sets) {
    events += set.events();
    wall += set.wall_seconds;
  }
  std::printf("events: %llu\nwall_seconds: %.3f\n", static_cast<unsigned long long>(events), wall);
  if (!a.quiet) print_comparison_text(stdout, labels, run.comparison);
  if (!balanced) return kUnbalanced;
  std::printf("conservation: balanced\n");
  for (const auto& f : written) {
    if (f) std::printf("results: %s\n", f->c_str());
  }
  return kDone;
}

}  // namespace giotmau::cli
