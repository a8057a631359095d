#include "experiments/size_targets.hpp"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <map>
#include <stdexcept>
#include <utility>

#include "blood/calendar.hpp"
#include "blood/kpi.hpp"
#include "blood/run.hpp"
#include "experiments/replications.hpp"
#include "experiments/statistics.hpp"
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

// The least standard deviation of a replication's fill rate assumed, as a
// multiple of the mean shortfall 1 - fill (summarise_area).
constexpr double kShortfallSpread = 1.0;

// What one replication gives for the nation (slot 0) and every province; a
// period over several civil years adds the same for each year after them
// (year y of slot k at (y + 1) x roots + k).
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
  if (const auto years = blood::simulated_years(*world); years.size() > 1) {
    for (const blood::YearSpan& y : years) {
      for (const int root : roots) k.areas.push_back(blood::compute_kpis(result, root, y.first, y.last));
    }
  }
  k.balanced = blood::check_conservation(result).empty();
  return k;
}

// Replications first .. first + count - 1 side by side, one kernel thread
// each: each writes only its own slot, so the results are the same for any
// thread count.
std::vector<ReplicationKpis> replicate_block(const std::shared_ptr<const blood::World>& world,
                                             const std::vector<int>& roots, const SizingOptions& o,
                                             std::size_t first, std::size_t count) {
  std::vector<ReplicationKpis> out(count);
  tbb::task_arena arena(static_cast<int>(o.threads));
  TaskHandoff handoff;  // for ThreadSanitizer only
  handoff.release();
  arena.execute([&] {
    tbb::parallel_for(
        tbb::blocked_range<std::size_t>(0, count, 1),
        [&](const tbb::blocked_range<std::size_t>& range) {
          handoff.acquire();
          for (std::size_t r = range.begin(); r != range.end(); ++r) {
            out[r] = replicate_once(world, roots, replication_seed(o.base_seed, first + r));
          }
          handoff.release();
        },
        tbb::simple_partitioner{});
  });
  handoff.acquire();
  return out;
}

// What ranks exchange: per replication, the balance flag and every area's KPIs.
static_assert(std::is_trivially_copyable_v<blood::Kpis>);

std::string to_bytes(const std::vector<ReplicationKpis>& reps) {
  std::string out;
  for (const ReplicationKpis& r : reps) {
    const std::uint64_t areas = r.areas.size();
    out.append(reinterpret_cast<const char*>(&areas), sizeof areas);
    out.push_back(r.balanced ? 1 : 0);
    out.append(reinterpret_cast<const char*>(r.areas.data()), areas * sizeof(blood::Kpis));
  }
  return out;
}

void from_bytes(const std::string& in, std::vector<ReplicationKpis>& out) {
  for (std::size_t at = 0; at < in.size();) {
    std::uint64_t areas = 0;
    if (at + sizeof areas + 1 > in.size()) throw std::runtime_error("size-targets: a truncated record from a rank");
    std::memcpy(&areas, in.data() + at, sizeof areas);
    at += sizeof areas;
    ReplicationKpis r;
    r.balanced = in[at++] != 0;
    if (at + areas * sizeof(blood::Kpis) > in.size()) {
      throw std::runtime_error("size-targets: a truncated record from a rank");
    }
    r.areas.resize(areas);
    std::memcpy(r.areas.data(), in.data() + at, areas * sizeof(blood::Kpis));
    at += areas * sizeof(blood::Kpis);
    out.push_back(std::move(r));
  }
}

// The evaluation's replications, in this process or spread over the ranks of
// a job (each its contiguous block; every rank gets them all, in order).
std::vector<ReplicationKpis> replicate_all(const std::shared_ptr<const blood::World>& world,
                                           const std::vector<int>& roots, const SizingOptions& o,
                                           std::size_t first_replication) {
  const SizingOptions::Spread& spread = o.spread;
  if (spread.ranks <= 1 || !spread.all_gather) {
    return replicate_block(world, roots, o, first_replication, o.replications);
  }
  const std::size_t begin = o.replications * spread.rank / spread.ranks;
  const std::size_t end = o.replications * (spread.rank + 1) / spread.ranks;
  const std::string mine = to_bytes(replicate_block(world, roots, o, first_replication + begin, end - begin));
  std::vector<ReplicationKpis> out;
  out.reserve(o.replications);
  for (const std::string& part : spread.all_gather(mine)) from_bytes(part, out);
  if (out.size() != o.replications) throw std::runtime_error("size-targets: the ranks returned too few replications");
  return out;
}

