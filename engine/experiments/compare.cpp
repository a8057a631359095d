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

Difference paired_difference(const ReplicationSet& base, const ReplicationSet& alt, Kpi kpi, double confidence) {
  const std::vector<double> a = base.values(kpi);
  const std::vector<double> b = alt.values(kpi);
  std::vector<double> d(a.size());
  for (std::size_t r = 0; r < a.size(); ++r) d[r] = b[r] - a[r];
  Difference diff{estimate(d, confidence), false};
  diff.significant = diff.estimate.excludes_zero();
  return diff;
}

KpiComparison compare_kpi(const std::vector<ReplicationSet>& sets, Kpi kpi, double confidence) {
  KpiComparison c{kpi, {}, {}};
  for (std::size_t s = 0; s < sets.size(); ++s) {
    c.means.push_back(estimate(sets[s].values(kpi), confidence));
    c.differences.push_back(s == 0 ? Difference{} : paired_difference(sets[0], sets[s], kpi, confidence));
  }
  return c;
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
  for (const KpiInfo& i : kKpis) c.kpis.push_back(compare_kpi(sets, i.kpi, confidence));
  c.ranking = rank(c.kpis, objective);
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
