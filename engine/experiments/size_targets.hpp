#pragma once
// Sizing collection targets: the smallest collection plan, per province and
// month, that meets a red-cell fill-rate goal with a given confidence.
//
// A plan can only collect more through levers it really has, so the search
// scales, per province, the capacity of every session held in it (drive
// series, fixed sites and campaign drives; invitations and expected walk-ins
// follow the capacity, as they are per place). It never creates blood: what
// a larger plan collects is what the simulated donors give.
//
// The criterion is per province: the one-sided lower confidence bound of the
// province's mean red-cell fill rate (over replications) must reach the goal.
// A national mean would let big cities' surplus hide provinces that are short,
// which is what the steering committee must avoid ("local surplus or local
// shortage, especially in remote areas"). The outdate rate (upper bound) is
// checked, not searched on: collections lower than the smallest that meet the
// fill goal miss it, so the minimal multiplier is also the one with the
// fewest outdates; a province over the limit there cannot meet both goals by
// scaling its collections, and its reason says so, with the figures.
//
// The search moves every province at once (a secant step per province per
// evaluation, common random numbers across evaluations), then runs the plan
// on 2R fresh replications and reports those: at most 12 evaluations of the
// whole country by default. Both work with a margin for fresh seeds, so that
// a plan reported as meeting the goals meets them on a fresh set of R
// replications with probability at least the confidence (fresh_seed_factor).
// Method, guarantees and cost: docs/target-sizing.md.
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "blood/scenario.hpp"
#include "experiments/statistics.hpp"

namespace giotmau::experiments {

struct SizingGoals {
  double fill_rate = 0.99;          // the lower bound of each province's mean fill rate must reach it
  double max_outdate_rate = 0.05;   // the upper bound of each province's mean outdate rate must not exceed it
  double confidence = 0.95;         // of each one-sided bound
};

// What one evaluation (R replications at given multipliers) shows.
struct SizingStep {
  enum class Phase : std::uint8_t { Search, Verification };
  std::size_t evaluation = 0;       // 1, 2, ...
  std::size_t max_evaluations = 0;  // the most there can be (SizingOptions::max_evaluations)
  Phase phase = Phase::Search;      // search: every province moves; verification: the plan on fresh seeds
  std::vector<double> multipliers;  // per province, as SizingResult::provinces
  std::size_t provinces_meeting_fill = 0;
  std::size_t provinces_sized = 0;
  double national_collected = 0;    // mean over replications
  double elapsed_seconds = 0;       // since the search started
};

struct SizingOptions {
  SizingGoals goals;
  std::size_t replications = 20;    // at least 2 (an interval needs two)
  std::uint64_t base_seed = 1;      // every evaluation uses the same seeds (common random numbers)
  unsigned threads = 1;             // results never depend on it
  int days = 0;                     // simulate only the first N days; 0: the scenario's period
  double tolerance = 0.02;          // a bracket is closed when passing / failing <= 1 + tolerance
  double min_multiplier = 0.25;     // the floor: a plan keeps at least this share of its sessions
  double max_multiplier = 4.0;      // the ceiling: more is not a realistic plan for one year
  std::size_t max_evaluations = 12;  // the cap, verification included (at least 3)
  std::function<void(const SizingStep&)> on_step;  // after each evaluation, on the calling thread
  // The processes of an MPI job (engine/distributed): each evaluation's
  // replications are spread over them in contiguous blocks, and every process
  // gathers all of them, so that every process takes the same steps.
  // Default: this process alone.
  struct Spread {
    std::size_t rank = 0, ranks = 1;
    std::function<std::vector<std::string>(const std::string&)> all_gather;  // every rank's bytes, in rank order
  } spread;
};

// One province (or the nation) at one set of multipliers.
struct AreaOutcome {
  // Intervals at confidence 2c - 1, two-sided: their ends are the one-sided
  // bounds at confidence c that the goals are checked against.
  Estimate fill_rate;
  Estimate outdate_rate;
  double requested = 0;                      // mean red-cell requests
  double collected = 0;                      // mean whole-blood donations
  std::array<double, 12> collected_by_month{};  // means, by calendar month
  std::array<double, 12> sessions_by_month{};   // sessions held (a session on one day in one leaf)
  std::array<double, 12> places_by_month{};     // their capacity (donors they can register)
  // A period over several civil years (blood::simulated_years): the same
  // three by month of each year, so that a plan is never summed across years
  // by calendar month; empty for a period within one year.
  struct YearMonths {
    int year = 0;
    std::array<double, 12> collected{}, sessions{}, places{};
  };
  std::vector<YearMonths> years;
  bool meets_fill = false;                   // the stated criterion on these seeds: fill_rate.low() >= goal
  bool meets_outdate = false;                // outdate_rate.high() <= limit
  // With a margin for fresh seeds (fresh_seed_factor): a plan that meets
  // these on seeds chosen before it was fixed meets the stated criterion on a
  // fresh set of as many replications with probability >= the confidence.
  double fill_rate_fresh_bound = 0;          // mean - k max(s, 1 - mean) / sqrt(n)
  double outdate_rate_fresh_bound = 0;       // mean + k s / sqrt(n)
  bool holds_fill = false;                   // fill_rate_fresh_bound >= goal
  bool holds_outdate = false;                // outdate_rate_fresh_bound <= limit
};

// R replications of the scenario with the sessions of province p scaled by
// multipliers[p].
struct Evaluation {
  std::vector<double> multipliers;
  std::vector<AreaOutcome> provinces;
  AreaOutcome national;
  std::size_t simulations = 0;
  bool balanced = true;                      // the books balanced in every replication
};

struct ProvincePlan {
  std::string area;
  std::string region;                        // the top-level area it lies in (itself when it is one)
  bool sized = true;                         // has red-cell demand (else kept at multiplier 1)
  double multiplier = 1;                     // the final multiplier
  bool tight = false;                        // the search saw it miss the goal one tolerance lower
  bool at_floor = false;                     // meets the goal at min_multiplier
  bool at_ceiling = false;                   // misses the goal at max_multiplier
  std::array<std::int64_t, 12> monthly_target{};  // the plan: mean collections, rounded
  std::int64_t annual_target = 0;            // the sum of the months
  AreaOutcome outcome;                       // at the final multipliers, on the verification's seeds
  AreaOutcome current;                       // the scenario as planned (multiplier 1), on the search's seeds
  // Why the province misses a goal, with figures (empty when it holds both
  // with the fresh-seed margin): short at the ceiling, outdates at the
  // smallest multiplier seen to meet the fill goal (infeasible by scaling its
  // sessions), the evaluation cap, ...
  std::string reason;
};

struct SizingResult {
  SizingGoals goals;
  std::size_t replications = 0;
  double tolerance = 0;
  std::vector<ProvincePlan> provinces;
  AreaOutcome national;                      // the final national check
  AreaOutcome current_national;              // the scenario as planned
  std::array<std::int64_t, 12> national_monthly_target{};
  std::int64_t national_annual_target = 0;
  std::size_t evaluations = 0;
  std::size_t simulations = 0;               // evaluations x replications
  bool converged = false;                    // the search ended within its budget: every bracket closed, or at the ceiling
  std::size_t verification_rounds = 0;       // fresh sets of seeds the plan was run on (the last one reported)
  std::size_t verification_first_replication = 0;  // the last set: replications from here
  std::size_t verification_replications = 0;       // how many (2R: it counts as two evaluations)
  bool balanced = true;                      // in every simulation
  std::vector<SizingStep> history;
  double wall_seconds = 0;

