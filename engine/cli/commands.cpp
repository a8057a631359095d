#include "cli/commands.hpp"

#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdio>
#include <fstream>
#include <memory>
#include <set>
#include <stdexcept>
#include <system_error>

#include "blood/run.hpp"
#include "cli/progress.hpp"
#include "cli/reports.hpp"
#include "cli/summary.hpp"
#include "cli/version.hpp"
#include "cli/where_when.hpp"
#include "experiments/compare.hpp"
#include "experiments/replications.hpp"
#include "experiments/size_targets.hpp"
#include "io/scenario_toml.hpp"
#include "results/hdf5_handle.hpp"
#include "results/hdf5_writer.hpp"
#include "results/interrupt.hpp"

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

// One row of the HDF5 table, laid out for H5Dwrite (a compound type with
// the CSV's columns; strings as variable-length UTF-8).
struct Hdf5PlanRow {
  const char* area;
  double multiplier;
  std::int64_t annual_target;
  std::int64_t months[12];
  double rates[6];  // fill rate, its low and high; outdate rate, its low and high
  std::int8_t meets_fill_rate;
  std::int8_t meets_outdate_rate;
  const char* status;
};

using results::check;
using results::checked;
using results::Handle;

Handle plan_row_type() {
  const Handle text = results::make_vlen_utf8();
  Handle row = checked(H5Tcreate(H5T_COMPOUND, sizeof(Hdf5PlanRow)), H5Tclose, "creating the row type");
  const auto insert = [&](const char* name, std::size_t offset, hid_t type) {
    check(H5Tinsert(row.get(), name, offset, type), std::string("adding column ") + name);
  };
  insert("area", offsetof(Hdf5PlanRow, area), text.get());
  insert("multiplier", offsetof(Hdf5PlanRow, multiplier), H5T_NATIVE_DOUBLE);
  insert("annual_target", offsetof(Hdf5PlanRow, annual_target), H5T_NATIVE_INT64);
  for (std::size_t m = 0; m < 12; ++m) {
    insert(kPlanMonthColumns[m], offsetof(Hdf5PlanRow, months) + m * sizeof(std::int64_t), H5T_NATIVE_INT64);
  }
  constexpr std::array<const char*, 6> kRates = {"fill_rate",    "fill_rate_low",    "fill_rate_high",
                                                 "outdate_rate", "outdate_rate_low", "outdate_rate_high"};
  for (std::size_t i = 0; i < kRates.size(); ++i) {
    insert(kRates[i], offsetof(Hdf5PlanRow, rates) + i * sizeof(double), H5T_NATIVE_DOUBLE);
  }
  insert("meets_fill_rate", offsetof(Hdf5PlanRow, meets_fill_rate), H5T_NATIVE_INT8);
  insert("meets_outdate_rate", offsetof(Hdf5PlanRow, meets_outdate_rate), H5T_NATIVE_INT8);
  insert("status", offsetof(Hdf5PlanRow, status), text.get());
  return row;
}

std::vector<Hdf5PlanRow> hdf5_rows(const std::vector<PlanRow>& rows) {
  std::vector<Hdf5PlanRow> out;
  for (const PlanRow& r : rows) {
    Hdf5PlanRow h{};
    h.area = r.area.c_str();
    h.multiplier = r.multiplier;
    h.annual_target = r.annual_target;
    for (std::size_t m = 0; m < 12; ++m) h.months[m] = r.monthly_target[m];
    const std::array<double, 6> rates = {r.fill_rate,    r.fill_rate_low,    r.fill_rate_high,
                                         r.outdate_rate, r.outdate_rate_low, r.outdate_rate_high};
    std::copy(rates.begin(), rates.end(), h.rates);
    h.meets_fill_rate = r.meets_fill;
    h.meets_outdate_rate = r.meets_outdate;
    h.status = r.status.c_str();
    out.push_back(h);
  }
  return out;
}

