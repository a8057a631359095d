// Behaviours end to end, each in a case built so that the assertion would
// fail if the behaviour were wrong: outdating and the daily books, elective
// backlogs and max_wait_days, emergency requests, the hub reserve, platelet
// pooling, min_remaining_shelf_days, campaigns, waste-conscious ordering,
// costs, and the KPI formulas per region.
#include <gtest/gtest.h>

#include <cmath>

#include "blood/kpi.hpp"
#include "blood/run.hpp"
#include "experiments/kpis.hpp"
#include "support/small_scenarios.hpp"

namespace giotmau::blood {
namespace {

using testing::date;

RunResult run_checked(const Scenario& s, std::uint64_t seed = 5) {
  RunResult r = run(build_world(s), RunOptions{seed, 1});
  const auto problems = check_conservation(r);
  EXPECT_TRUE(problems.empty()) << problems.front();
  return r;
}

int area_of(const RunResult& r, const std::string& name) {
  for (std::size_t a = 0; a < r.world->area_names.size(); ++a)
    if (r.world->area_names[a] == name) return static_cast<int>(a);
  ADD_FAILURE() << "no area " << name;
  return 0;
}

// A measure summed over groups, on one day, in one area (or all when area < 0).
std::int64_t on(const RunResult& r, Measure m, int day, Product p = Product::RedCells, int area = -1) {
  std::int64_t sum = 0;
  for (int a = 0; a < r.measures.areas(); ++a) {
    if (area >= 0 && a != area) continue;
    for (std::size_t g = 0; g < kGroupCount; ++g) sum += r.measures.at(m, day, a, group_at(g), p);
  }
  return sum;
}

std::int64_t total(const RunResult& r, Measure m, Product p = Product::RedCells, int area = -1) {
  std::int64_t sum = 0;
  for (int d = 0; d < r.measures.days(); ++d) sum += on(r, m, d, p, area);
  return sum;
}

// ---- outdating and the books ------------------------------------------------------

TEST(Outdating, AUnitIsOutdatedOnItsLastUsableDayAndIsNotInThatDaysStock) {
  // No demand; 10 units delivered every day (ordered at the evening review,
  // on the shelf next morning), usable 2 days: the day they arrive and the next.
  Scenario s = testing::single_hospital(0, 2, 30);
  s.hospitals[0].standing_order_units = {10, 0, 0};
  const RunResult r = run_checked(s);
  EXPECT_EQ(on(r, Measure::Outdated, 0), 0);
  EXPECT_EQ(on(r, Measure::Outdated, 1), 0);  // day 1's arrivals are still usable on day 2
  for (int d = 2; d < r.measures.days(); ++d) {
    ASSERT_EQ(on(r, Measure::Outdated, d), 10) << "day " << d;  // yesterday's delivery, on its last day
    ASSERT_EQ(on(r, Measure::OnHand, d), 10) << "day " << d;    // only today's delivery is carried over
  }
}

TEST(Outdating, TheDailyFlowIdentityIsCheckedForEveryAreaAndCatchesABadCount) {
  RunResult r = run_checked(testing::three_provinces(90));
  EXPECT_GT(total(r, Measure::Received), 0);
  EXPECT_GT(total(r, Measure::Shipped), 0);
  EXPECT_EQ(total(r, Measure::Received) + on(r, Measure::InTransit, r.measures.days() - 1), total(r, Measure::Shipped));
  // One unit moved from one day's stock count to the next day's: both days break the identity.
  DailyMeasures& m = r.measures;
  const int a = area_of(r, "hill-province");
  m.at(Measure::OnHand, 40, a, BloodGroup::OPos, Product::RedCells) -= 1;
  const auto problems = check_conservation(r);
  ASSERT_FALSE(problems.empty());
  bool named = false;
  for (const auto& p : problems) named = named || p.find("hill-province red_cells O+ day 40") != std::string::npos;
  EXPECT_TRUE(named) << problems.front();
}

// ---- elective backlog, max_wait_days, emergencies -------------------------------------

// Elective-only demand of 10 a day against deliveries of 5 a day from day 1.
Scenario undersupplied(double emergency_share, int max_wait_days) {
  Scenario s = testing::single_hospital(10, 42, 40);
  s.hospitals[0].initial_stock_days = 0;
  s.hospitals[0].standing_order_units = {5, 0, 0};
  s.demand.emergency_share = emergency_share;
  s.demand.max_wait_days = max_wait_days;
  return s;
}

TEST(Backlog, ElectiveRequestsWaitMaxWaitDaysThenAreLost) {
  for (const int wait : {0, 2, 5}) {
    const RunResult r = run_checked(undersupplied(0, wait));
    // A request of day d cannot be lost before day d + wait + 1 (wait 0: unmet today, lost today).
    if (wait == 0) {
      EXPECT_EQ(on(r, Measure::Shortage, 0), 10);
    }
    for (int d = 0; d <= wait && wait > 0; ++d) EXPECT_EQ(on(r, Measure::Shortage, d), 0) << "wait " << wait << " day " << d;
    std::int64_t early = 0;
    for (int d = 0; d <= 2 * wait + 2; ++d) early += on(r, Measure::Shortage, d);
    EXPECT_GT(early, 0) << "wait " << wait << ": requests must not wait for ever";
    // In steady state all 5 delivered are issued and the other 5 requested are lost.
    for (int d = 3 * wait + 3; d < r.measures.days(); ++d) {
      ASSERT_EQ(on(r, Measure::Issued, d), 5) << "wait " << wait << " day " << d;
      ASSERT_EQ(on(r, Measure::Shortage, d), 5) << "wait " << wait << " day " << d;
    }
    // Everything requested is issued, lost, or still waiting (at most wait + 1 days of requests).
    const std::int64_t waiting = total(r, Measure::Requested) - total(r, Measure::Issued) - total(r, Measure::Shortage);
    EXPECT_GE(waiting, 0);
    EXPECT_LE(waiting, 10 * (wait + 1));
    if (wait > 0) {
      EXPECT_GT(waiting, 0) << "wait " << wait;
    }
  }
}

TEST(Backlog, WaitingRequestsAreServedBeforeNewOnes) {
  // Wait 2, 5 units a day from day 1: day 0's 10 requests take days 1 and 2's
  // units, so nothing is lost on day 3 (had today's requests gone first, day
  // 0's would be lost then); day 1's requests get day 3's 5 units and lose 5 on day 4.
  const RunResult r = run_checked(undersupplied(0, 2));
  EXPECT_EQ(on(r, Measure::Issued, 0), 0);
  EXPECT_EQ(on(r, Measure::Issued, 1), 5);
  EXPECT_EQ(on(r, Measure::Shortage, 3), 0);
  EXPECT_EQ(on(r, Measure::Shortage, 4), 5);
}

TEST(Emergency, EmergencyRequestsUnmetTheSameDayAreLostWhateverTheWait) {
  const RunResult r = run_checked(undersupplied(1.0, 5));
  EXPECT_EQ(on(r, Measure::Shortage, 0), 10);  // nothing in stock on day 0, nothing waits
  for (int d = 1; d < r.measures.days(); ++d) {
    ASSERT_EQ(on(r, Measure::Issued, d), 5) << "day " << d;
    ASSERT_EQ(on(r, Measure::Shortage, d), 5) << "day " << d;
  }
  EXPECT_EQ(total(r, Measure::Requested), total(r, Measure::Issued) + total(r, Measure::Shortage));  // none waits
}

// ---- the hub reserve -----------------------------------------------------------------

// A hub with 20 days of stock and no collections, its own hospital (in a
// separate area) and a provincial centre with a hospital, one blood group.
Scenario hub_and_province(double reserve_days) {
  Scenario s;
  s.name = "hub-reserve";
  s.start = date("2025-03-03");
  s.end = s.start + 59;
  s.season.tet = date("2025-01-29");
  s.turnout.group_shares = {1, 0, 0, 0, 0, 0, 0, 0};
  s.demand.group_shares = s.turnout.group_shares;
  s.demand.weekday_factors.fill(1.0);
  s.demand.products[index(Product::RedCells)] = {.fixed_per_day = 10, .distribution = DemandDistribution::Deterministic};
  s.appeals.enabled = false;
  s.areas = {{.name = "north", .parent = "", .population = 0, .centre = ""},
             {.name = "hub-province", .parent = "north", .population = 0, .centre = "hub"},
             {.name = "hub-city", .parent = "north", .population = 0, .centre = "hub"},
             {.name = "province", .parent = "north", .population = 0, .centre = "centre"},
             {.name = "province-city", .parent = "north", .population = 0, .centre = "centre"}};
  s.centres = {{.name = "hub", .area = "hub-province", .hub = "", .reserve_days = reserve_days, .initial_stock_days = 20},
               {.name = "centre", .area = "province", .hub = "hub", .order_up_to_days = 3, .initial_stock_days = 0}};
  s.hospitals = {{.name = "hub-hospital", .area = "hub-city", .centre = "hub"},
                 {.name = "province-hospital", .area = "province-city", .centre = "centre"}};
  // Every site in an area of its own, so that `received` in "province" is what the hub sent the centre.
  s.links = {{"hub", "centre", 240}, {"hub", "hub-hospital", 30}, {"centre", "province-hospital", 30}};
  return s;
}

TEST(HubReserve, TheHubShipsToItsCentresOnlyStockAboveItsReserve) {
  // Hub usage is its own hospital's 10 a day: 200 units at the start and no
  // collections; a reserve of 5 days is 50 units. The province's orders reach
  // the hub at 22:00 (after its own hospital has drawn at 18:00) and what the
  // hub ships then arrives after midnight: received in "province" on day d + 1
  // left the hub on day d, and the hub's count that evening must still hold
  // the reserve. Without a reserve the hub does ship below it.
  const auto shipped_below = [](const RunResult& r, std::int64_t reserve) {
    const int hub = area_of(r, "hub-province"), province = area_of(r, "province");
    int days_shipping = 0, below = 0;
    for (int d = 0; d + 1 < r.measures.days(); ++d) {
      if (on(r, Measure::Received, d + 1, Product::RedCells, province) == 0) continue;
      ++days_shipping;
      below += on(r, Measure::OnHand, d, Product::RedCells, hub) < reserve;
    }
    EXPECT_GT(days_shipping, 0);
    return below;
  };
  EXPECT_EQ(shipped_below(run_checked(hub_and_province(5)), 50), 0);
  EXPECT_GT(shipped_below(run_checked(hub_and_province(0)), 50), 0);
  const RunResult closed = run_checked(hub_and_province(100));
  EXPECT_EQ(total(closed, Measure::Received, Product::RedCells, area_of(closed, "province")), 0);
}

// ---- components: platelet pooling, min_remaining_shelf_days ----------------------------

// One centre (the hub) collecting from every province, and its hospital.
Scenario one_centre() {
  Scenario s = testing::three_provinces(120);
  for (AreaSpec& a : s.areas) a.centre = a.parent.empty() ? "" : "hub";
  s.centres.resize(1);
  s.hospitals.resize(1);
  s.links.clear();
  s.appeals.enabled = false;
  return s;
}

TEST(Platelets, EveryPoolSizeGoodDonationsOfAGroupMakeOnePlateletUnit) {
  for (const int pool : {1, 4, 6}) {
    Scenario s = one_centre();
    s.processing.platelet_share = 1.0;  // every good donation goes to a pool
    s.processing.platelet_pool_size = pool;
    const RunResult r = run_checked(s);
    for (std::size_t g = 0; g < kGroupCount; ++g) {
      std::int64_t good = 0, platelets = 0;
      for (int d = 0; d < r.measures.days(); ++d) {
        for (int a = 0; a < r.measures.areas(); ++a) {
          good += r.measures.at(Measure::Produced, d, a, group_at(g), Product::RedCells) -
                  r.measures.at(Measure::Discarded, d, a, group_at(g), Product::RedCells);
          platelets += r.measures.at(Measure::Produced, d, a, group_at(g), Product::Platelets);
        }
      }
      EXPECT_EQ(platelets, good / pool) << "pool " << pool << " group " << kGroupLabels[g];
    }
    EXPECT_GT(total(r, Measure::Produced, Product::Platelets), 100);
  }
}

TEST(MinRemainingShelf, ShipmentsCarryOnlyUnitsUsableThatLongAfterArrival) {
  // Red cells last 10 days and reach the shelf 2 days after collection, so
  // the freshest unit a centre can ship has 7 days left after arriving the
  // same evening (made d, last usable day d + 9, shipped on d + 2).
  const auto received = [](int min_days) {
    Scenario s = one_centre();
    s.processing.shelf_life_days = {10, 5, 365};
    s.processing.testing_delay_days = 2;
    s.centres[0].initial_stock_days = 0;
    s.policy.min_remaining_shelf_days = min_days;
    const RunResult r = run_checked(s);
    return total(r, Measure::Received);
  };
  EXPECT_GT(received(7), 0);
  EXPECT_EQ(received(8), 0);
}

// ---- campaigns -------------------------------------------------------------------

TEST(Campaign, RaisesCollectionsInItsAreasAndWindowOnly) {
  Scenario s = testing::three_provinces(150);
  s.appeals.enabled = false;  // so that other areas' collections cannot react to stock
  const RunResult base = run_checked(s);
  CampaignSpec c;
  c.name = "hill-spring";
  c.start = date("2025-03-01");
  c.end = date("2025-03-31");
  c.areas = {"hill-province"};
  c.turnout_factor = 2.0;
  c.recruitment_factor = 2.0;
  SessionSpec extra;
  extra.name = "hill-spring-extra";
  extra.area = "hill-province";
  extra.date = date("2025-03-15");
  extra.capacity = 300;
  extra.campaign = c.name;
  c.sessions = {extra};
  s.campaigns = {c};
  const RunResult campaign = run_checked(s);
  const auto collected = [&](const RunResult& r, const char* area, DayNumber from, DayNumber to) {
    const int a = area_of(r, area);
    std::int64_t sum = 0;
    for (DayNumber d = from; d <= to; ++d)
      for (std::size_t g = 0; g < kGroupCount; ++g) sum += r.measures.collected(d - s.start, a, group_at(g));
    return sum;
  };
  const DayNumber before_end = date("2025-02-28");
  EXPECT_EQ(collected(campaign, "hill-province", s.start, before_end), collected(base, "hill-province", s.start, before_end));
  EXPECT_GT(collected(campaign, "hill-province", c.start, c.end),
            1.5 * static_cast<double>(collected(base, "hill-province", c.start, c.end)));
  EXPECT_EQ(collected(campaign, "coast-province", s.start, s.end), collected(base, "coast-province", s.start, s.end));
  bool extra_held = false;
  for (const DriveRecord& d : campaign.drives) extra_held = extra_held || (d.campaign == c.name && d.donated > 0);
  EXPECT_TRUE(extra_held);
}

// ---- waste-conscious base stock and costs ------------------------------------------------

TEST(WasteConscious, OrdersTheBaseStockGapPlusTheExpectedWaste) {
  // Morning review, lead time 1, Poisson(5), shelf 3: every morning's order is
  // S - x + max(x_oldest - 5, 0), where x is on hand (yesterday's order has
  // arrived) and x_oldest the units on their last day. Rebuild x and x_oldest
  // from the books and check each day's order.
  Scenario s = testing::single_hospital(5, 3, 1000);
  s.demand.products[index(Product::RedCells)].distribution = DemandDistribution::Poisson;
  s.demand.emergency_share = 1;
  s.demand.max_wait_days = 0;
  HospitalSpec& h = s.hospitals[0];
  h.review = ReviewTime::Morning;
  h.order_policy = OrderPolicy::WasteConscious;
  h.order_up_to_units = {15, 0, 0};
  const RunResult r = run_checked(s);
  int exact_days = 0;
  for (int d = 3; d < r.measures.days(); ++d) {
    const std::int64_t x = on(r, Measure::OnHand, d - 1) + on(r, Measure::Ordered, d - 1);  // after today's arrival
    const std::int64_t q = on(r, Measure::Ordered, d);
    if (x >= 15) {
      ASSERT_EQ(q, 0) << "day " << d;
      continue;
    }
    ASSERT_GE(q, 15 - x) << "day " << d;
    // FIFO issues the oldest lot first, so on a day with outdates that lot
    // gave all of the day's issues and the rest was outdated: x_oldest = issued + outdated.
    const std::int64_t outdated = on(r, Measure::Outdated, d);
    if (outdated > 0) {
      const std::int64_t oldest = on(r, Measure::Issued, d) + outdated;
      ASSERT_EQ(q, 15 - x + std::max<std::int64_t>(oldest - 5, 0)) << "day " << d;
      exact_days += oldest > 5;
    }
  }
  EXPECT_GT(exact_days, 5);  // days whose order added the expected waste, checked exactly
}

TEST(Costs, DailyCostAddsOrderingHoldingShortageOutdatingLessRevenue) {
  Scenario s = testing::single_hospital(4, 2, 300);
  s.demand.products[index(Product::RedCells)].distribution = DemandDistribution::Poisson;
  s.demand.max_wait_days = 0;
  HospitalSpec& h = s.hospitals[0];
  h.reorder_point_units = {6, 0, 0};
  h.order_up_to_units = {7, 0, 0};
  h.costs = {.per_unit_ordered = 3, .per_unit_day_held = 1, .per_unit_short = 5, .per_unit_outdated = 7,
             .revenue_per_unit_issued = 0.25};
  const RunResult r = run_checked(s);
  double sum = 0;
  for (int d = 0; d < r.measures.days(); ++d) {
    const double expected = 3.0 * on(r, Measure::Ordered, d) + 1.0 * on(r, Measure::OnHand, d) +
                            5.0 * on(r, Measure::Shortage, d) + 7.0 * on(r, Measure::Outdated, d) -
                            0.25 * on(r, Measure::Issued, d);
    ASSERT_NEAR(r.measures.cost(d, 0), expected, 1e-9) << "day " << d;
    sum += expected;
  }
  EXPECT_GT(total(r, Measure::Outdated), 0);
  EXPECT_GT(total(r, Measure::Shortage), 0);
  const Kpis k = compute_kpis(r);
  EXPECT_NEAR(k.cost_per_day, sum / r.measures.days(), 1e-9);
  EXPECT_NEAR(experiments::national_values(k, 0)[experiments::index(experiments::Kpi::CostPerDay)], k.cost_per_day, 0);
}

// ---- KPI formulas per region -------------------------------------------------------

// Two regions, each a hospital with a standing order equal to its
// deterministic demand and `days` days of stock: every unit waits exactly
// `days` - 1 days on the shelf (FIFO), and the evening stock is days - 1 days of demand.
Scenario two_regions() {
  Scenario s = testing::single_hospital(20, 42, 60);
  s.warm_up_days = 15;  // the initial stock's spread of ages is gone by then
  s.areas = {{.name = "north", .parent = "", .population = 0, .centre = ""},
             {.name = "south", .parent = "", .population = 0, .centre = ""}};
  HospitalSpec north{.name = "north-hospital", .area = "north", .centre = "external"};
  north.standing_order_units = {20, 0, 0};
  north.initial_stock_days = 3;
  HospitalSpec south = north;
  south.name = "south-hospital";
  south.area = "south";
  south.initial_stock_days = 5;
  s.hospitals = {north, south};
  return s;
}

TEST(Kpis, MeanAgeAtIssueAndDaysOfSupplyPerRegion) {
  const RunResult r = run_checked(two_regions());
  const Kpis north = compute_kpis(r, area_of(r, "north"));
  const Kpis south = compute_kpis(r, area_of(r, "south"));
  const Kpis national = compute_kpis(r);
  EXPECT_DOUBLE_EQ(north.mean_age_at_issue_days, 2.0);  // 3 days of stock: issued on the third day
  EXPECT_DOUBLE_EQ(south.mean_age_at_issue_days, 4.0);
  EXPECT_DOUBLE_EQ(national.mean_age_at_issue_days, 3.0);  // equal issues in both
  EXPECT_DOUBLE_EQ(north.days_of_supply, 2.0);  // 40 units at the evening count / 20 issued a day
  EXPECT_DOUBLE_EQ(south.days_of_supply, 4.0);
  EXPECT_DOUBLE_EQ(national.days_of_supply, 3.0);
  // Regions report the mean age too (it used to be national only, and 0.0 per region).
  const auto values = experiments::regional_values(south);
  EXPECT_DOUBLE_EQ(values[experiments::index(experiments::Kpi::MeanAgeAtIssue)], 4.0);
}

}  // namespace
}  // namespace giotmau::blood
