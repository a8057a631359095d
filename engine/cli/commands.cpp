#include "cli/commands.hpp"

#include <spdlog/spdlog.h>

#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <fstream>
#include <memory>
#include <set>
#include <stdexcept>
#include <system_error>

#include "blood/run.hpp"
#include "cli/progress.hpp"
#include "cli/results_output.hpp"
#include "distributed/job.hpp"
#include "cli/reports.hpp"
#include "cli/summary.hpp"
#include "cli/version.hpp"
#include "cli/where_when.hpp"
#include "experiments/compare.hpp"
#include "experiments/replications.hpp"
#include "experiments/size_targets.hpp"
#include "io/scenario_toml.hpp"
#include "results/destination.hpp"
#include "results/hdf5_handle.hpp"
#include "results/hdf5_writer.hpp"
#include "results/table_file.hpp"
#include "results/interrupt.hpp"

namespace giotmau::cli {

namespace {

namespace fs = std::filesystem;

bool json(const ExperimentArguments& a) { return a.format == "json"; }

// Refuses up front, not after a long run, every destination that cannot or
// may not be written (results/destination.hpp): exit 2 before simulating.
void check_output(const fs::path& path, bool force) { results::check_destinations({{path, "-o"}}, force); }

// The most memory the donor pools may take: --max-memory, or three quarters
// of the machine's memory (the rest is the results, the OS and other work).
io::LoadLimits load_limits(const ExperimentArguments& a) {
  io::LoadLimits limits;
  limits.concurrent_replications = std::min<std::uint64_t>(a.threads, a.replications);
  if (a.max_memory_gb > 0) {
    limits.donor_pool_bytes = static_cast<std::uint64_t>(a.max_memory_gb * 1e9);
    limits.how_to_raise = "set by --max-memory";
  } else {
    const long pages = ::sysconf(_SC_PHYS_PAGES);
    const long page_bytes = ::sysconf(_SC_PAGE_SIZE);
    if (pages > 0 && page_bytes > 0) {
      limits.donor_pool_bytes = static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_bytes) / 4 * 3;
    }
    limits.how_to_raise = "three quarters of this machine's memory; --max-memory GB sets another";
  }
  return limits;
}

// The scenario with the command's `--set KEY=VALUE` overrides applied before
// it is validated (engine/io/overrides.hpp).
std::vector<io::ScenarioOverride> overrides(const ExperimentArguments& a) {
  std::vector<io::ScenarioOverride> parsed;
  for (const std::string& o : a.overrides) parsed.push_back(io::parse_override(o));
  return parsed;
}

io::LoadedScenario load(const std::string& file, const ExperimentArguments& a) {
  return io::load_scenario(file, {a.year, load_limits(a), overrides(a)});
}

// The scenario at one value of a --vary sweep, the --set overrides first.
io::LoadedScenario load_at(const std::string& file, const ExperimentArguments& a, const io::ScenarioSweep& sweep,
                           double value) {
  std::vector<io::ScenarioOverride> all = overrides(a);
  all.push_back(io::sweep_point(sweep, value));
  return io::load_scenario(file, {a.year, load_limits(a), std::move(all)});
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
  if (info.first_replication > 0) {
    std::printf("replications: %zu .. %zu of a larger experiment (seed of replication r > 0 derived from the seed)\n",
                info.first_replication, info.first_replication + info.replications - 1);
  } else if (info.replications > 1) {
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

results::ResultsMetadata metadata(const io::LoadedScenario& loaded, std::uint64_t base_seed) {
  return results::ResultsMetadata{kVersion, kGitCommit, loaded.sha256, loaded.resolved_toml, base_seed};
}

// Runs replications in this process, or spread over the ranks of an MPI job.
experiments::ReplicationRunner replication_runner(const distributed::Job* job) {
  if (job == nullptr || !job->distributed()) return experiments::run_replications;
  return [job](std::shared_ptr<const blood::World> world, const experiments::ReplicationOptions& options) {
    return distributed::run_replications(*job, std::move(world), options);
  };
}

experiments::ReplicationSet replicate(const std::shared_ptr<const blood::World>& world, const ExperimentInfo& info,
                                      bool keep_results, bool quiet, ResultsOutput* writer,
                                      const distributed::Job* job) {
  ProgressBar bar(stderr, stderr_is_terminal() && !quiet);
  bar.update(experiments::Progress{0, info.replications, 0});
  experiments::ReplicationOptions options{info.replications, info.base_seed, info.threads, keep_results,
                                          bar.callback()};
  options.first = info.first_replication;
  if (writer != nullptr) {
    options.on_result = [writer](std::size_t index, const blood::RunResult& r) { writer->write(index, r); };
  }
  auto set = replication_runner(job)(world, options);
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


// ---- size-targets: the plan files

using results::write_atomically;

void write_csv(const fs::path& path, const std::string& text, bool force) {
  write_atomically(path, force, [&](const fs::path& file) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) throw std::runtime_error("cannot write " + file.string());
  });
}

// The plan rows as the HDF5 file's /plan table (engine/results writes it).
results::Table plan_table(const std::vector<PlanRow>& rows) {
  const auto text = [&](auto member) {
    std::vector<std::string> v;
    for (const PlanRow& r : rows) v.push_back(r.*member);
    return v;
  };
  const auto integers = [&](auto member) {
    std::vector<std::int64_t> v;
    for (const PlanRow& r : rows) v.push_back(r.*member);
    return v;
  };
  const auto numbers = [&](auto member) {
    std::vector<double> v;
    for (const PlanRow& r : rows) v.push_back(r.*member);
    return v;
  };
  results::Table t;
  t.name = "plan";
  t.description =
      "one row per province, region and the nation and per month of the period simulated (month 'YYYY-MM'; "
      "'YYYY': a year's total, when the period spans several years; 'period': the whole period): period_target, the sized plan's mean whole-blood collections; current_plan, the scenario's "
      "own sessions simulated the same way; difference; multiplier on the province's session capacity; "
      "sessions_current and typical_capacity, the scenario's sessions and their mean places; session_change, extra "
      "(+) or fewer (-) sessions of that capacity; red-cell fill and outdate rates (period rows of provinces and "
      "the nation) with the ends of the two-sided interval at 2c - 1 (the one-sided bounds at confidence c), "
      "clamped to [0, 1]";
  t.columns = {{"level", text(&PlanRow::level)},
               {"region", text(&PlanRow::region)},
               {"area", text(&PlanRow::area)},
               {"month", text(&PlanRow::month)},
               {"period_target", integers(&PlanRow::period_target)},
               {"current_plan", integers(&PlanRow::current_plan)},
               {"difference", integers(&PlanRow::difference)},
               {"multiplier", numbers(&PlanRow::multiplier)},
               {"sessions_current", numbers(&PlanRow::sessions_current)},
               {"typical_capacity", numbers(&PlanRow::typical_capacity)},
               {"session_change", numbers(&PlanRow::session_change)},
               {"fill_rate", numbers(&PlanRow::fill_rate)},
               {"fill_rate_low", numbers(&PlanRow::fill_rate_low)},
               {"fill_rate_high", numbers(&PlanRow::fill_rate_high)},
               {"outdate_rate", numbers(&PlanRow::outdate_rate)},
               {"outdate_rate_low", numbers(&PlanRow::outdate_rate_low)},
               {"outdate_rate_high", numbers(&PlanRow::outdate_rate_high)},
               {"status", text(&PlanRow::status)},
               {"reason", text(&PlanRow::reason)}};
  return t;
}

// The --vary sweeps as the /sensitivity table: per varied value, the
// national and regional period targets.
results::Table sensitivity_table(const std::vector<SensitivityPoint>& points, const blood::World& world) {
  std::vector<std::string> keys, levels, areas, not_met;
  std::vector<double> values;
  std::vector<std::int64_t> targets, current, goals_met, evaluations;
  for (const SensitivityPoint& point : points) {
    for (const PlanRow& r : plan_rows(point.result, world)) {
      if (r.month != "period" || r.level == "province") continue;
      keys.push_back(point.key);
      values.push_back(point.value);
      levels.push_back(r.level);
      areas.push_back(r.area);
      targets.push_back(r.period_target);
      current.push_back(r.current_plan);
      goals_met.push_back(point.result.goals_met());
      evaluations.push_back(static_cast<std::int64_t>(point.result.evaluations));
      not_met.push_back(provinces_not_met(point.result));
    }
  }
  results::Table t;
  t.name = "sensitivity";
  t.description = "the plan sized at each value of a varied scenario key (--vary): national and regional period "
                  "targets, the current plan at that value, whether the goals were met and which provinces did not";
  t.columns = {{"key", keys},       {"value", values},          {"level", levels},
               {"area", areas},     {"period_target", targets}, {"current_plan", current},
               {"goals_met", goals_met}, {"evaluations", evaluations}, {"not_met", not_met}};
  return t;
}

std::vector<results::Attribute> plan_attributes(const ScenarioLabel& scenario, const ExperimentInfo& info,
                                                const experiments::SizingResult& r) {
  using A = results::Attribute;
  return {A{"giotmau_version", std::string(kVersion)},
          A{"git_commit", std::string(kGitCommit)},
          A{"scenario", scenario.name},
          A{"scenario_sha256", scenario.sha256},
          A{"seed", static_cast<std::uint64_t>(info.base_seed)},
          A{"replications", static_cast<std::int64_t>(r.replications)},
          A{"evaluations", static_cast<std::int64_t>(r.evaluations)},
          A{"simulations", static_cast<std::int64_t>(r.simulations)},
          A{"converged", std::int64_t{r.converged}},
          A{"goals_met", std::int64_t{r.goals_met()}},
          A{"verification_first_replication", static_cast<std::int64_t>(r.verification_first_replication)},
          A{"fill_rate_goal", r.goals.fill_rate},
          A{"max_outdate_rate", r.goals.max_outdate_rate},
          A{"confidence", r.goals.confidence},
          A{"tolerance", r.tolerance}};
}

// ---- size-targets: the command

// The outputs, checked before the long search: not there (unless --force),
// in a directory that exists, and not the same file twice.
void check_plan_outputs(const SizeTargetsArguments& args) {
  const ExperimentArguments& a = args.experiment;
  std::vector<results::Destination> outputs;
  if (!a.output.empty()) outputs.push_back({a.output, "-o"});
  if (!args.hdf5.empty()) outputs.push_back({args.hdf5, "--hdf5"});
  results::check_destinations(outputs, a.force);
}

experiments::SizingOptions sizing_options(const SizeTargetsArguments& args, std::uint64_t scenario_seed) {
  const ExperimentArguments& a = args.experiment;
  experiments::SizingOptions o;
  o.goals = {args.fill_rate, args.max_outdate, args.confidence};
  o.replications = a.replications;
  o.base_seed = a.seed.value_or(scenario_seed);
  o.threads = a.threads;
  o.days = a.days;
  o.tolerance = args.tolerance;
  o.min_multiplier = args.min_multiplier;
  o.max_multiplier = args.max_multiplier;
  o.max_evaluations = args.max_evaluations;
  if (const distributed::Job* job = a.job; job != nullptr && job->distributed()) {
    o.spread = {static_cast<std::size_t>(job->rank()), static_cast<std::size_t>(job->size()),
                [job](const std::string& bytes) { return job->all_gather(bytes); }};
  }
  return o;
}

void print_sizing_header(const ScenarioLabel& s, const blood::World& world, const experiments::SizingOptions& o) {
  std::printf("scenario: %s\nscenario_sha256: %s\n", s.name.c_str(), s.sha256.c_str());
  std::printf("period: %s .. %s (%d days)\nseed: %llu\n", blood::iso_date(world.first_day).c_str(),
              blood::iso_date(world.first_day + world.days - 1).c_str(), world.days,
              static_cast<unsigned long long>(o.base_seed));
  std::printf("replications: %zu per evaluation (the same seeds in every search evaluation: common random numbers; "
              "fresh ones to verify the plan)\n",
              o.replications);
  std::printf("threads: %u\n", o.threads);
  std::printf("goals: every province's red-cell fill rate >= %g and outdate rate <= %g, one-sided bounds at %g%% "
              "confidence\n",
              o.goals.fill_rate, o.goals.max_outdate_rate, 100 * o.goals.confidence);
  std::printf("search: multipliers on each province's session capacity in [%g, %g], tolerance %g%%, at most %zu "
              "evaluations\n",
              o.min_multiplier, o.max_multiplier, 100 * o.tolerance, o.max_evaluations);
  std::fflush(stdout);
}

std::string minutes_seconds(double seconds) {
  const auto s = static_cast<long long>(std::llround(seconds));
  return s >= 60 ? fmt::format("{} min {:02} s", s / 60, s % 60) : fmt::format("{} s", s);
}

// One line per evaluation: k of the most there can be, and the time left if
// all of them run (the search usually stops earlier).
void log_step(const experiments::SizingStep& s) {
  double low = s.multipliers.empty() ? 0 : s.multipliers.front(), high = low;
  for (const double m : s.multipliers) {
    low = std::min(low, m);
    high = std::max(high, m);
  }
  using Phase = experiments::SizingStep::Phase;
  const char* phase = s.phase == Phase::Search ? "search" : "verification, fresh seeds";
  const double per_evaluation = s.elapsed_seconds / static_cast<double>(s.evaluation);
  const std::size_t left = s.max_evaluations > s.evaluation ? s.max_evaluations - s.evaluation : 0;
  spdlog::info("evaluation {} of at most {} ({}): {}/{} provinces meet the fill-rate goal, multipliers {:.3f}..{:.3f}, "
               "national collections {:.0f}; {} elapsed, ETA at most {}",
               s.evaluation, s.max_evaluations, phase, s.provinces_meeting_fill, s.provinces_sized, low, high,
               s.national_collected, minutes_seconds(s.elapsed_seconds),
               minutes_seconds(per_evaluation * static_cast<double>(left)));
}

std::string names_where(const experiments::SizingResult& r, bool (*missing)(const experiments::ProvincePlan&)) {
  std::string names;
  for (const auto& p : r.provinces) {
    if (missing(p)) names += (names.empty() ? "" : ", ") + p.area;
  }
  return names.empty() ? "none" : names;
}

void print_sizing_verdict(const experiments::SizingResult& r) {
  std::printf("\nnational_period_target: %s units (the plan for the period simulated: the provinces' targets summed)\n",
              std::to_string(r.national_annual_target).c_str());
  std::printf("evaluations: %zu\nsimulations: %zu\nwall_seconds: %.3f\n", r.evaluations, r.simulations,
              r.wall_seconds);
  const char* search = r.converged ? "converged (every province's multiplier bracketed within the tolerance: it met the "
                                     "goal at the plan's value and missed it one tolerance lower)"
                                   : "stopped at its share of the evaluation cap (each province at the smallest "
                                     "multiplier seen to meet the goal; see the status column)";
  std::printf("search: %s\n", search);
  std::printf("verification: %zu round(s) on fresh seeds; the figures above are from the last (replications %zu .. %zu "
              "from the seed)\n",
              r.verification_rounds, r.verification_first_replication,
              r.verification_first_replication + r.verification_replications - 1);
  std::printf("short_of_fill_rate_goal: %s\n",
              names_where(r, [](const experiments::ProvincePlan& p) { return !p.outcome.meets_fill; }).c_str());
  std::printf("over_outdate_limit: %s\n",
              names_where(r, [](const experiments::ProvincePlan& p) { return !p.outcome.meets_outdate; }).c_str());
  std::printf("without_fresh_seed_margin: %s\n", names_where(r, [](const experiments::ProvincePlan& p) {
                return p.sized && p.outcome.meets_fill && p.outcome.meets_outdate &&
                       !(p.outcome.holds_fill && p.outcome.holds_outdate);
              }).c_str());
  for (const auto& p : r.provinces) {
    if (!p.reason.empty()) std::printf("why_not_met: %s: %s\n", p.area.c_str(), p.reason.c_str());
  }
  std::printf("national_check: fill rate %s, outdate rate %s\n", r.national.meets_fill ? "met" : "missed",
              r.national.meets_outdate ? "met" : "missed");
  std::printf("goals_met: %s\n", r.goals_met() ? "yes" : "no");
}

}  // namespace

fs::path comparison_file_path(const fs::path& output) {
  return output.parent_path() / (output.stem().string() + "-comparison" + output.extension().string());
}

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

int validate_command(const std::string& path, double max_memory_gb) {
  ExperimentArguments a;
  a.max_memory_gb = max_memory_gb;
  const io::LoadedScenario loaded = io::load_scenario(path, {std::nullopt, load_limits(a)});
  blood::build_world(loaded.scenario);  // what the model itself checks
  std::printf("%s: valid (scenario \"%s\", sha256 %s)\n", path.c_str(), loaded.scenario.name.c_str(),
              loaded.sha256.c_str());
  return kDone;
}

int merge_command(const MergeArguments& args) {
  check_output(args.output, args.force);
  std::vector<results::ResultsFileInfo> parts;
  for (const std::string& part : args.parts) parts.push_back(results::read_results_info(part));
  results::check_mergeable(parts);
  // The world the parts ran, rebuilt from the scenario they carry: it gives
  // the file its areas, drives and dates, exactly as the run wrote them.
  const results::ResultsFileInfo& first = parts.front();
  const io::LoadedScenario loaded = io::load_scenario_text(first.scenario_toml, first.path.string() + ":/scenario");
  if (loaded.sha256 != first.scenario_sha256) {
    throw std::invalid_argument(first.path.string() + ": its scenario does not hash to its scenario_sha256 (" +
                                loaded.sha256 + " != " + first.scenario_sha256 + ")");
  }
  const auto start = blood::parse_iso_date(first.start_date), end = blood::parse_iso_date(first.end_date);
  if (!start || !end || *end < *start) {
    throw std::invalid_argument(first.path.string() + ": its start_date and end_date are not a period");
  }
  const int days = static_cast<int>(*end - *start) + 1;
  const auto world = blood::build_world(loaded.scenario, days);
  std::vector<std::size_t> indices;
  for (const auto& p : parts) indices.insert(indices.end(), p.replications.begin(), p.replications.end());
  results::ResultsWriter writer(args.output, world, indices,
                                results::ResultsMetadata{first.giotmau_version, first.git_commit,
                                                         first.scenario_sha256, first.scenario_toml, first.seed},
                                args.force);
  for (const auto& p : parts) writer.copy(p);
  writer.commit();
  std::printf("merged: %zu replications from %zu files\nresults: %s\n", indices.size(), parts.size(),
              args.output.c_str());
  return kDone;
}

int run_command(const RunArguments& args) {
  const ExperimentArguments& a = args.experiment;
  const io::LoadedScenario loaded = load(args.scenario, a);
  if (!a.output.empty()) check_output(a.output, a.force);
  const auto world = blood::build_world(loaded.scenario, a.days);
  const ExperimentInfo info{a.seed.value_or(loaded.scenario.seed), a.replications, a.threads,
                            a.first_replication};
  const ScenarioLabel scenario = label(args.scenario, loaded);
  if (!json(a)) print_run_header(scenario, *world, info);

  // Results go to the file as each replication finishes; one run also keeps
  // its result for the detailed summary.
  const distributed::Job single;
  const distributed::Job& job = a.job != nullptr ? *a.job : single;
  std::optional<ResultsOutput> writer;
  if (!a.output.empty()) {
    writer.emplace(job, a.output, world, info.first_replication, info.replications, metadata(loaded, info.base_seed),
                   a.force);
  }
  const auto set = replicate(world, info, a.replications == 1 && !job.distributed(), a.quiet,
                             writer ? &*writer : nullptr, &job);
  const bool balanced = report_conservation(set, scenario.name);
  if (balanced && writer) writer->commit();
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
    loaded.push_back(load(file, a));
    labels.push_back(label(file, loaded.back()));
    worlds.push_back(blood::build_world(loaded.back().scenario, a.days));
  }
  std::vector<fs::path> paths;
  fs::path comparison_path;
  if (!a.output.empty()) {
    results::check_names_a_file({a.output, "-o"});
    std::vector<std::string> names;
    for (const auto& l : labels) names.push_back(l.name);
    paths = comparison_output_paths(a.output, names);
    comparison_path = comparison_file_path(a.output);
    if (std::find(paths.begin(), paths.end(), comparison_path) != paths.end()) {
      throw std::invalid_argument("a scenario's results would go to '" + comparison_path.string() +
                                  "', the comparison file's name: rename the scenario");
    }
    std::vector<results::Destination> outputs;
    for (const auto& p : paths) outputs.push_back({p, "-o"});
    outputs.push_back({comparison_path, "-o"});
    results::check_destinations(outputs, a.force);
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
  const distributed::Job single;
  const distributed::Job& job = a.job != nullptr ? *a.job : single;
  std::vector<std::unique_ptr<ResultsOutput>> writers(paths.size());
  for (std::size_t s = 0; s < paths.size(); ++s) {
    writers[s] = std::make_unique<ResultsOutput>(job, paths[s], worlds[s], 0, info.replications,
                                                 metadata(loaded[s], info.base_seed), a.force);
  }
  bool balanced = true;
  const auto on_done = [&](std::size_t s, const experiments::ReplicationSet& set) {
    log_replications(set);
    balanced = report_conservation(set, labels[s].name) && balanced;
    if (writers.empty() || !set.balanced()) return;
    writers[s]->commit();
    written[s] = paths[s].string();
  };
  ProgressBar bar(stderr, stderr_is_terminal() && !a.quiet);
  bar.update(experiments::Progress{0, worlds.size() * info.replications, 0});
  experiments::CompareOptions options{info.replications, info.base_seed,          info.threads, false,
                                      objective,         experiments::kDefaultConfidence, bar.callback()};
  options.run_replications = replication_runner(&job);
  if (!writers.empty()) {
    options.on_result = [&](std::size_t s, std::size_t index, const blood::RunResult& r) {
      writers[s]->write(index, r);
    };
  }
  const experiments::CompareRun run = experiments::run_comparison(worlds, options, on_done);
  bar.finish();
  std::optional<std::string> comparison_written;
  if (balanced && !comparison_path.empty()) {
    write_comparison_file(comparison_path, labels, info, run.comparison, a.force);
    comparison_written = comparison_path.string();
  }

  if (json(a)) {
    std::fputs(comparison_json(labels, info, run, written, comparison_written).c_str(), stdout);
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
  if (comparison_written) std::printf("comparison: %s\n", comparison_written->c_str());
  return kDone;
}

namespace {

// Sizes the plan at every value of every --vary sweep (the other overrides
// kept), one after the other.
std::vector<SensitivityPoint> sweep(const SizeTargetsArguments& args, const std::vector<io::ScenarioSweep>& sweeps,
                                    const experiments::SizingOptions& base_options) {
  std::vector<SensitivityPoint> points;
  for (const io::ScenarioSweep& s : sweeps) {
    for (const double value : s.values) {
      const io::LoadedScenario loaded = load_at(args.scenario, args.experiment, s, value);
      if (!args.experiment.quiet) spdlog::info("sensitivity: {} = {}", s.key, io::sweep_point(s, value).value);
      points.push_back({s.key, value, experiments::size_targets(loaded.scenario, base_options)});
    }
  }
  return points;
}

}  // namespace

int size_targets_command(const SizeTargetsArguments& args) {
  const ExperimentArguments& a = args.experiment;
  const io::LoadedScenario loaded = load(args.scenario, a);
  std::vector<io::ScenarioSweep> sweeps;
  for (const std::string& v : args.vary) sweeps.push_back(io::parse_sweep(v));
  for (const io::ScenarioSweep& s : sweeps) {  // every value must load, before the long work starts
    for (const double value : s.values) {
      blood::build_world(load_at(args.scenario, a, s, value).scenario, a.days);
    }
  }
  check_plan_outputs(args);
  const auto world = blood::build_world(loaded.scenario, a.days);  // what the model checks, before the search
  experiments::SizingOptions options = sizing_options(args, loaded.scenario.seed);
  experiments::check_sizing_options(options);
  const ScenarioLabel scenario = label(args.scenario, loaded);
  const ExperimentInfo info{options.base_seed, options.replications, options.threads};
  if (!json(a)) print_sizing_header(scenario, *world, options);
  if (!a.quiet) options.on_step = log_step;

  const experiments::SizingResult result = experiments::size_targets(loaded.scenario, options);
  const std::vector<SensitivityPoint> points = sweep(args, sweeps, options);
  bool balanced = result.balanced;
  for (const SensitivityPoint& p : points) balanced = balanced && p.result.balanced;
  if (!balanced) spdlog::error("conservation: the books did not balance in some simulation of the search");
  const std::vector<PlanRow> rows = plan_rows(result, *world);
  std::vector<std::string> written;
  // In an MPI job every rank has the same plan; rank 0 writes it.
  const bool writes = a.job == nullptr || a.job->is_root();
  if (balanced && writes && !a.output.empty()) {
    write_csv(a.output, plan_csv(rows), a.force);
    written.push_back(a.output);
  }
  if (balanced && writes && !args.hdf5.empty()) {
    std::vector<results::Table> tables{plan_table(rows)};
    if (!points.empty()) tables.push_back(sensitivity_table(points, *world));
    results::write_table_file(args.hdf5, plan_attributes(scenario, info, result), tables, a.force);
    written.push_back(args.hdf5);
  }

  if (json(a)) {
    std::fputs(plan_json(scenario, *world, info, options, result, written, points).c_str(), stdout);
    return balanced ? kDone : kUnbalanced;
  }
  if (!a.quiet) print_plan_text(stdout, result, *world);
  if (!points.empty()) print_sensitivity_text(stdout, points, *world);
  print_sizing_verdict(result);
  if (!balanced) return kUnbalanced;
  std::printf("conservation: balanced\n");
  for (const auto& f : written) std::printf("plan_file: %s\n", f.c_str());
  return kDone;
}

}  // namespace giotmau::cli
