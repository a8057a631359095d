#include "experiments/compare.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace giotmau::experiments {

namespace {

std::string kpi_names() {
  std::string names;
  for (const KpiInfo& i : kKpis) names += (names.empty() ? "" : ", ") + std::string(i.name);
  return names;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

Objective::Key parse_key(std::string_view text) {
  text = trim(text);
  Objective::Key key{Kpi::ShortageUnits, false};
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    key.higher_is_better = text.front() == '-';
    text.remove_prefix(1);
  }
  const auto kpi = kpi_from_name(text);
  if (!kpi) {
    throw std::invalid_argument("objective: unknown KPI '" + std::string(text) + "' (one of: " + kpi_names() +
                                "; prefix '-' to rank higher values first)");
  }
  key.kpi = *kpi;
  return key;
}

void check_same_seeds(const std::vector<ReplicationSet>& sets) {
  if (sets.empty()) throw std::invalid_argument("compare: no scenarios");
  for (const ReplicationSet& s : sets) {
    if (s.replications.size() != sets.front().replications.size()) {
      throw std::invalid_argument("compare: scenarios ran different numbers of replications");
    }
    for (std::size_t r = 0; r < s.replications.size(); ++r) {
      if (s.replications[r].seed != sets.front().replications[r].seed) {
        throw std::invalid_argument("compare: replication " + std::to_string(r) + " used different seeds");
      }
    }
  }
}

// Where a part of the base sits in a set: its slot, or npos.
std::size_t slot_of(const ReplicationSet& set, Breakdown breakdown, const std::string& name) {
  const std::vector<std::string> names = set.part_names(breakdown);
  const auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? std::string::npos : static_cast<std::size_t>(it - names.begin());
}

Difference paired_difference(const std::vector<double>& a, const std::vector<double>& b, double confidence) {
  std::vector<double> d(a.size());
  for (std::size_t r = 0; r < a.size(); ++r) d[r] = b[r] - a[r];
  Difference diff{estimate(d, confidence), false};
  diff.significant = diff.estimate.excludes_zero();
  return diff;
}

// `slots`: the part's slot in each set.
KpiComparison compare_kpi(const std::vector<ReplicationSet>& sets, Kpi kpi, Breakdown breakdown,
                          const std::vector<std::size_t>& slots, double confidence) {
  KpiComparison c{kpi, {}, {}};
  const std::vector<double> base = sets[0].values(kpi, breakdown, slots[0]);
  for (std::size_t s = 0; s < sets.size(); ++s) {
    const std::vector<double> values = sets[s].values(kpi, breakdown, slots[s]);
    c.means.push_back(estimate(values, confidence));
    c.differences.push_back(s == 0 ? Difference{} : paired_difference(base, values, confidence));
  }
  return c;
}

std::vector<KpiComparison> compare_part(const std::vector<ReplicationSet>& sets, Breakdown breakdown,
                                        const std::vector<std::size_t>& slots, double confidence) {
  std::vector<KpiComparison> kpis;
  for (const KpiInfo& i : kKpis) kpis.push_back(compare_kpi(sets, i.kpi, breakdown, slots, confidence));
  return kpis;
}

std::vector<PartComparison> compare_parts(const std::vector<ReplicationSet>& sets, Breakdown breakdown,
                                          double confidence) {
  std::vector<PartComparison> parts;
  const std::vector<std::string> labels = sets[0].part_labels(breakdown);
  const std::vector<std::string> names = sets[0].part_names(breakdown);
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string& name = names[i];
    std::vector<std::size_t> slots;
    for (const ReplicationSet& set : sets) slots.push_back(slot_of(set, breakdown, name));
    if (std::find(slots.begin(), slots.end(), std::string::npos) != slots.end()) continue;
    parts.push_back(PartComparison{name, labels[i], compare_part(sets, breakdown, slots, confidence)});
  }
  return parts;
}

