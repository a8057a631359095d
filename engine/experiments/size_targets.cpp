#include "experiments/size_targets.hpp"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>
#include <utility>

#include "blood/kpi.hpp"
#include "blood/run.hpp"
#include "experiments/replications.hpp"
#include "experiments/tsan_handoff.hpp"

namespace giotmau::experiments {

namespace {

constexpr double kNone = std::numeric_limits<double>::quiet_NaN();

// ---------------------------------------------------------------- the area tree

class AreaTree {
 public:
  explicit AreaTree(const blood::Scenario& s) {
    for (const blood::AreaSpec& a : s.areas) {
      parent_[a.name] = a.parent;
      if (!a.parent.empty()) ++children_[a.parent];
    }
  }

  bool has_children(const std::string& area) const { return children_.contains(area); }
  bool top(const std::string& area) const {
    const auto it = parent_.find(area);
    return it != parent_.end() && it->second.empty();
  }

  // `area` itself or one of its ancestors is `root`.
  bool under(const std::string& area, const std::string& root) const {
    for (std::string a = area; !a.empty();) {
      if (a == root) return true;
      const auto it = parent_.find(a);
      if (it == parent_.end()) return false;
      a = it->second;
    }
    return false;
  }

  std::size_t leaves_under(const std::string& root) const {
    std::size_t n = 0;
    for (const auto& [name, parent] : parent_) n += !has_children(name) && under(name, root);
    return n;
  }