// `fresh_factor`: fresh_seed_factor(confidence, fresh n, these replications).
AreaOutcome summarise_area(const std::vector<ReplicationKpis>& reps, std::size_t slot, const SizingOptions& o,
                           double fresh_factor, std::size_t fresh_replications) {
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
  // In standard errors of a fresh set of o.replications.
  const auto fresh_n = static_cast<double>(fresh_replications);
  // A shortfall 1 - fill is no less variable than an exponential one (its
  // standard deviation at least its mean): a small set of a left-skewed fill
  // rate, with a bad year now and then, usually shows less spread than
  // there is. (Measured on the test scenario: 1.2 to 1.35 times the mean.)
  const double fill_spread = std::max(a.fill_rate.stddev, kShortfallSpread * (1 - a.fill_rate.mean));
  const double fill_se = fill_spread / std::sqrt(fresh_n);
  const double outdate_se = a.outdate_rate.stddev / std::sqrt(fresh_n);
  a.fill_rate_fresh_bound = a.fill_rate.mean - fresh_factor * fill_se;
  a.outdate_rate_fresh_bound = a.outdate_rate.mean + fresh_factor * outdate_se;
  a.holds_fill = a.meets_fill && a.fill_rate_fresh_bound >= o.goals.fill_rate;
  a.holds_outdate = a.meets_outdate && a.outdate_rate_fresh_bound <= o.goals.max_outdate_rate;
  return a;
}

// A period over several years: slot's mean collections by month of each year.
void summarise_years(const std::vector<ReplicationKpis>& reps, std::size_t slot, std::size_t roots,
                     const std::vector<blood::YearSpan>& years, AreaOutcome& a) {
  if (years.size() < 2) return;
  for (std::size_t y = 0; y < years.size(); ++y) {
    AreaOutcome::YearMonths& year = a.years.emplace_back();
    year.year = years[y].year;
    for (const ReplicationKpis& r : reps) {
      const blood::Kpis& k = r.areas.at((y + 1) * roots + slot);
      for (std::size_t m = 0; m < 12; ++m) year.collected[m] += static_cast<double>(k.collected_by_month[m]);
    }
    for (double& c : year.collected) c /= static_cast<double>(reps.size());
  }
}