void set_attribute(hid_t object, const char* name, hid_t type, const void* value) {
  const Handle space = checked(H5Screate(H5S_SCALAR), H5Sclose, "creating a scalar dataspace");
  const Handle attribute = checked(H5Acreate2(object, name, type, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                                   std::string("creating attribute ") + name);
  check(H5Awrite(attribute.get(), type, value), std::string("writing attribute ") + name);
}

void set_text(hid_t object, const char* name, const std::string& value) {
  const Handle type = results::make_vlen_utf8();
  const char* text = value.c_str();
  set_attribute(object, name, type.get(), &text);
}

// What the plan was found for, on the file's root group.
void write_plan_attributes(hid_t file, const ScenarioLabel& scenario, const ExperimentInfo& info,
                           const experiments::SizingResult& r) {
  set_text(file, "giotmau_version", kVersion);
  set_text(file, "git_commit", kGitCommit);
  set_text(file, "scenario", scenario.name);
  set_text(file, "scenario_sha256", scenario.sha256);
  const auto seed = static_cast<std::uint64_t>(info.base_seed);
  set_attribute(file, "seed", H5T_NATIVE_UINT64, &seed);
  const std::array<std::pair<const char*, std::int64_t>, 5> counts = {{
      {"replications", static_cast<std::int64_t>(r.replications)},
      {"evaluations", static_cast<std::int64_t>(r.evaluations)},
      {"simulations", static_cast<std::int64_t>(r.simulations)},
      {"converged", r.converged},
      {"goals_met", r.goals_met()},
  }};
  for (const auto& [name, value] : counts) set_attribute(file, name, H5T_NATIVE_INT64, &value);
  const std::array<std::pair<const char*, double>, 4> numbers = {{{"fill_rate_goal", r.goals.fill_rate},
                                                                  {"max_outdate_rate", r.goals.max_outdate_rate},
                                                                  {"confidence", r.goals.confidence},
                                                                  {"tolerance", r.tolerance}}};
  for (const auto& [name, value] : numbers) set_attribute(file, name, H5T_NATIVE_DOUBLE, &value);
}

// The /plan table; its handles are all closed on return.
void write_plan_table(hid_t file, const experiments::SizingResult& result) {
  const std::vector<PlanRow> rows = plan_rows(result);  // owns the strings the packed rows point to
  const std::vector<Hdf5PlanRow> packed = hdf5_rows(rows);
  const hsize_t n = packed.size();
  const Handle type = plan_row_type();
  const Handle space = checked(H5Screate_simple(1, &n, nullptr), H5Sclose, "creating a dataspace");
  const Handle plan = checked(H5Dcreate2(file, "plan", type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                              H5Dclose, "creating dataset plan");
  check(H5Dwrite(plan.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, packed.data()), "writing the plan");
  set_text(plan.get(), "description",
           "one row per province, then the nation: multiplier on the province's session capacity, annual and "
           "monthly targets (mean whole-blood collections), red-cell fill and outdate rates with the ends of the "
           "two-sided interval at 2c - 1 (the one-sided bounds at confidence c)");
}

void write_plan_hdf5(const fs::path& path, const ScenarioLabel& scenario, const ExperimentInfo& info,
                     const experiments::SizingResult& result, bool force) {
  write_atomically(path, force, [&](const fs::path& file_path) {
    const results::QuietHdf5Errors quiet;
    Handle file = checked(H5Fcreate(file_path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose,
                          "creating " + file_path.string());
    write_plan_attributes(file.get(), scenario, info, result);
    write_plan_table(file.get(), result);
    file.close("closing " + file_path.string());  // HDF5 writes its last metadata here: errors must show
  });
}

// ---- size-targets: the command

// The outputs, checked before the long search: not there (unless --force),
// in a directory that exists, and not the same file twice.
void check_plan_outputs(const SizeTargetsArguments& args) {
  const ExperimentArguments& a = args.experiment;
  if (!a.output.empty()) check_output(a.output, a.force);
  if (!args.hdf5.empty()) check_output(args.hdf5, a.force);
  if (!a.output.empty() && !args.hdf5.empty() && fs::absolute(a.output) == fs::absolute(args.hdf5)) {
    throw std::invalid_argument("-o and --hdf5 name the same file");
  }
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
  return o;
}

void print_sizing_header(const ScenarioLabel& s, const blood::World& world, const experiments::SizingOptions& o) {
  std::printf("scenario: %s\nscenario_sha256: %s\n", s.name.c_str(), s.sha256.c_str());
  std::printf("period: %s .. %s (%d days)\nseed: %llu\n", blood::iso_date(world.first_day).c_str(),
              blood::iso_date(world.first_day + world.days - 1).c_str(), world.days,
              static_cast<unsigned long long>(o.base_seed));
  std::printf("replications: %zu per evaluation (the same seeds in every evaluation: common random numbers)\n",
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

void log_step(const experiments::SizingStep& s) {
  double low = s.multipliers.empty() ? 0 : s.multipliers.front(), high = low;
  for (const double m : s.multipliers) {
    low = std::min(low, m);
    high = std::max(high, m);
  }
  using Phase = experiments::SizingStep::Phase;
  const char* phase = s.phase == Phase::Bisection ? "bisection" : s.phase == Phase::Descent ? "descent" : "final";
  spdlog::info("evaluation {} ({}): {}/{} provinces meet the fill-rate goal, multipliers {:.3f}..{:.3f}, national "
               "collections {:.0f}",
               s.evaluation, phase, s.provinces_meeting_fill, s.provinces_sized, low, high, s.national_collected);
}

std::string names_where(const experiments::SizingResult& r, bool (*missing)(const experiments::ProvincePlan&)) {
  std::string names;
  for (const auto& p : r.provinces) {
    if (missing(p)) names += (names.empty() ? "" : ", ") + p.area;
  }
  return names.empty() ? "none" : names;
}

void print_sizing_verdict(const experiments::SizingResult& r) {
  std::printf("\nnational_total: %s units (the plan: sum of the provinces' annual targets)\n",
              std::to_string(r.national_annual_target).c_str());
  std::printf("evaluations: %zu\nsimulations: %zu\nwall_seconds: %.3f\n", r.evaluations, r.simulations,
              r.wall_seconds);
  const char* search = !r.converged   ? "stopped at the evaluation cap (the best plan found; see the status column)"
                       : r.provinces_meet_fill()
                           ? "converged (no province can be lowered by the tolerance alone: it, or a province sharing "
                             "its hub, would then miss the fill-rate goal)"
                           : "converged (the provinces short of the goal miss it even at the largest multiplier)";
  std::printf("search: %s\n", search);
  std::printf("short_of_fill_rate_goal: %s\n",
              names_where(r, [](const experiments::ProvincePlan& p) { return !p.outcome.meets_fill; }).c_str());
  std::printf("over_outdate_limit: %s\n",
              names_where(r, [](const experiments::ProvincePlan& p) { return !p.outcome.meets_outdate; }).c_str());
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
  fs::path comparison_path;
  if (!a.output.empty()) {
    std::vector<std::string> names;
    for (const auto& l : labels) names.push_back(l.name);
    paths = comparison_output_paths(a.output, names);
    for (const auto& p : paths) check_output(p, a.force);
    comparison_path = comparison_file_path(a.output);
    if (std::find(paths.begin(), paths.end(), comparison_path) != paths.end()) {
      throw std::invalid_argument("a scenario's results would go to '" + comparison_path.string() +
                                  "', the comparison file's name: rename the scenario");
    }
    check_output(comparison_path, a.force);
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

int size_targets_command(const SizeTargetsArguments& args) {
  const ExperimentArguments& a = args.experiment;
  const io::LoadedScenario loaded = io::load_scenario(args.scenario);
  check_plan_outputs(args);
  const auto world = blood::build_world(loaded.scenario, a.days);  // what the model checks, before the search
  experiments::SizingOptions options = sizing_options(args, loaded.scenario.seed);
  experiments::check_sizing_options(options);
  const ScenarioLabel scenario = label(args.scenario, loaded);
  const ExperimentInfo info{options.base_seed, options.replications, options.threads};
  if (!json(a)) print_sizing_header(scenario, *world, options);
  if (!a.quiet) options.on_step = log_step;

  const experiments::SizingResult result = experiments::size_targets(loaded.scenario, options);
  if (!result.balanced) spdlog::error("conservation: the books did not balance in some simulation of the search");
  std::vector<std::string> written;
  if (result.balanced && !a.output.empty()) {
    write_csv(a.output, plan_csv(result), a.force);
    written.push_back(a.output);
  }
  if (result.balanced && !args.hdf5.empty()) {
    write_plan_hdf5(args.hdf5, scenario, info, result, a.force);
    written.push_back(args.hdf5);
  }

  if (json(a)) {
    std::fputs(plan_json(scenario, *world, info, options, result, written).c_str(), stdout);
    return result.balanced ? kDone : kUnbalanced;
  }
  if (!a.quiet) print_plan_text(stdout, result);
  print_sizing_verdict(result);
  if (!result.balanced) return kUnbalanced;
  std::printf("conservation: balanced\n");
  for (const auto& f : written) std::printf("plan_file: %s\n", f.c_str());
  return kDone;
}

}  // namespace giotmau::cli