 private:
  std::map<std::string, std::string> parent_;
  std::map<std::string, std::size_t> children_;
};

// ---------------------------------------------------------------- the levers

// More or larger sessions: capacity scales, and with it the invitations and
// expected walk-ins, which the model derives per place. A session with no
// capacity (unlimited; the model assumes 250 places) scales those directly.
void scale_session(blood::SessionSpec& s, double m) {
  if (s.capacity_per_100k > 0) {
    s.capacity_per_100k *= m;
  } else if (s.capacity > 0) {
    s.capacity = std::max<std::int64_t>(1, std::llround(static_cast<double>(s.capacity) * m));
  } else {
    s.invitations_per_capacity *= m;
    s.walk_in_per_capacity *= m;
  }
}

// The province a session's area lies in, or -1 when it lies above them all.
int province_of(const AreaTree& tree, const std::vector<std::string>& provinces, const std::string& area) {
  for (std::size_t p = 0; p < provinces.size(); ++p) {
    if (tree.under(area, provinces[p])) return static_cast<int>(p);
  }
  return -1;
}

// Scales one list of sessions; a session above the provinces becomes one copy
// per province under it (same name, so the same random streams), its target
// shared by the provinces' leaves as the model shares it.
std::vector<blood::SessionSpec> scaled_sessions(const std::vector<blood::SessionSpec>& sessions, const AreaTree& tree,
                                                const std::vector<std::string>& provinces,
                                                const std::vector<double>& m) {
  std::vector<blood::SessionSpec> out;
  for (const blood::SessionSpec& s : sessions) {
    const int p = province_of(tree, provinces, s.area);
    if (p >= 0) {
      out.push_back(s);
      scale_session(out.back(), m[static_cast<std::size_t>(p)]);
      continue;
    }
    const std::size_t leaves = tree.leaves_under(s.area);
    bool split = false;
    for (std::size_t q = 0; q < provinces.size(); ++q) {
      if (!tree.under(provinces[q], s.area)) continue;
      blood::SessionSpec copy = s;
      copy.area = provinces[q];
      copy.target_units = leaves > 0 ? s.target_units * static_cast<std::int64_t>(tree.leaves_under(provinces[q])) /
                                           static_cast<std::int64_t>(leaves)
                                     : 0;
      scale_session(copy, m[q]);
      out.push_back(std::move(copy));
      split = true;
    }
    if (!split) out.push_back(s);  // an area the model will reject; leave it to say so
  }
  return out;
}

// ---------------------------------------------------------------- evaluation

// What one replication gives for the nation (slot 0) and every province.
struct ReplicationKpis {
  std::vector<blood::Kpis> areas;
  bool balanced = true;
};

ReplicationKpis replicate_once(const std::shared_ptr<const blood::World>& world, const std::vector<int>& roots,
                               std::uint64_t seed) {
  const blood::RunResult result = blood::run(world, blood::RunOptions{seed, 1});
  ReplicationKpis k;
  k.areas.reserve(roots.size());
  for (const int root : roots) k.areas.push_back(blood::compute_kpis(result, root));
  k.balanced = blood::check_conservation(result).empty();
  return k;
}

// Replications side by side, one kernel thread each: each writes only its own
// slot, so the results are the same for any thread count.
std::vector<ReplicationKpis> replicate_all(const std::shared_ptr<const blood::World>& world,
                                           const std::vector<int>& roots, const SizingOptions& o) {
  std::vector<ReplicationKpis> out(o.replications);
  tbb::task_arena arena(static_cast<int>(o.threads));
  TaskHandoff handoff;  // for ThreadSanitizer only
  handoff.release();
  arena.execute([&] {
    tbb::parallel_for(
        tbb::blocked_range<std::size_t>(0, o.replications, 1),
        [&](const tbb::blocked_range<std::size_t>& range) {
          handoff.acquire();
          for (std::size_t r = range.begin(); r != range.end(); ++r) {
            out[r] = replicate_once(world, roots, replication_seed(o.base_seed, r));
          }
          handoff.release();
        },
        tbb::simple_partitioner{});
  });
  handoff.acquire();
  return out;
}

AreaOutcome summarise_area(const std::vector<ReplicationKpis>& reps, std::size_t slot, const SizingOptions& o) {
  // A two-sided interval at 2c - 1 has the one-sided bounds at c as its ends.
  const double two_sided = 2 * o.goals.confidence - 1;
  std::vector<double> fill, outdate;
  AreaOutcome a;
  for (const ReplicationKpis& r : reps) {
    const blood::Kpis& k = r.areas[slot];
    fill.push_back(k.fill_rate);
    outdate.push_back(k.outdate_rate);
    a.requested += static_cast<double>(k.requested);
    a.collected += static_cast<double>(k.collected);
    for (std::size_t m = 0; m < 12; ++m) a.collected_by_month[m] += static_cast<double>(k.collected_by_month[m]);
  }
  const auto n = static_cast<double>(reps.size());
  a.requested /= n;
  a.collected /= n;
  for (double& c : a.collected_by_month) c /= n;
  a.fill_rate = estimate(fill, two_sided);
  a.outdate_rate = estimate(outdate, two_sided);
  a.meets_fill = a.fill_rate.low() >= o.goals.fill_rate;
  a.meets_outdate = a.outdate_rate.high() <= o.goals.max_outdate_rate;
  return a;
}

int area_index(const blood::World& world, const std::string& name) {
  const auto it = std::find(world.area_names.begin(), world.area_names.end(), name);
  if (it == world.area_names.end()) throw std::invalid_argument("size-targets: no area '" + name + "'");
  return static_cast<int>(it - world.area_names.begin());
}

}  // namespace

void check_sizing_options(const SizingOptions& o) {
  const auto require = [](bool ok, const char* what) {
    if (!ok) throw std::invalid_argument(std::string("size-targets: ") + what);
  };
  const SizingGoals& g = o.goals;
  require(o.replications >= 2, "need at least 2 replications for an interval");
  require(o.threads >= 1, "need at least one thread");
  require(g.fill_rate > 0 && g.fill_rate <= 1, "the fill-rate goal must be in (0, 1]");
  require(g.max_outdate_rate >= 0 && g.max_outdate_rate <= 1, "the outdate limit must be in [0, 1]");
  require(g.confidence >= 0.5 && g.confidence < 1, "the confidence must be in [0.5, 1)");
  require(o.tolerance > 0 && o.tolerance <= 1, "the tolerance must be in (0, 1]");
  require(o.min_multiplier > 0 && o.min_multiplier <= 1 && o.max_multiplier >= 1 && std::isfinite(o.max_multiplier),
          "need 0 < min multiplier <= 1 <= max multiplier");
  require(o.max_evaluations >= 1, "need at least one evaluation");
}

namespace {

// ---------------------------------------------------------------- components

// Provinces linked by supply (a hospital and its centre, a centre and its
// hub, an area and the centre its collections go to), as a union-find.
class Components {
 public:
  Components(const blood::Scenario& s, const std::vector<std::string>& provinces)
      : tree_(s), provinces_(provinces), parent_(provinces.size()) {
    for (std::size_t p = 0; p < parent_.size(); ++p) parent_[p] = p;
    if (s.policy.rebalancing.enabled) merge_all();  // the coordinator moves stock between any centres
    std::map<std::string, std::string> centre_area;
    for (const blood::CentreSpec& c : s.centres) centre_area[c.name] = c.area;
    const auto link = [&](const std::string& area, const std::string& centre) {
      const auto it = centre_area.find(centre);
      if (it != centre_area.end()) join(area, it->second);
    };
    for (const blood::CentreSpec& c : s.centres) link(c.area, c.hub);
    for (const blood::HospitalSpec& h : s.hospitals) link(h.area, h.centre);
    for (const blood::AreaSpec& a : s.areas) link(a.name, effective_centre(s, a.name));
  }

