// Rebalancing across regions: the min-cost-flow planner on hand-made inputs,
// and the national coordinator end to end on two regions, one over-supplied
// and one short.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "blood/rebalancing.hpp"
#include "blood/run.hpp"
#include "support/small_scenarios.hpp"

namespace giotmau::blood {
namespace {

constexpr double kNoRoad = std::numeric_limits<double>::infinity();

RebalancingProblem problem(std::vector<std::int64_t> surplus, std::vector<std::int64_t> shortfall,
                           std::vector<double> minutes) {
  return RebalancingProblem{std::move(surplus), std::move(shortfall), std::move(minutes), 1.0};
}

std::int64_t moved(const std::vector<PlannedTransfer>& plan) {
  return std::accumulate(plan.begin(), plan.end(), std::int64_t{0},
                         [](std::int64_t sum, const PlannedTransfer& t) { return sum + t.units; });
}

// Out of every node at most its surplus, into it at most its shortfall.
void expect_within_bounds(const RebalancingProblem& p, const std::vector<PlannedTransfer>& plan) {
  std::vector<std::int64_t> out(p.surplus.size()), in(p.surplus.size());
  for (const PlannedTransfer& t : plan) {
    EXPECT_NE(t.from, t.to);
    EXPECT_GT(t.units, 0);
    out[static_cast<std::size_t>(t.from)] += t.units;
    in[static_cast<std::size_t>(t.to)] += t.units;
  }
  for (std::size_t i = 0; i < p.surplus.size(); ++i) {
    EXPECT_LE(out[i], p.surplus[i]) << "node " << i;
    EXPECT_LE(in[i], p.shortfall[i]) << "node " << i;
  }
}

TEST(RebalancingPlanner, SendsSurplusToTheNearestShortCentreFirst) {
  // Node 0 has 10 to give; 1 (100 min away) and 2 (300 min away) need 10 each.
  const auto p = problem({10, 0, 0}, {0, 10, 10},
                         {0, 100, 300,  //
                          100, 0, 200,  //
                          300, 200, 0});
  const auto plan = plan_rebalancing(p);
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].from, 0);
  EXPECT_EQ(plan[0].to, 1);
  EXPECT_EQ(plan[0].units, 10);
  EXPECT_DOUBLE_EQ(transfer_cost(p, plan), 10 * 100.0);
}

TEST(RebalancingPlanner, MinimisesTheTotalCostNotEachStep) {
  // Nodes 0 and 1 give 10 each, 2 and 3 need 10 each. Greedy (the cheapest arc
  // 0 -> 2 first) would leave 1 -> 3 at 100 min a unit; the optimum crosses over.
  const auto p = problem({10, 10, 0, 0}, {0, 0, 10, 10},
                         {0, 0, 1, 2,  //
                          0, 0, 2, 100,  //
                          1, 2, 0, 0,  //
                          2, 100, 0, 0});
  const auto plan = plan_rebalancing(p);
  expect_within_bounds(p, plan);
  EXPECT_EQ(moved(plan), 20);
  EXPECT_DOUBLE_EQ(transfer_cost(p, plan), 10 * 2.0 + 10 * 2.0);
}

TEST(RebalancingPlanner, MovesTheSmallerOfTotalSurplusAndShortfallWhenAllAreReachable) {
  // A fixed pseudo-random set of problems, fully connected, of various sizes.
  std::uint64_t x = 12345;
  auto next = [&x](std::uint64_t bound) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::int64_t>((x >> 33) % bound);
  };
  for (int round = 0; round < 40; ++round) {
    const std::size_t n = 2 + static_cast<std::size_t>(next(9));
    RebalancingProblem p;
    p.surplus.resize(n);
    p.shortfall.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      if (next(2) == 0) {
        p.surplus[i] = next(500);
      } else {
        p.shortfall[i] = next(500);
      }
    }
    p.travel_minutes.resize(n * n);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = i; j < n; ++j) {
        const double m = i == j ? 0.0 : 30.0 + static_cast<double>(next(2000));
        p.travel_minutes[i * n + j] = p.travel_minutes[j * n + i] = m;
      }
    }
    const auto plan = plan_rebalancing(p);
    expect_within_bounds(p, plan);
    const std::int64_t supply = std::accumulate(p.surplus.begin(), p.surplus.end(), std::int64_t{0});
    const std::int64_t demand = std::accumulate(p.shortfall.begin(), p.shortfall.end(), std::int64_t{0});
    EXPECT_EQ(moved(plan), std::min(supply, demand)) << "round " << round;
    for (const PlannedTransfer& t : plan) {
      EXPECT_GT(p.surplus[static_cast<std::size_t>(t.from)], 0);
      EXPECT_GT(p.shortfall[static_cast<std::size_t>(t.to)], 0);
    }
  }
}

