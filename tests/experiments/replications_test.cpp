// Replications: the same replication gives the same results whatever the
// thread count or the number of replications around it.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <set>
#include <vector>

#include "blood/kpi.hpp"
#include "experiments/replications.hpp"
#include "support/small_scenarios.hpp"

namespace giotmau::experiments {
namespace {

constexpr std::uint64_t kBaseSeed = 2025;

std::shared_ptr<const blood::World> small_world(int days = 90) {
  return blood::build_world(giotmau::testing::three_provinces(days));
}

ReplicationSet replicate(const std::shared_ptr<const blood::World>& world, std::size_t n, unsigned threads,
                         bool keep = false) {
  return run_replications(world, ReplicationOptions{n, kBaseSeed, threads, keep, {}});
}

// Bit-identical: compare the bytes, not within a tolerance.
void expect_identical(const Replication& a, const Replication& b) {
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.trace_hash, b.trace_hash);
  EXPECT_EQ(a.events, b.events);
  EXPECT_EQ(std::memcmp(a.national.data(), b.national.data(), sizeof(KpiValues)), 0);
}

TEST(Replications, SeedsStartAtTheBaseSeedAndDiffer) {
  EXPECT_EQ(replication_seed(kBaseSeed, 0), kBaseSeed);
  std::set<std::uint64_t> seeds;
  for (std::size_t r = 0; r < 1000; ++r) seeds.insert(replication_seed(kBaseSeed, r));
  EXPECT_EQ(seeds.size(), 1000u);
  EXPECT_NE(replication_seed(1, 1), replication_seed(2, 1));
}

TEST(Replications, ReplicationDoesNotDependOnThreadsOrCount) {
  const auto world = small_world();
  const ReplicationSet four_one = replicate(world, 4, 1);
  const ReplicationSet four_two = replicate(world, 4, 2);
  const ReplicationSet six_two = replicate(world, 6, 2);
  for (std::size_t r = 0; r < 4; ++r) {
    expect_identical(four_one.replications[r], four_two.replications[r]);
    expect_identical(four_one.replications[r], six_two.replications[r]);
  }
  // Replication 3 is also exactly what a single run with its seed gives, on
  // any number of kernel threads.
  const blood::RunResult alone = blood::run(world, blood::RunOptions{replication_seed(kBaseSeed, 3), 2});
  EXPECT_EQ(alone.trace_hash, six_two.replications[3].trace_hash);
  const KpiValues v = national_values(blood::compute_kpis(alone), alone.appeals);
  EXPECT_EQ(std::memcmp(v.data(), six_two.replications[3].national.data(), sizeof(KpiValues)), 0);
  // A single replication gets the threads for its kernel and is replication 0.
  expect_identical(replicate(world, 1, 2).replications[0], four_one.replications[0]);
  // The replications do differ from one another.
  EXPECT_NE(four_one.replications[0].trace_hash, four_one.replications[1].trace_hash);
}

TEST(Replications, BooksBalanceAndResultsAreKeptOnRequest) {
  const auto world = small_world(60);
  const ReplicationSet kept = replicate(world, 3, 2, true);
  EXPECT_TRUE(kept.balanced());
  ASSERT_EQ(kept.results.size(), 3u);
  for (std::size_t r = 0; r < 3; ++r) EXPECT_EQ(kept.results[r].seed, replication_seed(kBaseSeed, r));
  EXPECT_TRUE(replicate(world, 3, 2).results.empty());
}

TEST(Replications, ProgressReportsEveryReplicationOnce) {
  const auto world = small_world(30);
  std::vector<Progress> seen;
  ReplicationOptions options{5, kBaseSeed, 2, false, [&](const Progress& p) { seen.push_back(p); }};
  run_replications(world, options);
  ASSERT_EQ(seen.size(), 5u);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].done, i + 1);
    EXPECT_EQ(seen[i].total, 5u);
    EXPECT_EQ(seen[i].simulated_days, static_cast<std::int64_t>(i + 1) * 30);
  }
}

TEST(Replications, SummaryIsTheMeanOverReplications) {
  const auto world = small_world(60);
  const ReplicationSet set = replicate(world, 4, 2);
  const Summary s = summarize(set);
  EXPECT_EQ(s.replications, 4u);
  double sum = 0;
  for (const Replication& r : set.replications) sum += r.national[index(Kpi::Collected)];
  EXPECT_DOUBLE_EQ(s.national[Kpi::Collected].mean, sum / 4);
  EXPECT_EQ(s.national[Kpi::Collected].n, 4u);
  EXPECT_GT(s.national[Kpi::Collected].half_width, 0);
  EXPECT_TRUE(s.regions.empty());  // one top-level area: the nation itself
}

TEST(Replications, RejectsZeroReplicationsOrThreads) {
  const auto world = small_world(10);
  EXPECT_THROW(replicate(world, 0, 1), std::invalid_argument);
  EXPECT_THROW(replicate(world, 2, 0), std::invalid_argument);
}

// A run over two civil years (2025-01-01 .. 2026-05-15): each replication's
// years add up to the run, each year's months to the year; the months of
// 2026 the run does not reach count nothing and have no rates.
TEST(Replications, ARunOverSeveralYearsIsSummarisedPerYear) {
  const auto world = small_world(500);
  const ReplicationSet set = replicate(world, 2, 2);
  ASSERT_EQ(set.years.size(), 2u);
  EXPECT_EQ(set.part_names(Breakdown::Year), (std::vector<std::string>{"2025", "2026"}));
  EXPECT_EQ(set.part_names(Breakdown::YearMonth).at(13), "2026-02");
  for (const Replication& r : set.replications) {
    ASSERT_EQ(r.years.size(), 2u);
    for (const Kpi kpi : {Kpi::Collected, Kpi::Outdated, Kpi::ShortageUnits, Kpi::ShortageDays, Kpi::Target}) {
      EXPECT_EQ(r.years[0][index(kpi)] + r.years[1][index(kpi)], r.national[index(kpi)]) << info(kpi).name;
      for (std::size_t y = 0; y < 2; ++y) {
        double months = 0;
        for (const KpiValues& m : r.year_months[y]) months += m[index(kpi)];
        EXPECT_EQ(months, r.years[y][index(kpi)]) << info(kpi).name << " " << y;
      }
    }
    EXPECT_GT(r.years[1][index(Kpi::Collected)], 0);
    EXPECT_EQ(r.year_months[1][5][index(Kpi::Collected)], 0);  // June 2026: after the run
    EXPECT_TRUE(std::isnan(r.year_months[1][5][index(Kpi::FillRate)]));
    EXPECT_FALSE(std::isnan(r.year_months[1][4][index(Kpi::FillRate)]));  // May 2026: in it
  }
  const Summary s = summarize(set);
  ASSERT_EQ(s.years.size(), 2u);
  EXPECT_EQ(s.years[1].span.year, 2026);
  EXPECT_EQ(blood::iso_date(s.years[1].span.last), "2026-05-15");
  ASSERT_EQ(s.years[1].months.size(), 12u);
  EXPECT_EQ(s.years[1].months[0].area, "Jan");
  EXPECT_DOUBLE_EQ(s.years[0].national[Kpi::Collected].mean + s.years[1].national[Kpi::Collected].mean,
                   s.national[Kpi::Collected].mean);
  EXPECT_TRUE(summarize(replicate(small_world(90), 2, 2)).years.empty());  // within one year: no year rows
}

}  // namespace
}  // namespace giotmau::experiments