  std::size_t of(std::size_t p) {
    while (parent_[p] != p) p = parent_[p] = parent_[parent_[p]];
    return p;
  }

 private:
  // An area's collections go to its own centre, else its nearest ancestor's.
  static std::string effective_centre(const blood::Scenario& s, std::string area) {
    while (!area.empty()) {
      const auto it =
          std::find_if(s.areas.begin(), s.areas.end(), [&](const blood::AreaSpec& a) { return a.name == area; });
      if (it == s.areas.end()) return "";
      if (!it->centre.empty()) return it->centre;
      area = it->parent;
    }
    return "";
  }

  // Sites above the provinces (a region's centre) may serve any of them: to
  // be safe, everything is then one component.
  void join(const std::string& a, const std::string& b) {
    const int pa = province_of(tree_, provinces_, a);
    const int pb = province_of(tree_, provinces_, b);
    if (pa < 0 || pb < 0) {
      merge_all();
    } else {
      parent_[of(static_cast<std::size_t>(pa))] = of(static_cast<std::size_t>(pb));
    }
  }

  void merge_all() {
    for (std::size_t p = 0; p < parent_.size(); ++p) parent_[of(p)] = of(0);
  }

  AreaTree tree_;
  const std::vector<std::string>& provinces_;
  std::vector<std::size_t> parent_;
};

// ---------------------------------------------------------------- the search

// What is known about one province's multiplier.
struct Bracket {
  double failing = kNone;  // the latest multiplier seen to miss the goal
  double passing = kNone;  // the latest seen to meet it
  double up = 2;           // the next step up while no passing one is known
  double down = 2;         // the next step down while no failing one is known
};

bool known(double v) { return !std::isnan(v); }

// Later verdicts win: other provinces' multipliers move meanwhile (they share
// their hub's stock), so an older verdict on the wrong side of a new one is
// stale. The search then steps again from the new verdict, in small steps at
// first (the goal is near), growing to factors of 2.
void record(Bracket& b, double m, bool passes, double tolerance) {
  const double small = 1 + 2 * tolerance;
  if (passes) {
    const bool descending = known(b.passing) && !known(b.failing);
    b.passing = m;
    if (known(b.failing) && b.failing >= m) {
      b.failing = kNone;
      b.down = small;
    } else if (descending) {
      b.down = std::min(2.0, b.down * b.down);
    }
  } else {
    const bool ascending = known(b.failing) && !known(b.passing);
    b.failing = m;
    if (known(b.passing) && b.passing <= m) {
      b.passing = kNone;
      b.up = small;
    } else if (ascending) {
      b.up = std::min(2.0, b.up * b.up);
    }
  }
}

bool closed(const Bracket& b, const SizingOptions& o) {
  if (!known(b.passing)) return false;
  return b.passing <= o.min_multiplier || (known(b.failing) && b.passing <= b.failing * (1 + o.tolerance));
}

// Stepping out until the goal is bracketed, then geometric bisection (the
// multiplier acts on a ratio: collections against demand). A province that
// misses the goal at the ceiling stays there.
double next_multiplier(const Bracket& b, const SizingOptions& o) {
  if (closed(b, o)) return b.passing;
  if (!known(b.passing)) return std::min(o.max_multiplier, b.failing * b.up);
  if (!known(b.failing)) return std::max(o.min_multiplier, b.passing / b.down);
  return std::sqrt(b.failing * b.passing);
}

// Phase 2's state for one province: the factor its next trial lowers it by,
// and whether it is tight (the trial at the tolerance broke the plan).
struct Descent {
  double step = 0;
  bool tight = false;
};

class Search {
 public:
  Search(const blood::Scenario& scenario, const SizingOptions& options)
      : scenario_(scenario), o_(options), provinces_(sizing_provinces(scenario)) {
    component_ = sizing_catchments(scenario);
  }