TEST(RebalancingPlanner, UnreachablePairsGetNothing) {
  // Two islands: {0, 1} and {2, 3}. Node 0 gives, 3 needs: nothing can move.
  // Node 2 gives too, and reaches 3.
  const auto p = problem({50, 0, 5, 0}, {0, 0, 0, 20},
                         {0, 10, kNoRoad, kNoRoad,  //
                          10, 0, kNoRoad, kNoRoad,  //
                          kNoRoad, kNoRoad, 0, 10,  //
                          kNoRoad, kNoRoad, 10, 0});
  const auto plan = plan_rebalancing(p);
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].from, 2);
  EXPECT_EQ(plan[0].to, 3);
  EXPECT_EQ(plan[0].units, 5);
  EXPECT_TRUE(plan_rebalancing(problem({50, 0}, {0, 20}, {0, kNoRoad, kNoRoad, 0})).empty());
}

TEST(RebalancingPlanner, ANodeThatHasAndNeedsCoversItselfFirst) {
  const auto p = problem({8, 0}, {3, 10}, {0, 60, 60, 0});
  const auto plan = plan_rebalancing(p);
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].units, 5);
}

TEST(RebalancingPlanner, WithoutCostItStillMovesAllItCanAndTransfersComeSorted) {
  auto p = problem({30, 30, 0, 0}, {0, 0, 25, 25},
                   {0, 1, 5, 9,  //
                    1, 0, 9, 5,  //
                    5, 9, 0, 1,  //
                    9, 5, 1, 0});
  p.cost_per_minute = 0;
  const auto plan = plan_rebalancing(p);
  expect_within_bounds(p, plan);
  EXPECT_EQ(moved(plan), 50);
  for (std::size_t i = 1; i < plan.size(); ++i) {
    EXPECT_TRUE(plan[i - 1].from < plan[i].from || (plan[i - 1].from == plan[i].from && plan[i - 1].to < plan[i].to));
  }
}

TEST(RebalancingPlanner, RejectsInconsistentInput) {
  EXPECT_THROW(plan_rebalancing(problem({1, 2}, {0}, {0, 1, 1, 0})), std::invalid_argument);
  EXPECT_THROW(plan_rebalancing(problem({1, 0}, {0, 1}, {0, 1, 1})), std::invalid_argument);
  EXPECT_THROW(plan_rebalancing(problem({-1, 0}, {0, 1}, {0, 1, 1, 0})), std::invalid_argument);
  auto p = problem({1, 0}, {0, 1}, {0, 1, 1, 0});
  p.cost_per_minute = -1;
  EXPECT_THROW(plan_rebalancing(p), std::invalid_argument);
  EXPECT_TRUE(plan_rebalancing(problem({}, {}, {})).empty());
}

// ---- end to end ---------------------------------------------------------------------

