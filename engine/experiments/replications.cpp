#include "experiments/replications.hpp"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <utility>

#include "blood/kpi.hpp"
#include "kernel/random.hpp"
#include "experiments/tsan_handoff.hpp"

namespace giotmau::experiments {

namespace {

// Tags the derivation so that replication seeds cannot coincide with the
// kernel's own uses of mix64 on small integers.
constexpr std::uint64_t kReplicationTag = 0x7265706CULL;  // "repl"

Replication reduce(const blood::RunResult& result, std::size_t r, const ReplicationSet& set) {
  Replication rep;
  rep.index = r;
  rep.seed = result.seed;
  rep.national = national_values(blood::compute_kpis(result), result.appeals);
  rep.regions.reserve(set.regions.size());
  for (int area : set.regions) rep.regions.push_back(regional_values(blood::compute_kpis(result, area)));
  rep.provinces.reserve(set.provinces.size());
  for (int area : set.provinces) rep.provinces.push_back(regional_values(blood::compute_kpis(result, area)));
  for (unsigned m = 0; m < 12; ++m) {
    rep.months[m] = month_values(blood::compute_month_kpis(result, -1, m), set.months_covered[m]);
  }
  for (std::size_t y = 0; y < set.years.size(); ++y) {
    const blood::YearSpan& span = set.years[y];
    const blood::Kpis year = blood::compute_kpis(result, -1, span.first, span.last);
    rep.years.push_back(national_values(year, year.appeals));
    std::array<KpiValues, 12>& months = rep.year_months.emplace_back();
    for (unsigned m = 0; m < 12; ++m) {
      months[m] = month_values(blood::compute_month_kpis(result, -1, m, span.first, span.last),
                               set.year_months_covered[y][m]);
    }
  }
  rep.conservation_problems = blood::check_conservation(result);
  rep.events = result.kernel.events_processed;
  rep.trace_hash = result.trace_hash;
  rep.wall_seconds = result.wall_seconds;
  return rep;
}

// Runs replication r and files what it gives; safe to call concurrently for
// different r (each writes only its own slots; progress takes a lock).
class ReplicationTask {
 public:
  ReplicationTask(std::shared_ptr<const blood::World> world, const ReplicationOptions& options,
                    ReplicationSet& set)
      : world_(std::move(world)), options_(options), set_(set) {}

  // Runs the replication at position `slot` of the set (index first + slot).
  void operator()(std::size_t slot, unsigned kernel_threads) {
    const std::size_t r = options_.first + slot;
    blood::RunResult result =
        blood::run(world_, blood::RunOptions{replication_seed(options_.base_seed, r), kernel_threads});
    set_.replications[slot] = reduce(result, r, set_);
    report(r, result);
    if (options_.keep_results) set_.results[slot] = std::move(result);
  }

 private:
  void report(std::size_t r, const blood::RunResult& result) {
    const std::lock_guard lock(mutex_);
    if (options_.on_result) options_.on_result(r, result);
    ++done_;
    if (options_.progress) {
      options_.progress(Progress{done_, options_.replications, static_cast<std::int64_t>(done_) * world_->days});
    }
  }