  SizingResult run() {
    const auto started = std::chrono::steady_clock::now();
    const bool converged = bisect() && descend();
    // The national check, and the plan's figures, from one evaluation of the
    // final multipliers (phase 2 pieced its plan together by component).
    if (history_.back().multipliers != plan_.multipliers) {
      plan_ = evaluate(plan_.multipliers, SizingStep::Phase::Final);
    }
    SizingResult result = report(converged);
    result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
  }

 private:
  bool capped() const { return history_.size() >= o_.max_evaluations; }
  std::size_t size() const { return provinces_.size(); }

  Evaluation evaluate(const std::vector<double>& m, SizingStep::Phase phase) {
    Evaluation e = evaluate_plan(scenario_, m, o_);
    if (sized_.empty()) mark_sized(e);
    simulations_ += e.simulations;
    balanced_ = balanced_ && e.balanced;
    SizingStep step{history_.size() + 1, phase, m, 0, 0, e.national.collected};
    for (std::size_t p = 0; p < size(); ++p) {
      step.provinces_sized += sized_[p];
      step.provinces_meeting_fill += sized_[p] && e.provinces[p].meets_fill;
    }
    history_.push_back(step);
    if (o_.on_step) o_.on_step(step);
    return e;
  }

  // A province without red-cell requests has no fill rate to meet: it keeps
  // its sessions as they are (its donations still go to its centre).
  void mark_sized(const Evaluation& e) {
    sized_.resize(size());
    for (std::size_t p = 0; p < size(); ++p) sized_[p] = e.provinces[p].requested > 0;
  }

  // ---- phase 1: every province's multiplier bracketed and bisected at once

  // True when it ends with a settled plan in plan_; false at the cap.
  bool bisect() {
    brackets_.assign(size(), Bracket{});
    std::vector<double> m(size(), std::clamp(1.0, o_.min_multiplier, o_.max_multiplier));
    while (!capped()) {
      plan_ = evaluate(m, SizingStep::Phase::Bisection);
      for (std::size_t p = 0; p < size(); ++p) {
        if (sized_[p]) record(brackets_[p], m[p], plan_.provinces[p].meets_fill, o_.tolerance);
      }
      if (settled(plan_)) return true;
      for (std::size_t p = 0; p < size(); ++p) m[p] = sized_[p] ? next_multiplier(brackets_[p], o_) : 1.0;
    }
    return false;
  }

  // Every sized province meets the goal with its bracket closed, or misses
  // it at the ceiling (no plan can do better there).
  bool settled(const Evaluation& e) const {
    for (std::size_t p = 0; p < size(); ++p) {
      if (!sized_[p]) continue;
      const bool met = e.provinces[p].meets_fill && closed(brackets_[p], o_);
      const bool hopeless = !e.provinces[p].meets_fill && e.multipliers[p] >= o_.max_multiplier;
      if (!met && !hopeless) return false;
    }
    return true;
  }

  // ---- phase 2: coordinate descent with exact checks