// Two regions, each a hub and a provincial centre with their hospital banks,
// the hubs linked by a long road. The north collects about twice what it uses
// and outdates much of the rest; the south collects about 85% of what it uses
// and runs short (without appeals, which would hide the effect).
Scenario two_regions(int days = 240) {
  Scenario s;
  s.name = "two-regions";
  s.start = testing::date("2025-03-01");
  s.end = s.start + days - 1;
  s.seed = 5;
  s.season.tet = testing::date("2025-01-29");
  s.season.student_presence_by_month.fill(1.0);
  s.turnout.group_shares = {0.4196, 0.0004, 0.2198, 0.0002, 0.2997, 0.0003, 0.0599, 0.0001};
  s.demand.group_shares = s.turnout.group_shares;
  s.appeals.enabled = false;  // the south's only help is the north
  s.areas = {{.name = "country", .parent = "", .population = 0, .centre = ""},
             {.name = "north", .parent = "country", .population = 0, .centre = ""},
             {.name = "south", .parent = "country", .population = 0, .centre = ""},
             {.name = "north-city", .parent = "north", .population = 400'000, .centre = "north-hub", .engagement = 1.0},
             {.name = "north-hills", .parent = "north", .population = 200'000, .centre = "north-centre", .engagement = 1.0},
             {.name = "south-city", .parent = "south", .population = 400'000, .centre = "south-hub", .engagement = 0.15},
             {.name = "south-delta", .parent = "south", .population = 200'000, .centre = "south-centre", .engagement = 0.15}};
  s.centres = {{.name = "north-hub", .area = "north-city", .hub = ""},
               {.name = "north-centre", .area = "north-hills", .hub = "north-hub"},
               {.name = "south-hub", .area = "south-city", .hub = ""},
               {.name = "south-centre", .area = "south-delta", .hub = "south-hub"}};
  s.hospitals = {{.name = "north-city-hospitals", .area = "north-city", .centre = "north-hub"},
                 {.name = "north-hills-hospitals", .area = "north-hills", .centre = "north-centre"},
                 {.name = "south-city-hospitals", .area = "south-city", .centre = "south-hub"},
                 {.name = "south-delta-hospitals", .area = "south-delta", .centre = "south-centre"}};
  s.links = {{"north-hub", "north-centre", 180}, {"south-hub", "south-centre", 200}, {"north-hub", "south-hub", 1200}};
  SessionSpec drives;
  drives.name = "drives";
  drives.area = "country";
  drives.weekdays = {true, false, true, false, true, false, false};
  drives.from = s.start;
  drives.to = s.end;
  drives.capacity_per_100k = 40;
  s.sessions = {drives};
  s.demand = testing::typical_demand(s.demand);
  return s;
}

Scenario with_rebalancing(Scenario s) {
  s.policy.rebalancing.enabled = true;
  return s;
}

RunResult run_checked(const Scenario& s, unsigned threads = 1) {
  RunResult r = run(build_world(s), RunOptions{3, threads});
  const auto problems = check_conservation(r);
  EXPECT_TRUE(problems.empty()) << problems.front();
  return r;
}

// What the coordinator planned and the centres shipped, from the LP states
// (RunResult does not carry the coordinator's state).
struct CoordinatorTotals {
  std::int64_t planned = 0;
  std::int64_t shipped = 0;
};

CoordinatorTotals coordinator_totals(const Scenario& s, unsigned threads) {
  const auto world = build_world(s);
  InitialStock initial;
  kernel::Simulation<BloodModel> sim(BloodModel(world), initial_states(*world, 3, initial),
                                     kernel::KernelConfig{world->lookahead, 3, threads});
  for (kernel::LpId lp = 0; lp < world->lp_count; ++lp) sim.schedule(lp, 6 * kTicksPerHour, BloodEvent{});
  sim.run_until(world->days * kTicksPerDay);
  CoordinatorTotals totals;
  for (kernel::LpId lp = 0; lp < world->lp_count; ++lp) {
    totals.planned += sim.state(lp).coordinator.planned_units;
    totals.shipped += sim.state(lp).rebalanced_units;
  }
  return totals;
}

// Red-cell `m` over the run in the provinces of `region`.
std::int64_t red_cells_in(const RunResult& r, const std::string& region, Measure m) {
  const World& w = *r.world;
  std::int64_t sum = 0;
  for (int a = 0; a < r.measures.areas(); ++a) {
    const int parent = w.area_parent[static_cast<std::size_t>(a)];
    if (parent < 0 || w.area_names[static_cast<std::size_t>(parent)] != region) continue;
    for (int d = 0; d < r.measures.days(); ++d)
      for (std::size_t g = 0; g < kGroupCount; ++g) sum += r.measures.at(m, d, a, group_at(g), Product::RedCells);
  }
  return sum;
}

TEST(RebalancingEndToEnd, OffByDefaultAddsNoCoordinator) {
  const auto world = build_world(two_regions(30));
  EXPECT_FALSE(world->rebalancing());
  EXPECT_EQ(world->lp_count, 4u);
  const auto on = build_world(with_rebalancing(two_regions(30)));
  EXPECT_TRUE(on->rebalancing());
  EXPECT_EQ(on->lp_count, 5u);
  EXPECT_EQ(on->coordinator_lp, 4u);
  EXPECT_EQ(on->lookahead, world->lookahead);
}

TEST(RebalancingEndToEnd, MovesRedCellsFromTheRichRegionToTheShortOne) {
  const Scenario off = two_regions();
  const Scenario on = with_rebalancing(off);
  const RunResult before = run_checked(off);
  const RunResult after = run_checked(on);
  const std::int64_t short_before = red_cells_in(before, "south", Measure::Shortage);
  const std::int64_t short_after = red_cells_in(after, "south", Measure::Shortage);
  const std::int64_t outdated_before = red_cells_in(before, "north", Measure::Outdated);
  const std::int64_t outdated_after = red_cells_in(after, "north", Measure::Outdated);
  const CoordinatorTotals totals = coordinator_totals(on, 1);
  std::printf("two regions, red cells: south shortage %lld -> %lld, north outdated %lld -> %lld, "
              "rebalanced %lld of %lld planned\n",
              static_cast<long long>(short_before), static_cast<long long>(short_after),
              static_cast<long long>(outdated_before), static_cast<long long>(outdated_after),
              static_cast<long long>(totals.shipped), static_cast<long long>(totals.planned));
  EXPECT_GT(short_before, 0);
  EXPECT_GT(outdated_before, 0);
  EXPECT_LT(short_after, short_before);
  EXPECT_LT(outdated_after, outdated_before);
  EXPECT_GT(totals.shipped, 0);
  EXPECT_LE(totals.shipped, totals.planned);
  EXPECT_EQ(coordinator_totals(off, 1).planned, 0);
}

TEST(RebalancingEndToEnd, ResultsAreIdenticalForOneAndFourThreads) {
  const Scenario s = with_rebalancing(two_regions(150));
  const RunResult one = run_checked(s, 1);
  const RunResult four = run_checked(s, 4);
  EXPECT_EQ(one.measures.cells(), four.measures.cells());
  EXPECT_EQ(one.measures.collected_cells(), four.measures.collected_cells());
  EXPECT_EQ(one.trace_hash, four.trace_hash);
  const CoordinatorTotals a = coordinator_totals(s, 1);
  const CoordinatorTotals b = coordinator_totals(s, 4);
  EXPECT_GT(a.shipped, 0);
  EXPECT_EQ(a.shipped, b.shipped);
  EXPECT_EQ(a.planned, b.planned);
}

TEST(RebalancingEndToEnd, PlanningEveryFewDaysStillBalancesTheBooks) {
  Scenario s = with_rebalancing(two_regions(120));
  s.policy.rebalancing.every_days = 7;
  const RunResult r = run_checked(s);
  EXPECT_GT(coordinator_totals(s, 1).shipped, 0);
  EXPECT_GT(r.measures.days(), 0);
}

TEST(RebalancingEndToEnd, RejectsAnInconsistentSpec) {
  Scenario s = with_rebalancing(two_regions(30));
  s.policy.rebalancing.short_days = 20;  // above surplus_days
  EXPECT_THROW(build_world(s), std::invalid_argument);
  s.policy.rebalancing.short_days = 3;
  s.policy.rebalancing.every_days = 0;
  EXPECT_THROW(build_world(s), std::invalid_argument);
}

}  // namespace
}  // namespace giotmau::blood