  bool provinces_meet_fill() const noexcept;     // the stated criterion, on the last fresh set
  bool provinces_meet_outdate() const noexcept;
  bool provinces_hold_on_fresh_seeds() const noexcept;  // both, with the fresh-seed margin
  bool national_meets() const noexcept { return national.meets_fill && national.meets_outdate; }
  // The stated criterion on the verification's fresh seeds, with the margin
  // that carries it to another fresh set (docs/target-sizing.md).
  bool goals_met() const noexcept {
    return provinces_meet_fill() && provinces_meet_outdate() && provinces_hold_on_fresh_seeds() && national_meets();
  }
};

// The margin for fresh seeds, in standard errors: the k with
// P(sqrt(2) Z - t chi_fresh + k chi_this >= 0) = c, where Z ~ N(0, 1), t is
// the one-sided Student quantile t(c, n - 1) of the stated criterion and the
// chi are s / sigma of two independent sets of n (sqrt(chi2(n-1) / (n-1))).
// If the mean of a set of n, m - k s / sqrt(n), reaches the goal, then a fresh
// set's lower bound m' - t s' / sqrt(n) misses it only when
// sqrt(2) Z - t chi' + k chi < 0 (m' - m = sigma sqrt(2 / n) Z): so
// P(this set passes and a fresh set fails) <= 1 - c whatever the true mean
// (normal means, as the t interval itself assumes). Checked on n: n = 6:
// 6.09, 8: 5.33, 20: 4.40; on 2n (the verification): 4.82, 4.44, 3.92
// (against t = 2.02, 1.89, 1.73).
double fresh_seed_factor(double confidence, std::size_t fresh, std::size_t checked);


// Throws std::invalid_argument naming the first bad option (fewer than two
// replications, goals or multipliers out of range, ...).
void check_sizing_options(const SizingOptions& options);

// The areas sized: the children of the top-level areas (the provinces under
// the regions), or a top-level area itself when it has none.
std::vector<std::string> sizing_provinces(const blood::Scenario& scenario);

// Per province (as sizing_provinces), its catchment: the first province of
// the group that shares stock with it (hospital -> centre -> hub; everything
// when rebalancing is on). Catchments share no stock and every entity has its
// own random stream, so one catchment's results do not depend at all on
// another's multipliers: the search tries one province of each at once.
std::vector<std::size_t> sizing_catchments(const blood::Scenario& scenario);

// A copy of `scenario` with the sessions of province p scaled by
// multipliers[p] (as sizing_provinces). A session over an area above the
// provinces (a region, the nation) is first split into one copy per province
// under it, with the same name: its sessions, and so their random streams,
// stay exactly the same at multiplier 1.
blood::Scenario apply_multipliers(const blood::Scenario& scenario, const std::vector<std::string>& provinces,
                                  const std::vector<double>& multipliers);

// Runs options.replications replications at `multipliers` and checks every
// province and the nation against options.goals.
// Replication r uses seed replication_seed(base_seed, first_replication + r).
// The fresh-seed bounds (AreaOutcome::holds_fill) are for a fresh set of
// `fresh_n` replications (0: options.replications).
Evaluation evaluate_plan(const blood::Scenario& scenario, const std::vector<double>& multipliers,
                         const SizingOptions& options, std::size_t first_replication = 0, std::size_t fresh_n = 0);

// The search (docs/target-sizing.md). Throws std::invalid_argument for fewer
// than two replications, a scenario without provinces, or bad options.
SizingResult size_targets(const blood::Scenario& scenario, const SizingOptions& options);

}  // namespace giotmau::experiments