  std::shared_ptr<const blood::World> world_;
  const ReplicationOptions& options_;
  ReplicationSet& set_;
  std::mutex mutex_;
  std::size_t done_ = 0;
};

}  // namespace

std::uint64_t replication_seed(std::uint64_t base_seed, std::size_t r) noexcept {
  if (r == 0) return base_seed;
  return kernel::mix64(kernel::mix64(base_seed, kReplicationTag), static_cast<std::uint64_t>(r));
}

std::vector<int> summary_regions(const blood::World& world) {
  std::vector<int> tops = blood::top_areas(world);
  if (tops.size() < 2) tops.clear();  // one region is the nation itself
  return tops;
}

std::uint64_t ReplicationSet::events() const noexcept {
  std::uint64_t sum = 0;
  for (const Replication& r : replications) sum += r.events;
  return sum;
}

bool ReplicationSet::balanced() const noexcept {
  for (const Replication& r : replications) {
    if (!r.conservation_problems.empty()) return false;
  }
  return true;
}

std::vector<double> ReplicationSet::values(Kpi kpi, Breakdown breakdown, std::size_t slot) const {
  std::vector<double> v;
  v.reserve(replications.size());
  for (const Replication& r : replications) {
    const KpiValues& values = breakdown == Breakdown::National ? r.national
                              : breakdown == Breakdown::Region ? r.regions.at(slot)
                              : breakdown == Breakdown::Province ? r.provinces.at(slot)
                              : breakdown == Breakdown::Year ? r.years.at(slot)
                              : breakdown == Breakdown::YearMonth ? r.year_months.at(slot / 12).at(slot % 12)
                                                                 : r.months.at(slot);
    v.push_back(values[index(kpi)]);
  }
  return v;
}

std::vector<std::string> ReplicationSet::part_names(Breakdown breakdown) const {
  std::vector<std::string> names;
  const auto add_areas = [&](const std::vector<int>& areas) {
    for (int a : areas) names.push_back(world->area_names[static_cast<std::size_t>(a)]);
  };
  switch (breakdown) {
    case Breakdown::National:
      names.push_back("national");
      break;
    case Breakdown::Region:
      add_areas(regions);
      break;
    case Breakdown::Province:
      add_areas(provinces);
      break;
    case Breakdown::Month:
      for (const auto& m : blood::kMonthNames) names.emplace_back(m);
      break;
    case Breakdown::Year:
      for (const blood::YearSpan& y : years) names.push_back(std::to_string(y.year));
      break;
    case Breakdown::YearMonth:
      for (const blood::YearSpan& y : years) {
        for (unsigned m = 1; m <= 12; ++m) {
          char label[16];
          std::snprintf(label, sizeof label, "%04d-%02u", y.year, m);
          names.emplace_back(label);
        }
      }
      break;
  }
  return names;
}

std::vector<std::string> ReplicationSet::part_labels(Breakdown breakdown) const {
  const auto labels = [&](const std::vector<int>& areas) {
    std::vector<std::string> out;
    for (int a : areas) out.push_back(world->area_label(static_cast<std::size_t>(a)));
    return out;
  };
  if (breakdown == Breakdown::Region) return labels(regions);
  if (breakdown == Breakdown::Province) return labels(provinces);
  return part_names(breakdown);
}

std::vector<double> ReplicationSet::values(Kpi kpi, int region) const {
  std::vector<double> v;
  v.reserve(replications.size());
  for (const Replication& r : replications) {
    v.push_back(region < 0 ? r.national[index(kpi)] : r.regions.at(static_cast<std::size_t>(region))[index(kpi)]);
  }
  return v;
}

ReplicationSet empty_set(std::shared_ptr<const blood::World> world, std::uint64_t base_seed) {
  ReplicationSet set;
  set.base_seed = base_seed;
  set.regions = summary_regions(*world);
  set.provinces = blood::second_level_areas(*world);
  for (int d = 0; d < world->days; ++d) set.months_covered[blood::month_index(world->first_day + d)] = true;
  if (const auto years = blood::simulated_years(*world); years.size() > 1) {
    set.years = years;
    for (const blood::YearSpan& y : years) {
      std::array<bool, 12>& covered = set.year_months_covered.emplace_back();
      for (blood::DayNumber d = y.first; d <= y.last; ++d) covered[blood::month_index(d)] = true;
    }
  }
  set.world = std::move(world);
  return set;
}

ReplicationSet run_replications(std::shared_ptr<const blood::World> world, const ReplicationOptions& options) {
  if (options.replications == 0) throw std::invalid_argument("replications: need at least one");
  if (options.threads == 0) throw std::invalid_argument("replications: need at least one thread");
  ReplicationSet set = empty_set(world, options.base_seed);
  set.replications.resize(options.replications);
  if (options.keep_results) set.results.resize(options.replications);

  const auto started = std::chrono::steady_clock::now();
  ReplicationTask runner(world, options, set);
  if (options.replications == 1) {
    runner(0, options.threads);
  } else {
    tbb::task_arena arena(static_cast<int>(options.threads));
    TaskHandoff handoff;  // for ThreadSanitizer only
    handoff.release();
    arena.execute([&] {
      // One replication per task: replications are long and of similar length.
      tbb::parallel_for(
          tbb::blocked_range<std::size_t>(0, options.replications, 1),
          [&](const tbb::blocked_range<std::size_t>& range) {
            handoff.acquire();
            for (std::size_t r = range.begin(); r != range.end(); ++r) runner(r, 1);
            handoff.release();
          },
          tbb::simple_partitioner{});
    });
    handoff.acquire();
  }
  set.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return set;
}

Summary summarize(const ReplicationSet& set, double confidence) {
  Summary s;
  s.replications = set.replications.size();
  s.confidence = confidence;
  s.national.area = "national";
  s.national.display_name = "national";
  for (const KpiInfo& i : kKpis) s.national.kpis[index(i.kpi)] = estimate(set.values(i.kpi), confidence);
  for (std::size_t slot = 0; slot < set.regions.size(); ++slot) {
    AreaSummary a;
    a.area = set.world->area_names[static_cast<std::size_t>(set.regions[slot])];
    a.display_name = set.world->area_label(static_cast<std::size_t>(set.regions[slot]));
    for (const KpiInfo& i : kKpis) {
      if (!i.national_only) a.kpis[index(i.kpi)] = estimate(set.values(i.kpi, static_cast<int>(slot)), confidence);
    }
    s.regions.push_back(std::move(a));
  }
  const auto parts = [&](Breakdown breakdown) {
    std::vector<AreaSummary> out;
    const std::vector<std::string> names = set.part_names(breakdown);
    const std::vector<std::string> labels = set.part_labels(breakdown);
    for (std::size_t slot = 0; slot < names.size(); ++slot) {
      AreaSummary a;
      a.area = names[slot];
      a.display_name = labels[slot];
      for (const KpiInfo& i : kKpis) a.kpis[index(i.kpi)] = estimate(set.values(i.kpi, breakdown, slot), confidence);
      out.push_back(std::move(a));
    }
    return out;
  };
  s.provinces = parts(Breakdown::Province);
  s.months = parts(Breakdown::Month);
  const std::vector<AreaSummary> years = parts(Breakdown::Year);
  std::vector<AreaSummary> year_months = parts(Breakdown::YearMonth);
  for (std::size_t y = 0; y < years.size(); ++y) {
    Summary::Year& year = s.years.emplace_back(Summary::Year{set.years[y], years[y], {}});
    for (unsigned m = 0; m < 12; ++m) {
      AreaSummary month = std::move(year_months[y * 12 + m]);
      month.area = month.display_name = std::string(blood::kMonthNames[m]);
      year.months.push_back(std::move(month));
    }
  }
  return s;
}

}  // namespace giotmau::experiments
