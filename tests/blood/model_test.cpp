// End-to-end tests of the blood model: the books balance, the textbook cases
// give their analytic answers, seasons show, and threads change nothing.
#include <gtest/gtest.h>

#include <numeric>

#include "blood/kpi.hpp"
#include "blood/run.hpp"
#include "support/small_scenarios.hpp"

namespace giotmau::blood {
namespace {

using testing::date;

RunResult run_scenario(const Scenario& s, unsigned threads = 1, std::uint64_t seed = 11) {
  RunResult r = run(build_world(s), RunOptions{seed, threads});
  const auto problems = check_conservation(r);
  EXPECT_TRUE(problems.empty()) << problems.front();
  return r;
}

std::int64_t total(const RunResult& r, Measure m, Product p, int from_day = 0) {
  std::int64_t sum = 0;
  for (int d = from_day; d < r.measures.days(); ++d)
    for (int a = 0; a < r.measures.areas(); ++a)
      for (std::size_t g = 0; g < kGroupCount; ++g) sum += r.measures.at(m, d, a, group_at(g), p);
  return sum;
}

TEST(Model, ThreeProvincesBalanceTheBooksAndMoveBloodAround) {
  const RunResult r = run_scenario(testing::three_provinces());
  const Kpis k = compute_kpis(r);
  EXPECT_GT(k.collected, 5'000);
  EXPECT_GT(k.requested, 5'000);
  EXPECT_GT(k.fill_rate, 0.8);
  EXPECT_GT(total(r, Measure::Ordered, Product::RedCells), 0);
  EXPECT_GT(total(r, Measure::InTransit, Product::RedCells), 0);  // shipments between centres
  EXPECT_GT(total(r, Measure::Outdated, Product::Platelets), 0);  // 5-day platelets do expire
  EXPECT_GT(total(r, Measure::Discarded, Product::RedCells), 0);
  EXPECT_GT(total(r, Measure::Substituted, Product::RedCells), 0);
  // Every red cell made comes from a donation that passed or failed testing.
  EXPECT_LE(total(r, Measure::Produced, Product::RedCells), k.collected);
  std::int64_t registered = 0, donated = 0;
  for (const DriveRecord& d : r.drives) registered += d.registered, donated += d.donated;
  EXPECT_EQ(donated, k.collected);
  EXPECT_GT(registered, donated);
}

TEST(Model, ResultsAreIdenticalForOneAndFourThreads) {
  const Scenario s = testing::three_provinces(200);
  const RunResult one = run_scenario(s, 1);
  const RunResult four = run_scenario(s, 4);
  EXPECT_EQ(one.measures.cells(), four.measures.cells());
  EXPECT_EQ(one.measures.collected_cells(), four.measures.collected_cells());
  EXPECT_EQ(one.trace_hash, four.trace_hash);
  EXPECT_EQ(one.appeals, four.appeals);
  const RunResult other_seed = run_scenario(s, 1, 12);
  EXPECT_NE(one.measures.collected_cells(), other_seed.measures.collected_cells());
}

TEST(Model, DeterministicSupplyAboveDemandOutdatesExactlyTheSurplus) {
  Scenario s = testing::single_hospital(10, 7);
  s.hospitals[0].standing_order_units = {14, 0, 0};
  const RunResult r = run_scenario(s);
  EXPECT_EQ(total(r, Measure::Shortage, Product::RedCells), 0);
  // The queue grows by 4 units a day until its oldest units reach the 7-day
  // shelf life (after about 7 * 14 / 4 = 24.5 days); from then on every day 14
  // arrive, 10 are used and the 4 left of the oldest delivery expire.
  for (int d = 26; d < r.measures.days(); ++d) {
    std::int64_t outdated = 0, issued = 0;
    for (int a = 0; a < r.measures.areas(); ++a) {
      outdated += r.measures.at(Measure::Outdated, d, a, BloodGroup::OPos, Product::RedCells);
      issued += r.measures.at(Measure::Issued, d, a, BloodGroup::OPos, Product::RedCells);
    }
    ASSERT_EQ(outdated, 4) << "day " << d;
    ASSERT_EQ(issued, 10) << "day " << d;
  }
}

TEST(Model, SupplyEqualToDemandWithShortShelfLifeHasNoOutdatesAndNoShortage) {
  Scenario s = testing::single_hospital(25, 2);
  s.hospitals[0].standing_order_units = {25, 0, 0};
  const RunResult r = run_scenario(s);
  EXPECT_EQ(total(r, Measure::Outdated, Product::RedCells), 0);
  EXPECT_EQ(total(r, Measure::Shortage, Product::RedCells), 0);
  EXPECT_EQ(total(r, Measure::Issued, Product::RedCells), 25 * r.measures.days());
  EXPECT_EQ(total(r, Measure::Produced, Product::RedCells), 25 * (r.measures.days() - 1));  // day 0 is initial stock
}

TEST(Model, BaseStockPolicyOrdersWhatWasUsedAndRecordsIt) {
  // Order-up-to S with lead time 1 and Poisson demand: each day's order equals
  // that day's issues plus outdates (the position is restored to S).
  Scenario s = testing::single_hospital(30, 42, 200);
  s.demand.products[index(Product::RedCells)].distribution = DemandDistribution::Poisson;
  s.hospitals[0].reorder_point_units = {79, 0, 0};
  s.hospitals[0].order_up_to_units = {80, 0, 0};
  const RunResult r = run_scenario(s);
  for (int d = 5; d < r.measures.days(); ++d) {
    const auto at = [&](Measure m) { return r.measures.at(m, d, 0, BloodGroup::OPos, Product::RedCells); };
    ASSERT_EQ(at(Measure::Ordered), at(Measure::Issued) + at(Measure::Outdated)) << "day " << d;
  }
  const Kpis k = compute_kpis(r);
  EXPECT_GT(k.fill_rate, 0.999);  // S = 80 covers two days of demand of mean 30 almost always
}

TEST(Model, LifoIssuesFresherBloodAndOutdatesMoreThanFifo) {
  Scenario s = testing::single_hospital(20, 10, 200);
  s.demand.products[index(Product::RedCells)].distribution = DemandDistribution::Poisson;
  s.hospitals[0].reorder_point_units = {109, 0, 0};
  s.hospitals[0].order_up_to_units = {110, 0, 0};
  const RunResult fifo = run_scenario(s);
  s.policy.issue = IssuePolicy::Lifo;
  const RunResult lifo = run_scenario(s);
  EXPECT_LT(lifo.issued_age_days_sum, fifo.issued_age_days_sum);
  EXPECT_GT(total(lifo, Measure::Outdated, Product::RedCells), total(fifo, Measure::Outdated, Product::RedCells));
}

TEST(Model, CollectionsDipAtTetAndInSummerAndShortageRiskPeaksThere) {
  Scenario s = testing::three_provinces();
  s.appeals.enabled = false;
  const RunResult r = run_scenario(s);
  const Kpis k = compute_kpis(r);
  const auto per_day = [&](DayNumber from, DayNumber to) {
    std::int64_t sum = 0;
    for (DayNumber d = from; d <= to; ++d)
      for (int a = 0; a < r.measures.areas(); ++a)
        for (std::size_t g = 0; g < kGroupCount; ++g) sum += r.measures.collected(d - s.start, a, group_at(g));
    return static_cast<double>(sum) / (to - from + 1);
  };
  const double tet = per_day(date("2025-01-22"), date("2025-02-05"));
  const double summer = per_day(date("2025-06-15"), date("2025-08-15"));
  const double spring = per_day(date("2025-03-15"), date("2025-05-15"));
  const double autumn = per_day(date("2025-09-15"), date("2025-11-15"));
  EXPECT_LT(tet, 0.8 * spring);
  EXPECT_LT(summer, 0.85 * spring);
  EXPECT_LT(summer, 0.85 * autumn);
  // Red-cell stock in days of supply is lowest in the Tết and summer windows.
  const auto stock = [&](DayNumber from, DayNumber to) {
    double sum = 0;
    for (DayNumber d = from; d <= to; ++d)
      for (int a = 0; a < r.measures.areas(); ++a)
        for (std::size_t g = 0; g < kGroupCount; ++g) sum += r.measures.at(Measure::OnHand, d - s.start, a, group_at(g), Product::RedCells);
    return sum / (to - from + 1);
  };
  EXPECT_LT(stock(date("2025-02-01"), date("2025-02-20")), stock(date("2025-04-01"), date("2025-05-15")));
  EXPECT_LT(stock(date("2025-07-15"), date("2025-08-31")), stock(date("2025-04-01"), date("2025-05-15")));
  EXPECT_GT(k.collected, 0);
}

TEST(Model, AppealsGoOutWhenStockIsLowAndRaiseCollections) {
  Scenario s = testing::three_provinces(200);
  s.demand.products[index(Product::RedCells)].per_1000_population_per_year = 22;  // tight supply
  s.appeals.enabled = false;
  const RunResult quiet = run_scenario(s);
  s.appeals.enabled = true;
  s.appeals.threshold_days = 3;
  const RunResult appealing = run_scenario(s);
  EXPECT_EQ(quiet.appeals, 0);
  EXPECT_GT(appealing.appeals, 0);
  EXPECT_GT(compute_kpis(appealing).collected, compute_kpis(quiet).collected);
}

TEST(Model, BagsLimitCollectionsUntilTheDelayedProcurementArrives) {
  Scenario s = testing::three_provinces(120);
  const Kpis unconstrained = compute_kpis(run_scenario(s));
  for (CentreSpec& c : s.centres) {
    c.bag_stock = 300;
    c.bag_reorder_point = 200;
    c.bag_order_quantity = 2'000;
    c.bag_procurement_delay_days = 45;
  }
  const RunResult r = run_scenario(s);
  const Kpis k = compute_kpis(r);
  EXPECT_GT(r.sessions_short_of_bags, 0);
  EXPECT_LT(k.collected, unconstrained.collected);
  // Until the first order arrives (day 45) each centre can collect at most its 300 bags.
  std::int64_t early = 0;
  for (int d = 0; d < 45; ++d)
    for (int a = 0; a < r.measures.areas(); ++a)
      for (std::size_t g = 0; g < kGroupCount; ++g) early += r.measures.collected(d, a, group_at(g));
  EXPECT_LE(early, 3 * 300);
  EXPECT_GT(early, 3 * 250);  // and they do use them
}

}  // namespace
}  // namespace giotmau::blood