  // Lowers one province at a time while the plan still meets the goal in
  // its component, until lowering any of them by the tolerance breaks it:
  // phase 1's verdicts were found while the other provinces' multipliers
  // were elsewhere, and the goal is noisy in the multiplier, so only a check
  // at the final multipliers shows a plan that cannot be lowered. Trials in
  // different components share an evaluation. True when all are tight.
  bool descend() {
    descent_.assign(size(), Descent{1 + o_.tolerance, false});
    cursor_.assign(size(), size() - 1);  // so that each component starts with its first province
    for (;;) {
      const std::vector<std::size_t> batch = next_trials();
      if (batch.empty()) return true;
      if (capped()) return false;
      std::vector<double> m = plan_.multipliers;
      for (const std::size_t p : batch) m[p] = std::max(o_.min_multiplier, m[p] / descent_[p].step);
      const Evaluation e = evaluate(m, SizingStep::Phase::Descent);
      for (const std::size_t p : batch) conclude(p, m[p], e);
    }
  }

  // Whether p can be tried lower: it meets the goal, above the floor.
  bool candidate(std::size_t p) const {
    return sized_[p] && !descent_[p].tight && plan_.provinces[p].meets_fill &&
           plan_.multipliers[p] > o_.min_multiplier;
  }

  // The next candidate of each component after the last one tried there
  // (round robin, in province order: results do not depend on how the work is
  // spread). After a move, the rest of the component is tried before those
  // already tried again, so that every move costs at most one pass over it.
  std::vector<std::size_t> next_trials() {
    std::vector<std::size_t> batch;
    std::vector<bool> taken(size(), false);
    for (std::size_t i = 0; i < size(); ++i) {
      const std::size_t c = component_[i];
      if (taken[c]) continue;
      taken[c] = true;
      for (std::size_t k = 1; k <= size(); ++k) {
        const std::size_t p = (cursor_[c] + k) % size();
        if (component_[p] != c || !candidate(p)) continue;
        cursor_[c] = p;
        batch.push_back(p);
        break;
      }
    }
    std::sort(batch.begin(), batch.end());
    return batch;
  }

  // A trial holds when every province of the component that met the goal
  // still does. Then the plan takes it (the component's results are exactly
  // the evaluation's), its steps grow, and its tightness verdicts, found at
  // other multipliers, are void. Else p's step shrinks, down to the tolerance.
  void conclude(std::size_t p, double lower, const Evaluation& e) {
    bool holds = true;
    for (std::size_t q = 0; q < size(); ++q) {
      if (component_[q] == component_[p] && sized_[q] && plan_.provinces[q].meets_fill) {
        holds = holds && e.provinces[q].meets_fill;
      }
    }
    const double smallest = 1 + o_.tolerance;
    Descent& d = descent_[p];
    if (!holds) {
      d.tight = d.step <= smallest * (1 + 1e-12);
      d.step = std::max(smallest, std::sqrt(d.step));
      return;
    }
    for (std::size_t q = 0; q < size(); ++q) {
      if (component_[q] != component_[p]) continue;
      plan_.provinces[q] = e.provinces[q];
      descent_[q].tight = false;
    }
    plan_.multipliers[p] = lower;
    d.step = std::min(2.0, d.step * d.step);
  }

  SizingResult report(bool converged) const {
    SizingResult r;
    r.goals = o_.goals;
    r.replications = o_.replications;
    r.tolerance = o_.tolerance;
    r.evaluations = history_.size();
    r.simulations = simulations_;
    r.converged = converged;
    r.balanced = balanced_;
    r.history = history_;
    r.national = plan_.national;
    for (std::size_t p = 0; p < size(); ++p) r.provinces.push_back(province_plan(p));
    for (const ProvincePlan& pp : r.provinces) {
      for (std::size_t m = 0; m < 12; ++m) r.national_monthly_target[m] += pp.monthly_target[m];
      r.national_annual_target += pp.annual_target;
    }
    return r;
  }

  ProvincePlan province_plan(std::size_t p) const {
    ProvincePlan pp;
    pp.area = provinces_[p];
    pp.sized = sized_[p];
    pp.multiplier = plan_.multipliers[p];
    pp.outcome = plan_.provinces[p];
    pp.tight = !descent_.empty() && descent_[p].tight;
    pp.at_floor = pp.sized && pp.outcome.meets_fill && pp.multiplier <= o_.min_multiplier;
    pp.at_ceiling = pp.sized && !pp.outcome.meets_fill && pp.multiplier >= o_.max_multiplier;
    for (std::size_t m = 0; m < 12; ++m) {
      pp.monthly_target[m] = std::llround(pp.outcome.collected_by_month[m]);
      pp.annual_target += pp.monthly_target[m];
    }
    return pp;
  }