std::vector<std::size_t> rank(const std::vector<KpiComparison>& kpis, const Objective& objective) {
  std::vector<std::size_t> order(kpis.front().means.size());
  for (std::size_t s = 0; s < order.size(); ++s) order[s] = s;
  const auto better = [&](std::size_t a, std::size_t b) {
    for (const Objective::Key& key : objective.keys) {
      const double va = kpis[index(key.kpi)].means[a].mean;
      const double vb = kpis[index(key.kpi)].means[b].mean;
      if (va != vb) return key.higher_is_better ? va > vb : va < vb;
    }
    return false;
  };
  std::stable_sort(order.begin(), order.end(), better);
  return order;
}

}  // namespace

int better_direction(Kpi kpi) noexcept {
  switch (kpi) {
    case Kpi::FillRate:
    case Kpi::Collected:
    case Kpi::PlateletFillRate:
      return +1;
    case Kpi::ShortageUnits:
    case Kpi::ShortageDays:
    case Kpi::OutdateRate:
    case Kpi::Outdated:
    case Kpi::Appeals:
    case Kpi::PlateletShortageUnits:
    case Kpi::PlateletOutdated:
      return -1;
    default:
      return 0;
  }
}

Objective default_objective() { return Objective{{{Kpi::ShortageUnits, false}, {Kpi::Outdated, false}}}; }

Objective parse_objective(std::string_view text) {
  Objective objective;
  while (true) {
    const std::size_t comma = text.find(',');
    objective.keys.push_back(parse_key(text.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return objective;
}

std::string describe(const Objective& objective) {
  std::string s;
  for (const Objective::Key& key : objective.keys) {
    if (!s.empty()) s += ", then ";
    s += std::string(info(key.kpi).name) + (key.higher_is_better ? " descending" : " ascending");
  }
  return s;
}

Comparison compare(const std::vector<ReplicationSet>& sets, const Objective& objective, double confidence) {
  check_same_seeds(sets);
  if (objective.keys.empty()) throw std::invalid_argument("compare: the objective names no KPI");
  Comparison c;
  c.replications = sets.front().replications.size();
  c.confidence = confidence;
  c.objective = objective;
  c.kpis = compare_part(sets, Breakdown::National, std::vector<std::size_t>(sets.size(), 0), confidence);
  c.ranking = rank(c.kpis, objective);
  c.regions = compare_parts(sets, Breakdown::Region, confidence);
  c.provinces = compare_parts(sets, Breakdown::Province, confidence);
  c.months = compare_parts(sets, Breakdown::Month, confidence);
  c.years = compare_parts(sets, Breakdown::Year, confidence);
  return c;
}

CompareRun run_comparison(const std::vector<std::shared_ptr<const blood::World>>& worlds,
                          const CompareOptions& options, const ScenarioDone& on_scenario_done) {
  if (worlds.empty()) throw std::invalid_argument("compare: no scenarios");
  CompareRun out;
  const std::size_t total = worlds.size() * options.replications;
  std::int64_t days_before = 0;
  for (std::size_t s = 0; s < worlds.size(); ++s) {
    ReplicationOptions ro{options.replications, options.base_seed, options.threads, options.keep_results, {}};
    if (options.progress) {
      const std::size_t done_before = s * options.replications;
      ro.progress = [&, done_before, days_before](const Progress& p) {
        options.progress(Progress{done_before + p.done, total, days_before + p.simulated_days});
      };
    }
    if (options.on_result) {
      ro.on_result = [&, s](std::size_t index, const blood::RunResult& r) { options.on_result(s, index, r); };
    }
    ReplicationSet set =
        options.run_replications ? options.run_replications(worlds[s], ro) : run_replications(worlds[s], ro);
    if (on_scenario_done) on_scenario_done(s, set);
    set.results.clear();
    set.results.shrink_to_fit();
    days_before += static_cast<std::int64_t>(options.replications) * worlds[s]->days;
    out.sets.push_back(std::move(set));
  }
  out.comparison = compare(out.sets, options.objective, options.confidence);
  return out;
}

}  // namespace giotmau::experiments