// The sessions each root holds in the period, and their places, by calendar
// month: the plan's own units, to express its change in.
void count_sessions(const blood::World& world, const std::vector<int>& roots, Evaluation& e) {
  const auto slot_of = [&](int area) -> AreaOutcome* {
    for (int a = area; a >= 0; a = world.area_parent[static_cast<std::size_t>(a)]) {
      for (std::size_t k = 1; k < roots.size(); ++k) {
        if (roots[k] == a) return &e.provinces[k - 1];
      }
    }
    return nullptr;
  };
  for (const auto& lp_sessions : world.sessions_by_lp) {
    for (const blood::SessionDay& s : lp_sessions) {
      const std::size_t month = blood::month_index(s.day);
      const auto places = static_cast<double>(s.capacity);
      for (AreaOutcome* a : {&e.national, slot_of(world.leaves[static_cast<std::size_t>(s.leaf)].area)}) {
        if (a == nullptr) continue;
        a->sessions_by_month[month] += 1;
        a->places_by_month[month] += places;
        for (AreaOutcome::YearMonths& y : a->years) {
          if (y.year != blood::civil_date(s.day).year) continue;
          y.sessions[month] += 1;
          y.places[month] += places;
        }
      }
    }
  }
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
  require(o.max_evaluations >= 3, "need at least 3 evaluations (the plan as it is, one step, the verification)");
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

// What the search knows about one province, on log scales: x = ln(multiplier)
// and y = ln(shortfall bound), where the shortfall bound is 1 minus the
// province's working lower bound of its fill rate. The goal is y <= y*.
struct Track {
  double pass = kNone;  // the latest x seen to meet the working goal
  double fail = kNone;  // the latest x seen to miss it
  double fail_bound = kNone;  // the working bound there
  std::vector<std::pair<double, double>> points;  // (x, y) of unsaturated verdicts, latest last
  bool passes = false;  // the latest verdict
};

bool known(double v) { return !std::isnan(v); }

// Below this shortfall the fill rate's bound is 1 in every replication: such
// a point says "enough", not by how much, and is left out of the slopes.
constexpr double kShortfallFloor = 1e-5;
// The first move's guess: whole-blood collections per red-cell unit requested
// that meet a high fill rate (2% of donations fail testing; stock absorbs the
// days' variation). Only the first step uses it; the slopes take over after.
constexpr double kCollectionsPerRequest = 1.05;
// The verification runs the plan on this many fresh sets of R replications at
// once: a larger set estimates the spread of a heavy-tailed fill rate (a bad
// year now and then) better, and so the margin a fresh set needs.
constexpr std::size_t kVerificationSets = 2;
// A move at most multiplies or divides a multiplier by this much.
constexpr double kMaxStep = 3.0;

class Search {
 public:
  Search(const blood::Scenario& scenario, const SizingOptions& options)
      : scenario_(scenario),
        o_(options),
        provinces_(sizing_provinces(scenario)),
        tolx_(std::log1p(options.tolerance)),
        lowest_(std::log(options.min_multiplier)),
        highest_(std::log(options.max_multiplier)),
        goal_y_(std::log(std::max(1 - options.goals.fill_rate, 2 * kShortfallFloor))) {}

  SizingResult run() {
    started_ = std::chrono::steady_clock::now();
    const bool converged = search();
    verify(plan_x_);
    SizingResult result = report(converged);
    result.wall_seconds = elapsed();
    return result;
  }

 private:
  std::size_t size() const { return provinces_.size(); }
  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  }
  // Evaluations kept for the fresh verification (kVerificationSets of them)
  // and one repair of it (as many again when the cap is 10 or more, one when
  // it is 6 or more): a repair on 2R replications needs a smaller margin than
  // on R (fresh_seed_factor), and so fewer evaluations than the search would.
  std::size_t search_budget() const {
    const std::size_t repair = o_.max_evaluations >= 10 ? kVerificationSets : o_.max_evaluations >= 6 ? 1 : 0;
    const std::size_t reserve = kVerificationSets + repair;
    return o_.max_evaluations > reserve ? o_.max_evaluations - reserve : 1;
  }

  std::vector<double> multipliers(const std::vector<double>& x) const {
    std::vector<double> m;
    for (std::size_t p = 0; p < size(); ++p) m.push_back(sized_.empty() || sized_[p] ? std::exp(x[p]) : 1.0);
    return m;
  }

  // `sets` sets of R replications from `first_replication` (cost: `sets` evaluations).
  Evaluation evaluate(const std::vector<double>& x, SizingStep::Phase phase, std::size_t first_replication,
                      std::size_t sets = 1) {
    SizingOptions options = o_;
    options.replications = sets * o_.replications;
    Evaluation e = evaluate_plan(scenario_, multipliers(x), options, first_replication, o_.replications);
    if (sized_.empty()) mark_sized(e);
    simulations_ += e.simulations;
    spent_ += sets;
    balanced_ = balanced_ && e.balanced;
    SizingStep step{spent_, o_.max_evaluations, phase, e.multipliers, 0, 0, e.national.collected, 0};
    for (std::size_t p = 0; p < size(); ++p) {
      step.provinces_sized += sized_[p];
      step.provinces_meeting_fill += sized_[p] && e.provinces[p].meets_fill;
    }
    step.elapsed_seconds = elapsed();
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

  static double working_bound(const AreaOutcome& a) { return a.fill_rate_fresh_bound; }
  static double shortfall(double bound) { return std::max(kShortfallFloor, 1 - bound); }

  // ---- the search: one secant (or safeguarded) step per province per evaluation

  // True when every province ended with a closed bracket (or at the floor,
  // or hopeless at the ceiling) within the search's budget.
  bool search() {
    std::vector<double> x(size(), std::clamp(0.0, lowest_, highest_));
    tracks_.assign(size(), Track{});
    current_ = evaluate(x, SizingStep::Phase::Search, 0);  // the scenario as planned (multiplier 1)
    Evaluation e = current_;
    for (;;) {
      record(x, e);
      if (settled()) {
        plan_x_ = planned(x, e);
        return true;
      }
      if (spent_ >= search_budget()) {
        plan_x_ = planned(x, e);
        return false;
      }
      for (std::size_t p = 0; p < size(); ++p) x[p] = sized_[p] ? next_x(p, x[p], e.provinces[p]) : 0.0;
      e = evaluate(x, SizingStep::Phase::Search, 0);
    }
  }

  // Later verdicts win: other provinces move meanwhile (they share their
  // hub's stock), so an older verdict on the wrong side of a new one is stale.
  void record(const std::vector<double>& x, const Evaluation& e) {
    for (std::size_t p = 0; p < size(); ++p) {
      if (!sized_[p]) continue;
      Track& t = tracks_[p];
      const double bound = working_bound(e.provinces[p]);
      t.passes = bound >= o_.goals.fill_rate;
      if (t.passes) {
        t.pass = x[p];
        if (known(t.fail) && t.fail >= x[p]) t.fail = t.fail_bound = kNone;
      } else {
        t.fail = x[p];
        t.fail_bound = bound;
        if (known(t.pass) && t.pass <= x[p]) t.pass = kNone;
      }
      if (1 - bound > 1.5 * kShortfallFloor) {
        t.points.emplace_back(x[p], std::log(shortfall(bound)));
        if (t.points.size() > 2) t.points.erase(t.points.begin());
      }
    }
  }

  bool closed(const Track& t) const {
    if (!known(t.pass)) return false;
    return t.pass <= lowest_ + 1e-12 || (known(t.fail) && t.pass - t.fail <= tolx_ + 1e-12);
  }
  bool hopeless(const Track& t, double x) const { return !t.passes && x >= highest_ - 1e-12; }

  bool settled() const {
    for (std::size_t p = 0; p < size(); ++p) {
      if (sized_[p] && !closed(tracks_[p]) && !hopeless(tracks_[p], tracks_[p].fail)) return false;
    }
    return true;
  }

  // The plan the search hands to verification: the smallest passing
  // multiplier known for each province; where none is known yet (the budget
  // ran out), one more step up.
  std::vector<double> planned(const std::vector<double>& x, const Evaluation& e) const {
    std::vector<double> plan(size(), 0.0);
    for (std::size_t p = 0; p < size(); ++p) {
      if (!sized_[p]) continue;
      const Track& t = tracks_[p];
      plan[p] = known(t.pass) ? t.pass : next_x(p, x[p], e.provinces[p]);
    }
    return plan;
  }

  // The slope of y in x through the province's two latest unsaturated
  // points, when they give a falling one.
  double slope(const Track& t) const {
    if (t.points.size() < 2) return kNone;
    const auto [x1, y1] = t.points[0];
    const auto [x2, y2] = t.points[1];
    if (std::abs(x2 - x1) < 1e-9) return kNone;
    const double b = (y2 - y1) / (x2 - x1);
    return b < -0.5 ? b : kNone;
  }

  // Where the province's multiplier goes next: the secant's root (aimed half
  // a tolerance on the passing side), kept inside the bracket and at least a
  // tolerance from its passing end so that a miss closes it; without a slope,
  // the ratio of collections to requests.
  double next_x(std::size_t p, double x, const AreaOutcome& a) const {
    const Track& t = tracks_[p];
    if (closed(t)) return t.pass;
    if (hopeless(t, x)) return highest_;
    const bool up = !t.passes;
    double aim = kNone;
    if (const double b = slope(t); known(b)) {
      aim = x + (goal_y_ - std::log(shortfall(working_bound(a)))) / b + 0.5 * tolx_;
    } else if (a.collected > 0) {
      aim = x + std::log(kCollectionsPerRequest * a.requested / a.collected);
    }
    const double least = std::log1p(2 * o_.tolerance);  // a move without a slope is at least this
    if (!known(aim)) aim = up ? x + std::log(2.0) : x - std::log(2.0);
    if (up) aim = std::max(aim, x + (known(slope(t)) ? tolx_ : least));
    if (!up) aim = std::min(aim, x - (known(slope(t)) ? tolx_ : least));
    aim = std::clamp(aim, x - std::log(kMaxStep), x + std::log(kMaxStep));
    if (known(t.pass) && known(t.fail)) {
      const double width = t.pass - t.fail;
      const double top = t.pass - tolx_;
      const double bottom = t.fail + 0.15 * width;
      aim = bottom <= top ? std::clamp(aim, bottom, top) : top;
    } else if (known(t.pass)) {
      aim = std::min(aim, t.pass - tolx_);
    } else if (known(t.fail)) {
      aim = std::max(aim, t.fail + tolx_);
    }
    return std::clamp(aim, lowest_, highest_);
  }

  // ---- verification: the plan on seeds the search never saw

  // Runs the plan on 2R replications no evaluation has used (R .. 3R - 1 of
  // the seed). A province whose fill rate misses the goal there with the
  // fresh-seed margin (AreaOutcome::holds_fill) is raised by its own slope
  // towards it and the plan is run again on the next unused replications,
  // while the cap allows. The figures reported are the last round's: seeds
  // the plan was fixed before. (Outdates over the limit are not repaired:
  // fewer sessions would lose the fill rate; the province's reason says so.)
  void verify(std::vector<double> x) {
    std::size_t next = o_.replications;  // the first replication no evaluation has used
    for (std::size_t round = 0;; ++round) {
      // As many fresh sets as the cap leaves, up to kVerificationSets (a repair may get one).
      const std::size_t sets = std::max<std::size_t>(1, std::min(kVerificationSets, o_.max_evaluations - spent_));
      verification_first_ = next;
      verification_replications_ = sets * o_.replications;
      next += verification_replications_;
      final_ = evaluate(x, SizingStep::Phase::Verification, verification_first_, sets);
      final_x_ = x;
      verification_rounds_ = round + 1;
      bool raised = false;
      for (std::size_t p = 0; p < size(); ++p) {
        if (!sized_[p] || final_.provinces[p].holds_fill || x[p] >= highest_ - 1e-12) continue;
        const double b = known(slope(tracks_[p])) ? slope(tracks_[p]) : -8.0;
        const double gap = goal_y_ - std::log(shortfall(working_bound(final_.provinces[p])));
        x[p] = std::min(highest_, std::clamp(x[p] + gap / b + tolx_, x[p] + 2 * tolx_, x[p] + std::log(1.25)));
        raised = true;
      }
      if (!raised || spent_ >= o_.max_evaluations) return;
    }
  }

  SizingResult report(bool converged) const {
    SizingResult r;
    r.goals = o_.goals;
    r.replications = o_.replications;
    r.tolerance = o_.tolerance;
    r.evaluations = spent_;
    r.simulations = simulations_;
    r.converged = converged;
    r.balanced = balanced_;
    r.history = history_;
    r.national = final_.national;
    r.current_national = current_.national;
    r.verification_rounds = verification_rounds_;
    r.verification_first_replication = verification_first_;
    r.verification_replications = verification_replications_;
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
    pp.region = region_of(provinces_[p]);
    pp.sized = sized_[p];
    pp.multiplier = final_.multipliers[p];
    pp.outcome = final_.provinces[p];
    pp.current = current_.provinces[p];
    pp.tight = pp.sized && closed(tracks_[p]) && std::abs(final_x_[p] - tracks_[p].pass) < 1e-12 &&
               tracks_[p].pass > lowest_ + 1e-12;
    pp.at_floor = pp.sized && pp.outcome.meets_fill && pp.multiplier <= o_.min_multiplier * (1 + 1e-12);
    pp.at_ceiling = pp.sized && !pp.outcome.meets_fill && pp.multiplier >= o_.max_multiplier * (1 - 1e-12);
    for (std::size_t m = 0; m < 12; ++m) {
      pp.monthly_target[m] = std::llround(pp.outcome.collected_by_month[m]);
      pp.annual_target += pp.monthly_target[m];
    }
    if (pp.sized) pp.reason = reason(p, pp);
    return pp;
  }

  // Why province p misses a goal, in words and figures ("" when it holds both).
  std::string reason(std::size_t p, const ProvincePlan& pp) const {
    const AreaOutcome& a = pp.outcome;
    const Track& t = tracks_[p];
    const SizingGoals& g = o_.goals;
    std::string why;
    const auto add = [&](const char* format, auto... values) {
      char text[512];
      std::snprintf(text, sizeof text, format, values...);
      why += (why.empty() ? "" : "; ") + std::string(text);
    };
    if (!a.holds_fill) {
      if (pp.at_ceiling || pp.multiplier >= o_.max_multiplier * (1 - 1e-12)) {
        add("fill rate short at the ceiling: lower bound %.4f, with the margin for fresh seeds %.4f, against the "
            "goal %g with x%.3f sessions, the most allowed (--max-multiplier): its own sessions cannot supply it",
            a.fill_rate.low(), a.fill_rate_fresh_bound, g.fill_rate, pp.multiplier);
      } else if (!a.meets_fill) {
        add("fill rate short on the fresh seeds: lower bound %.4f < goal %g at x%.3f; the evaluation cap (%zu) "
            "left no further repair",
            a.fill_rate.low(), g.fill_rate, pp.multiplier, o_.max_evaluations);
      } else {
        add("fill rate meets the goal on these fresh seeds (lower bound %.4f) but not with the margin another fresh "
            "set needs (mean - k se = %.4f < %g); the evaluation cap (%zu) left no further repair",
            a.fill_rate.low(), a.fill_rate_fresh_bound, g.fill_rate, o_.max_evaluations);
      }
    }
    if (!a.holds_outdate) {
      const double high = a.outdate_rate.high(), fresh = a.outdate_rate_fresh_bound;
      if (pp.multiplier <= o_.min_multiplier * (1 + 1e-12)) {
        add("outdates over the limit even at the floor: upper bound %.4f (with the fresh-seed margin %.4f) against "
            "limit %g at x%.3f, the fewest sessions allowed: fewer sessions cannot fix it (its stock, orders and "
            "shelf life do)",
            high, fresh, g.max_outdate_rate, pp.multiplier);
      } else if (known(t.fail) && t.fail < final_x_[p]) {
        add("infeasible by scaling its sessions: at x%.3f, the smallest multiplier seen to meet the fill-rate goal, "
            "the outdate rate's upper bound is %.4f (with the fresh-seed margin %.4f) against limit %g, and at "
            "x%.3f the search saw its fill rate's bound (with the fresh-seed margin) at %.4f < goal %g: the fill "
            "goal needs more collection than the outdate limit allows, with its neighbours' plan as it is",
            pp.multiplier, high, fresh, g.max_outdate_rate, std::exp(t.fail), t.fail_bound, g.fill_rate);
      } else {
        add("outdates over the limit: upper bound %.4f (with the fresh-seed margin %.4f) against limit %g at x%.3f; "
            "the search found no lower multiplier that meets the fill-rate goal within the cap",
            high, fresh, g.max_outdate_rate, pp.multiplier);
      }
    }
    return why;
  }

  std::string region_of(const std::string& province) const {
    for (const blood::AreaSpec& a : scenario_.areas) {
      if (a.name == province) return a.parent.empty() ? a.name : a.parent;
    }
    return province;
  }

  const blood::Scenario& scenario_;
  const SizingOptions& o_;
  std::vector<std::string> provinces_;
  double tolx_, lowest_, highest_, goal_y_;
  std::vector<bool> sized_;
  std::vector<Track> tracks_;
  Evaluation current_;             // multiplier 1 on the search's seeds: the scenario as planned
  Evaluation final_;               // the plan on the last set of fresh seeds
  std::vector<double> plan_x_, final_x_;
  std::size_t verification_rounds_ = 0;
  std::vector<SizingStep> history_;
  std::size_t simulations_ = 0;
  std::size_t spent_ = 0;              // evaluations (sets of R replications) so far
  std::size_t verification_first_ = 0;
  std::size_t verification_replications_ = 0;
  bool balanced_ = true;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace

double fresh_seed_factor(double confidence, std::size_t fresh, std::size_t checked) {
  if (fresh < 2 || checked < 2) throw std::invalid_argument("fresh_seed_factor: need at least 2 replications");
  const auto nu = static_cast<double>(fresh - 1);
  const auto nu_checked = static_cast<double>(checked - 1);
  const double t = student_t_quantile(confidence, nu);
  const double spread = std::sqrt(1 + static_cast<double>(fresh) / static_cast<double>(checked));
  // The density of chi = s / sigma = sqrt(X / nu), X ~ chi-square(nu), on a
  // midpoint grid over [0, 7] (chi has mean about 1 and sd at most 0.6).
  constexpr int kPoints = 280;
  constexpr double kTop = 7.0;
  const double h = kTop / kPoints;
  const auto chi_grid = [&](double df, std::vector<double>& chi, std::vector<double>& weight) {
    const double log_norm = std::log(2.0) + (df / 2) * std::log(df / 2) - std::lgamma(df / 2);
    chi.assign(kPoints, 0);
    weight.assign(kPoints, 0);
    double total = 0;
    for (int i = 0; i < kPoints; ++i) {
      chi[i] = (i + 0.5) * h;
      weight[i] = std::exp(log_norm + (df - 1) * std::log(chi[i]) - df * chi[i] * chi[i] / 2) * h;
      total += weight[i];
    }
    for (double& w : weight) w /= total;  // the grid's own normalisation
  };
  std::vector<double> chi_f, weight_f, chi_c, weight_c;
  chi_grid(nu, chi_f, weight_f);
  chi_grid(nu_checked, chi_c, weight_c);
  // P(spread Z - t chi_fresh + k chi_checked >= 0), Z ~ N(0, 1).
  const auto probability = [&](double k) {
    double p = 0;
    for (int v = 0; v < kPoints; ++v) {
      double inner = 0;
      for (int f = 0; f < kPoints; ++f) {
        inner += weight_f[f] * 0.5 * std::erfc(-(k * chi_c[v] - t * chi_f[f]) / (spread * std::sqrt(2.0)));
      }
      p += weight_c[v] * inner;
    }
    return p;
  };
  double low = t, high = t + 4;
  while (probability(high) < confidence) high += 4 * (high - t);
  for (int i = 0; i < 40 && high - low > 1e-6; ++i) {
    const double mid = (low + high) / 2;
    (probability(mid) < confidence ? low : high) = mid;
  }
  return high;
}

bool SizingResult::provinces_hold_on_fresh_seeds() const noexcept {
  return std::all_of(provinces.begin(), provinces.end(), [](const ProvincePlan& p) {
    return !p.sized || (p.outcome.holds_fill && p.outcome.holds_outdate);
  });
}

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
                         const SizingOptions& options, std::size_t first_replication, std::size_t fresh_n) {
  if (fresh_n == 0) fresh_n = options.replications;
  check_sizing_options(options);
  const std::vector<std::string> provinces = sizing_provinces(scenario);
  const auto world = blood::build_world(apply_multipliers(scenario, provinces, multipliers), options.days);
  std::vector<int> roots{-1};  // the nation first, then every province
  for (const std::string& p : provinces) roots.push_back(area_index(*world, p));
  const std::vector<ReplicationKpis> reps = replicate_all(world, roots, options, first_replication);

  const double fresh_factor =
      fresh_seed_factor(options.goals.confidence, fresh_n, options.replications);
  Evaluation e;
  e.multipliers = multipliers;
  e.simulations = reps.size();
  e.national = summarise_area(reps, 0, options, fresh_factor, fresh_n);
  for (std::size_t p = 0; p < provinces.size(); ++p) {
    e.provinces.push_back(summarise_area(reps, p + 1, options, fresh_factor, fresh_n));
  }
  const std::vector<blood::YearSpan> years = blood::simulated_years(*world);
  summarise_years(reps, 0, roots.size(), years, e.national);
  for (std::size_t p = 0; p < provinces.size(); ++p) summarise_years(reps, p + 1, roots.size(), years, e.provinces[p]);
  count_sessions(*world, roots, e);
  e.balanced = std::all_of(reps.begin(), reps.end(), [](const ReplicationKpis& r) { return r.balanced; });
  return e;
}

SizingResult size_targets(const blood::Scenario& scenario, const SizingOptions& options) {
  check_sizing_options(options);
  if (sizing_provinces(scenario).empty()) throw std::invalid_argument("size-targets: the scenario has no areas");
  return Search(scenario, options).run();
}

}  // namespace giotmau::experiments
