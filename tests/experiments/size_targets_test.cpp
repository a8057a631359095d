// Sizing collection targets: the levers, the search's guarantees (every
// province meets the goal at its lower bound, none can be lowered by the
// tolerance), its bookkeeping and its determinism.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <utility>
#include <stdexcept>
#include <string>
#include <vector>

#include "blood/kpi.hpp"
#include "blood/run.hpp"
#include "experiments/size_targets.hpp"
#include "support/small_scenarios.hpp"

namespace giotmau::experiments {
namespace {

using blood::Product;

// The three provinces with more red-cell demand than their drives cover at
// first (14 per 1000 a year in the support scenario).
blood::Scenario short_scenario(int days = 120) {
  blood::Scenario s = giotmau::testing::three_provinces(days);
  s.demand.products[blood::index(Product::RedCells)].per_1000_population_per_year = 20.0;
  return s;
}

SizingOptions small_options(unsigned threads) {
  SizingOptions o;
  o.goals = {0.99, 0.05, 0.95};
  o.replications = 6;
  o.base_seed = 2025;
  o.threads = threads;
  return o;  // at most 12 evaluations, the verification included
}

std::vector<double> multipliers(const SizingResult& r) {
  std::vector<double> m;
  for (const ProvincePlan& p : r.provinces) m.push_back(p.multiplier);
  return m;
}

TEST(SizeTargetsLevers, ProvincesAreTheChildrenOfTheRegions) {
  EXPECT_EQ(sizing_provinces(short_scenario()),
            (std::vector<std::string>{"hub-province", "hill-province", "coast-province"}));
}

TEST(SizeTargetsLevers, SessionsAboveTheProvincesAreSplitAndScaled) {
  const blood::Scenario s = short_scenario();
  ASSERT_EQ(s.sessions.size(), 1u);  // one series over the whole region
  const blood::Scenario scaled = apply_multipliers(s, sizing_provinces(s), {1.0, 2.0, 0.5});
  ASSERT_EQ(scaled.sessions.size(), 3u);
  for (const blood::SessionSpec& spec : scaled.sessions) EXPECT_EQ(spec.name, s.sessions[0].name);  // same streams
  EXPECT_EQ(scaled.sessions[0].area, "hub-province");
  EXPECT_DOUBLE_EQ(scaled.sessions[0].capacity_per_100k, s.sessions[0].capacity_per_100k);
  EXPECT_DOUBLE_EQ(scaled.sessions[1].capacity_per_100k, 2 * s.sessions[0].capacity_per_100k);
  EXPECT_DOUBLE_EQ(scaled.sessions[2].capacity_per_100k, 0.5 * s.sessions[0].capacity_per_100k);
  // Invitations and walk-ins are per place: they follow the capacity.
  EXPECT_DOUBLE_EQ(scaled.sessions[1].invitations_per_capacity, s.sessions[0].invitations_per_capacity);
}

TEST(SizeTargetsLevers, MultiplierOneChangesNothing) {
  const blood::Scenario s = short_scenario(60);
  const blood::Scenario same = apply_multipliers(s, sizing_provinces(s), {1.0, 1.0, 1.0});
  const auto a = blood::run(blood::build_world(s), blood::RunOptions{11, 1});
  const auto b = blood::run(blood::build_world(same), blood::RunOptions{11, 1});
  const blood::Kpis ka = blood::compute_kpis(a);
  const blood::Kpis kb = blood::compute_kpis(b);
  EXPECT_EQ(ka.collected, kb.collected);
  EXPECT_EQ(ka.issued, kb.issued);
  EXPECT_EQ(ka.outdated, kb.outdated);
  EXPECT_EQ(ka.collected_by_month, kb.collected_by_month);
}

blood::Scenario coast_on_its_own(int days) {
  blood::Scenario s = short_scenario(days);
  for (blood::CentreSpec& c : s.centres) {
    if (c.name == "coast-centre") c.hub.clear();
  }
  // (The road to the old hub stays: a road alone moves no stock.)
  return s;
}

TEST(SizeTargetsLevers, CatchmentsFollowTheSupplyChain) {
  blood::Scenario s = short_scenario();
  EXPECT_EQ(sizing_catchments(s), (std::vector<std::size_t>{0, 0, 0}));  // one hub supplies all
  s = coast_on_its_own(120);
  EXPECT_EQ(sizing_catchments(s), (std::vector<std::size_t>{0, 0, 2}));
  s.policy.rebalancing.enabled = true;  // a national coordinator can move stock anywhere
  EXPECT_EQ(sizing_catchments(s), (std::vector<std::size_t>{0, 0, 0}));
}

// Provinces that share no stock are independent: the search checks them in
// the same evaluation. Here the coast gets its own hub.
TEST(SizeTargetsLevers, ProvincesOfAnotherCatchmentDoNotMove) {
  const blood::Scenario s = coast_on_its_own(60);
  SizingOptions o = small_options(2);
  o.replications = 2;
  const Evaluation a = evaluate_plan(s, {1.0, 1.0, 1.0}, o);
  const Evaluation b = evaluate_plan(s, {1.0, 1.0, 1.7}, o);
  EXPECT_GT(b.provinces[2].collected, a.provinces[2].collected);
  for (std::size_t p = 0; p < 2; ++p) {
    EXPECT_EQ(a.provinces[p].collected, b.provinces[p].collected);
    EXPECT_EQ(a.provinces[p].fill_rate.mean, b.provinces[p].fill_rate.mean);
    EXPECT_EQ(a.provinces[p].outdate_rate.mean, b.provinces[p].outdate_rate.mean);
  }
}

TEST(SizeTargetsOptions, BadOptionsAreRefused) {
  const blood::Scenario s = short_scenario(30);
  SizingOptions o = small_options(1);
  o.replications = 1;  // no interval
  EXPECT_THROW(size_targets(s, o), std::invalid_argument);
  o = small_options(1);
  o.goals.confidence = 1.0;
  EXPECT_THROW(size_targets(s, o), std::invalid_argument);
  o = small_options(1);
  o.min_multiplier = 2.0;
  EXPECT_THROW(size_targets(s, o), std::invalid_argument);
}

// The steering committee's question on a system that starts short.
TEST(SizeTargetsSearch, EveryProvinceMeetsTheGoalWithinTwelveEvaluations) {
  const blood::Scenario s = short_scenario();
  const SizingOptions o = small_options(2);
  const SizingResult r = size_targets(s, o);

  ASSERT_FALSE(r.history.empty());
  EXPECT_LT(r.history.front().provinces_meeting_fill, 3u) << "the scenario should start short";
  EXPECT_TRUE(r.balanced);
  EXPECT_LE(r.evaluations, 12u);
  EXPECT_EQ(r.evaluations, r.history.back().evaluation);  // a verification on 2R replications counts as two
  EXPECT_EQ(r.simulations, r.evaluations * o.replications);
  EXPECT_EQ(r.history.back().phase, SizingStep::Phase::Verification);
  EXPECT_GE(r.verification_first_replication, o.replications) << "verified on seeds the search never used";
  EXPECT_GE(r.verification_replications, o.replications);
  EXPECT_TRUE(r.goals_met());
  EXPECT_TRUE(r.provinces_hold_on_fresh_seeds());

  std::int64_t total = 0;
  for (const ProvincePlan& p : r.provinces) {
    SCOPED_TRACE(p.area);
    EXPECT_TRUE(p.sized);
    EXPECT_TRUE(p.outcome.meets_fill);
    EXPECT_GE(p.outcome.fill_rate.low(), o.goals.fill_rate);
    EXPECT_GE(p.outcome.fill_rate_fresh_bound, o.goals.fill_rate);  // with the margin for fresh seeds
    EXPECT_LT(p.outcome.fill_rate_fresh_bound, p.outcome.fill_rate.low());
    EXPECT_TRUE(p.reason.empty()) << p.reason;
    std::int64_t months = 0;
    for (const double c : p.outcome.collected_by_month) months += std::llround(c);
    EXPECT_EQ(p.annual_target, months);  // the plan is the simulated collections, month by month
    EXPECT_GT(p.annual_target, 0);
    // The scenario as planned, beside it: its sessions scaled by the multiplier.
    double sessions = 0, places_now = 0, places_planned = 0;
    for (std::size_t m = 0; m < 12; ++m) {
      sessions += p.current.sessions_by_month[m];
      places_now += p.current.places_by_month[m];
      places_planned += p.outcome.places_by_month[m];
    }
    EXPECT_GT(sessions, 0);
    EXPECT_NEAR(places_planned / places_now / p.multiplier, 1.0, 0.05);  // capacities are whole places
    total += p.annual_target;
  }
  EXPECT_EQ(total, r.national_annual_target);
  const std::vector<double> found = multipliers(r);
  EXPECT_GT(*std::max_element(found.begin(), found.end()), 1.0) << "short at first: some province needs more";
}

// The guarantee (docs/target-sizing.md): a plan reported as meeting the
// goals meets the stated criterion -- every province's one-sided lower bound
// at the goal -- on a fresh set of n replications with probability at least
// the confidence. Checked as a user would meet it: ten sizings from ten
// seeds, each plan that met the goals run on five fresh sets of n = 6: 150
// province checks, of which at most 5% should miss, 7.5 expected. The test
// allows 12 (8%; a procedure that misses 5% of the time stays within 12
// with probability 0.96). The search before this margin, verifying the stated
// bound on one fresh set, missed 16 of 135 (12%) here.
TEST(SizeTargetsFreshSeeds, ThePlanMeetsTheCriterionOnFreshSeedsAtTheStatedConfidence) {
  const blood::Scenario s = short_scenario();
  SizingOptions o = small_options(2);
  int misses = 0, checks = 0, met = 0;
  for (std::uint64_t b = 1; b <= 10; ++b) {
    o.base_seed = 1000 + b;
    const SizingResult r = size_targets(s, o);
    EXPECT_LE(r.evaluations, 12u);
    if (!r.goals_met()) continue;
    ++met;
    for (std::uint64_t k = 0; k < 5; ++k) {
      SizingOptions fresh = o;
      fresh.base_seed = 7919 * (k + 1) + b;  // seeds no sizing used
      const Evaluation e = evaluate_plan(s, multipliers(r), fresh);
      for (const AreaOutcome& a : e.provinces) {
        ++checks;
        misses += !a.meets_fill;
        EXPECT_TRUE(a.meets_outdate);
      }
    }
  }
  std::printf("goals met from %d of 10 seeds; %d of %d fresh checks missed the fill-rate goal\n", met, misses, checks);
  EXPECT_GE(met, 8) << "the goals should be met from most seeds";
  EXPECT_LE(misses, checks * 8 / 100) << misses << " of " << checks << " fresh checks missed the goal";
}

// The margin for fresh seeds does what it says: by simulation of its
// definition, P(sqrt(2) Z - t chi_fresh + k chi_checked >= 0) = c.
TEST(SizeTargetsSearch, TheFreshSeedFactorHasItsStatedProbability) {
  std::mt19937_64 bits(17);
  std::normal_distribution<double> z;
  for (const auto& [fresh, checked] : {std::pair<std::size_t, std::size_t>{6, 6}, {6, 12}, {8, 16}, {20, 40}}) {
    const double k = fresh_seed_factor(0.95, fresh, checked);
    const double t = 2.0150484;  // t(0.95, 5), only for n = 6
    const auto chi = [&](std::size_t n) {
      double sum = 0;
      for (std::size_t i = 0; i + 1 < n; ++i) sum += std::pow(z(bits), 2);
      return std::sqrt(sum / static_cast<double>(n - 1));
    };
    const double tq = fresh == 6 ? t : fresh == 8 ? 1.8945786 : 1.7291328;
    const double spread = std::sqrt(1 + static_cast<double>(fresh) / static_cast<double>(checked));
    int hits = 0;
    constexpr int kDraws = 100000;
    for (int i = 0; i < kDraws; ++i) hits += spread * z(bits) - tq * chi(fresh) + k * chi(checked) >= 0;
    EXPECT_NEAR(hits / static_cast<double>(kDraws), 0.95, 0.003) << "n " << fresh << " checked " << checked;
  }
  EXPECT_GT(fresh_seed_factor(0.95, 6, 6), fresh_seed_factor(0.95, 6, 12));  // a larger check, a smaller margin
  EXPECT_GT(fresh_seed_factor(0.99, 8, 16), fresh_seed_factor(0.95, 8, 16));
}

// Not oversized: the plan lowered by 6% everywhere misses the goal (with the
// margin for fresh seeds that the plan is verified with) somewhere on the
// very seeds that verified it. (Here the search used its share of the cap
// without closing every bracket: each province is at the smallest
// multiplier seen to meet the goal.)
TEST(SizeTargetsSearch, ThePlanIsNotOversized) {
  const blood::Scenario s = short_scenario();
  const SizingOptions o = small_options(2);
  const SizingResult r = size_targets(s, o);
  ASSERT_TRUE(r.goals_met());
  std::vector<double> lower = multipliers(r);
  for (double& m : lower) m = std::max(o.min_multiplier, m / 1.06);
  SizingOptions verification = o;
  verification.replications = r.verification_replications;
  const Evaluation e = evaluate_plan(s, lower, verification, r.verification_first_replication, o.replications);
  EXPECT_TRUE(std::any_of(e.provinces.begin(), e.provinces.end(), [](const AreaOutcome& a) { return !a.holds_fill; }));
}

// An outdate limit no plan can meet: the fill goal needs collections that
// outdate more than that. The result says which province, which limit and
// why, rather than a bare "no".
TEST(SizeTargetsSearch, AnInfeasibleOutdateLimitIsExplained) {
  const blood::Scenario s = short_scenario(365);
  SizingOptions o = small_options(2);
  o.replications = 4;
  o.goals.max_outdate_rate = 1e-6;
  const SizingResult r = size_targets(s, o);
  EXPECT_FALSE(r.goals_met());
  EXPECT_FALSE(r.provinces_meet_outdate());
  for (const ProvincePlan& p : r.provinces) {
    SCOPED_TRACE(p.area);
    if (p.outcome.holds_outdate) continue;
    EXPECT_NE(p.reason.find("outdate"), std::string::npos) << p.reason;
    EXPECT_NE(p.reason.find("1e-06"), std::string::npos) << "names the limit: " << p.reason;
    EXPECT_GT(p.outcome.outdate_rate.mean, 0) << "outdates that the plan really has";
  }
}

TEST(SizeTargetsSearch, SameResultForOneAndTwoThreads) {
  const blood::Scenario s = short_scenario();
  const SizingResult one = size_targets(s, small_options(1));
  const SizingResult two = size_targets(s, small_options(2));
  EXPECT_EQ(multipliers(one), multipliers(two));
  EXPECT_EQ(one.evaluations, two.evaluations);
  EXPECT_EQ(one.national_annual_target, two.national_annual_target);
  EXPECT_EQ(one.national_monthly_target, two.national_monthly_target);
  ASSERT_EQ(one.history.size(), two.history.size());
  for (std::size_t k = 0; k < one.history.size(); ++k) {
    EXPECT_EQ(one.history[k].multipliers, two.history[k].multipliers);
    EXPECT_EQ(one.history[k].national_collected, two.history[k].national_collected);
  }
  for (std::size_t p = 0; p < one.provinces.size(); ++p) {
    EXPECT_EQ(one.provinces[p].monthly_target, two.provinces[p].monthly_target);
    EXPECT_EQ(one.provinces[p].outcome.fill_rate.mean, two.provinces[p].outcome.fill_rate.mean);
  }
}

}  // namespace
}  // namespace giotmau::experiments