  const blood::Scenario& scenario_;
  const SizingOptions& o_;
  std::vector<std::string> provinces_;
  std::vector<std::size_t> component_;
  std::vector<bool> sized_;
  std::vector<Bracket> brackets_;
  std::vector<Descent> descent_;
  std::vector<std::size_t> cursor_;  // per component: the province tried last
  Evaluation plan_;  // the current plan: phase 1's latest, then phase 2's
  std::vector<SizingStep> history_;
  std::size_t simulations_ = 0;
  bool balanced_ = true;
};

}  // namespace

bool SizingResult::provinces_meet_fill() const noexcept {
  return std::all_of(provinces.begin(), provinces.end(), [](const ProvincePlan& p) { return p.outcome.meets_fill; });
}

bool SizingResult::provinces_meet_outdate() const noexcept {
  return std::all_of(provinces.begin(), provinces.end(),
                     [](const ProvincePlan& p) { return p.outcome.meets_outdate; });
}

std::vector<std::string> sizing_provinces(const blood::Scenario& scenario) {
  const AreaTree tree(scenario);
  std::vector<std::string> provinces;
  for (const blood::AreaSpec& a : scenario.areas) {
    const bool province = a.parent.empty() ? !tree.has_children(a.name) : tree.top(a.parent);
    if (province) provinces.push_back(a.name);
  }
  return provinces;
}

std::vector<std::size_t> sizing_catchments(const blood::Scenario& scenario) {
  const std::vector<std::string> provinces = sizing_provinces(scenario);
  Components components(scenario, provinces);
  std::vector<std::size_t> first(provinces.size(), provinces.size());
  std::vector<std::size_t> catchment;
  for (std::size_t p = 0; p < provinces.size(); ++p) {
    std::size_t& f = first[components.of(p)];
    if (f == provinces.size()) f = p;
    catchment.push_back(f);
  }
  return catchment;
}

blood::Scenario apply_multipliers(const blood::Scenario& scenario, const std::vector<std::string>& provinces,
                                  const std::vector<double>& multipliers) {
  if (multipliers.size() != provinces.size()) {
    throw std::invalid_argument("size-targets: one multiplier per province needed");
  }
  const AreaTree tree(scenario);
  blood::Scenario s = scenario;
  s.sessions = scaled_sessions(scenario.sessions, tree, provinces, multipliers);
  for (blood::CampaignSpec& c : s.campaigns) c.sessions = scaled_sessions(c.sessions, tree, provinces, multipliers);
  return s;
}

Evaluation evaluate_plan(const blood::Scenario& scenario, const std::vector<double>& multipliers,
                         const SizingOptions& options) {
  check_sizing_options(options);
  const std::vector<std::string> provinces = sizing_provinces(scenario);
  const auto world = blood::build_world(apply_multipliers(scenario, provinces, multipliers), options.days);
  std::vector<int> roots{-1};  // the nation first, then every province
  for (const std::string& p : provinces) roots.push_back(area_index(*world, p));
  const std::vector<ReplicationKpis> reps = replicate_all(world, roots, options);

  Evaluation e;
  e.multipliers = multipliers;
  e.simulations = reps.size();
  e.national = summarise_area(reps, 0, options);
  for (std::size_t p = 0; p < provinces.size(); ++p) e.provinces.push_back(summarise_area(reps, p + 1, options));
  e.balanced = std::all_of(reps.begin(), reps.end(), [](const ReplicationKpis& r) { return r.balanced; });
  return e;
}

SizingResult size_targets(const blood::Scenario& scenario, const SizingOptions& options) {
  check_sizing_options(options);
  if (sizing_provinces(scenario).empty()) throw std::invalid_argument("size-targets: the scenario has no areas");
  return Search(scenario, options).run();
}

}  // namespace giotmau::experiments
