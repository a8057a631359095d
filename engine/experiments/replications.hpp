#pragma once
// Independent replications of one world, run in parallel, and their summaries.
//
// Replication r runs with seed replication_seed(base_seed, r), whatever the
// number of replications or threads, so replication r of any experiment can be
// rerun alone (`giotmau run --seed`), and two scenarios run with the same base
// seed share every replication's random streams (common random numbers: the
// model derives each entity's stream from the seed and the entity's name).
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "blood/run.hpp"
#include "experiments/kpis.hpp"
#include "experiments/statistics.hpp"

namespace giotmau::experiments {

// r = 0 gives base_seed itself: a plain run is replication 0.
std::uint64_t replication_seed(std::uint64_t base_seed, std::size_t r) noexcept;

struct Progress {
  std::size_t done = 0;             // replications finished
  std::size_t total = 0;
  std::int64_t simulated_days = 0;  // days simulated by the finished replications
};
// Called after each replication finishes, from the thread that ran it, never
// concurrently with itself (calls are serialised by a lock).
using ProgressCallback = std::function<void(const Progress&)>;
// Called with each replication's full results as soon as it finishes (`index`
// is its replication index), from the thread that ran it, never concurrently
// with itself or with the progress callback; the results are dropped
// afterwards unless kept. Writing results as they come keeps memory bounded by
// the replications in flight.
using ResultCallback = std::function<void(std::size_t index, const blood::RunResult& result)>;

struct ReplicationOptions {
  std::size_t replications = 1;
  std::uint64_t base_seed = 1;
  // Threads in all. With more than one replication each runs the kernel on one
  // thread and replications run side by side (no oversubscription); a single
  // replication gets them all for the kernel. Results never depend on it.
  unsigned threads = 1;
  // Keep every replication's full RunResult (daily measures: tens of MB each
  // for the national scenario), e.g. to write them to HDF5. Otherwise only the
  // KPIs are kept.
  bool keep_results = false;
  ProgressCallback progress;
  // Runs replications first .. first + replications - 1 (a part of a larger
  // experiment: a job-array task or an MPI rank); replication r keeps its seed.
  std::size_t first = 0;
  ResultCallback on_result{};
};

// The parts of the country, and of the year, a summary or comparison breaks
// down into: regions (the top-level areas, when there is more than one),
// provinces (the areas one level below the top), calendar months; and in a
// run over several civil years, each year (national) and each month of each
// year (national; slot = year slot x 12 + month).
enum class Breakdown : std::uint8_t { National, Region, Province, Month, Year, YearMonth };

// One replication, reduced to what summaries and checks need.
struct Replication {
  std::size_t index = 0;
  std::uint64_t seed = 0;
  KpiValues national{};
  std::vector<KpiValues> regions;              // as ReplicationSet::regions
  std::vector<KpiValues> provinces;            // as ReplicationSet::provinces
  std::array<KpiValues, 12> months{};          // national, by calendar month (kpis.hpp: month_values)
  std::vector<KpiValues> years;                // national, per year of ReplicationSet::years
  std::vector<std::array<KpiValues, 12>> year_months;  // national, per year and calendar month
  std::vector<std::string> conservation_problems;  // empty: the books balance
  std::uint64_t events = 0;
  std::uint64_t trace_hash = 0;
  double wall_seconds = 0;
};

struct ReplicationSet {
  std::shared_ptr<const blood::World> world;
  std::uint64_t base_seed = 0;
  std::vector<int> regions;                    // the top-level areas, when there is more than one
  std::vector<int> provinces;                  // the areas one level below the top
  std::array<bool, 12> months_covered{};       // the run has days in the month
  // The civil years the run covers, when it covers more than one (else empty:
  // the whole run is the year), and which months of each it has days in.
  std::vector<blood::YearSpan> years;
  std::vector<std::array<bool, 12>> year_months_covered;
  std::vector<Replication> replications;       // ascending index (0 .. N-1 unless a part)
  std::vector<blood::RunResult> results;       // as replications, when keep_results
  double wall_seconds = 0;

  std::uint64_t events() const noexcept;
  bool balanced() const noexcept;
  // Every replication's value of `kpi` (national, or of region slot `region`).
  std::vector<double> values(Kpi kpi, int region = -1) const;
  // Every replication's value of `kpi` in part `slot` of a breakdown (slot is
  // ignored for National; a month's slot is its index, 0 = January).
  std::vector<double> values(Kpi kpi, Breakdown breakdown, std::size_t slot) const;
  // The parts of a breakdown: area names, month names ("Jan" ...), years
  // ("2026") or months of a year ("2026-01").
  std::vector<std::string> part_names(Breakdown breakdown) const;
  // The same as people read them: areas' display names (their names when the
  // scenario gives none); month names as part_names.
  std::vector<std::string> part_labels(Breakdown breakdown) const;
};

// What runs a set of replications: run_replications below, or a distributed
// version of it (engine/distributed) that gives the same set.
using ReplicationRunner = std::function<ReplicationSet(std::shared_ptr<const blood::World>, const ReplicationOptions&)>;

// The areas KPIs are summarised for besides the nation: the top-level areas,
// when there is more than one.
std::vector<int> summary_regions(const blood::World& world);

// A set with no replications yet: its world, seed and breakdowns.
ReplicationSet empty_set(std::shared_ptr<const blood::World> world, std::uint64_t base_seed);

// Runs replications first .. first + options.replications - 1. Throws std::invalid_argument
// for zero replications or threads; rethrows whatever a replication throws.
ReplicationSet run_replications(std::shared_ptr<const blood::World> world, const ReplicationOptions& options);

// Estimates for one area: national-only KPIs of a region have n = 0.
struct AreaSummary {
  std::string area;
  std::string display_name;  // the area's display name (its name when none); a month's name
  std::array<Estimate, kKpiCount> kpis{};
  const Estimate& operator[](Kpi k) const noexcept { return kpis[index(k)]; }
};

struct Summary {
  std::size_t replications = 0;
  double confidence = kDefaultConfidence;
  AreaSummary national;
  std::vector<AreaSummary> regions;
  std::vector<AreaSummary> provinces;
  std::vector<AreaSummary> months;    // all twelve, January first; `area` is the month's name
  // A run over several civil years: per year, the national KPIs ("2026") and
  // its twelve months ("Jan" ...); empty for a run within one year.
  struct Year {
    blood::YearSpan span;
    AreaSummary national;
    std::vector<AreaSummary> months;
  };
  std::vector<Year> years;
};

Summary summarize(const ReplicationSet& set, double confidence = kDefaultConfidence);

}  // namespace giotmau::experiments
