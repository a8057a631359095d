// Pools that keep no recruits (RecruitRecords::Counts) draw a session's
// walk-ins in aggregate. These tests hold that path to the law of the
// donor-by-donor one: the same deferral, group, occupation and volume shares,
// with binomial spread from session to session, and the same books.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "blood/donors.hpp"
#include "blood/kpi.hpp"
#include "blood/run.hpp"
#include "support/small_scenarios.hpp"

namespace giotmau::blood {
namespace {

constexpr DayNumber kStart = 20'000;
constexpr std::size_t kFirstTimeStudent = segment_cell(true, DonorKind::FirstTime);
constexpr std::size_t kFirstTimeWorker = segment_cell(false, DonorKind::FirstTime);

// Walk-ins as in the peer benchmark, with every kind of draw in play: eight
// groups, students and workers, three volumes, deferral of first-timers.
TurnoutParameters walk_in_turnout() {
  TurnoutParameters turnout;
  turnout.deferral_probability = {0.14, 0.07, 0.04};
  turnout.student_share_of_recruits = 0.3;
  turnout.group_shares = {0.4196, 0.0004, 0.2198, 0.0002, 0.2997, 0.0003, 0.0599, 0.0001};
  return turnout;
}

DonorPool walk_in_pool(RecruitRecords records, std::uint64_t stream, std::int64_t population = 1'000'000'000) {
  RandomStream random(5, stream);
  return DonorPool(walk_in_turnout(), population, InitialPool{}, kStart, random, RecruitPlan{.records = records});
}

SessionConditions walk_in_session(DayNumber day, double mean = 240.0) {
  SessionConditions conditions;
  conditions.day = day;
  conditions.capacity = 0;
  conditions.walk_in_mean = mean;
  return conditions;
}

// What many sessions added up to, and how far each session's deferrals and
// students strayed from their binomial means (in units of their variance).
struct Totals {
  std::int64_t sessions = 0, recruits = 0, deferred = 0, donated = 0, students = 0;
  std::array<std::int64_t, kGroupCount> by_group{};
  std::array<std::int64_t, 3> by_volume{};
  double deferred_chi2 = 0.0, students_chi2 = 0.0;

  void add(const SessionOutcome& out, double defer_p, double student_p) {
    ++sessions;
    recruits += out.new_donors;
    deferred += out.deferred;
    donated += out.donated;
    students += out.donated_by_segment[kFirstTimeStudent];
    for (std::size_t g = 0; g < kGroupCount; ++g) by_group[g] += out.donated_by_group[g];
    for (std::size_t v = 0; v < by_volume.size(); ++v) by_volume[v] += out.donated_by_volume[v];
    deferred_chi2 += standardised_square(out.deferred, out.new_donors, defer_p);
    students_chi2 += standardised_square(out.donated_by_segment[kFirstTimeStudent], out.donated, student_p);
  }

  static double standardised_square(std::int64_t k, std::int64_t n, double p) {
    const double mean = static_cast<double>(n) * p;
    const double variance = static_cast<double>(n) * p * (1 - p);
    return variance > 0 ? (static_cast<double>(k) - mean) * (static_cast<double>(k) - mean) / variance : 0.0;
  }
};

// The books of one walk-in session: every recruit registered, deferred or
// gives, and each breakdown of those who gave adds up to them.
void expect_books_balance(const SessionOutcome& out) {
  EXPECT_EQ(out.invited, 0);
  EXPECT_EQ(out.registered, out.new_donors);
  EXPECT_EQ(out.donated + out.deferred, out.new_donors);
  EXPECT_EQ(std::accumulate(out.donated_by_group.begin(), out.donated_by_group.end(), std::int64_t{0}), out.donated);
  EXPECT_EQ(std::accumulate(out.donated_by_segment.begin(), out.donated_by_segment.end(), std::int64_t{0}),
            out.donated);
  EXPECT_EQ(out.donated_by_segment[kFirstTimeStudent] + out.donated_by_segment[kFirstTimeWorker], out.donated);
  EXPECT_EQ(std::accumulate(out.donated_by_volume.begin(), out.donated_by_volume.end(), std::int64_t{0}), out.donated);
  std::int64_t ml = 0;
  for (std::size_t v = 0; v < kDonationVolumesMl.size(); ++v) ml += out.donated_by_volume[v] * kDonationVolumesMl[v];
  EXPECT_EQ(out.volume_ml, ml);
}

Totals hold_sessions(DonorPool& pool, int sessions, std::uint64_t stream) {
  const TurnoutParameters& turnout = pool.turnout();
  Totals totals;
  RandomStream random(6, stream);
  for (int s = 0; s < sessions; ++s) {
    const std::int64_t population_before = pool.eligible_population();
    const SessionOutcome out = pool.run_session(walk_in_session(kStart + s), random);
    expect_books_balance(out);
    EXPECT_EQ(pool.eligible_population(), population_before - out.new_donors);
    totals.add(out, turnout.deferral_probability[0], turnout.student_share_of_recruits);
  }
  return totals;
}

// |a/n - b/m| within `sigmas` standard errors of a difference of two shares.
void expect_same_share(std::int64_t a, std::int64_t n, std::int64_t b, std::int64_t m, double sigmas = 5.0) {
  const double pa = static_cast<double>(a) / static_cast<double>(n);
  const double pb = static_cast<double>(b) / static_cast<double>(m);
  const double p = static_cast<double>(a + b) / static_cast<double>(n + m);
  const double se = std::sqrt(p * (1 - p) * (1.0 / static_cast<double>(n) + 1.0 / static_cast<double>(m)));
  EXPECT_NEAR(pa, pb, sigmas * se + 1e-12) << a << "/" << n << " vs " << b << "/" << m;
}

// |observed - n p| within `sigmas` standard deviations of a binomial count.
void expect_binomial(std::int64_t observed, std::int64_t n, double p, double sigmas = 5.0) {
  const double sd = std::sqrt(static_cast<double>(n) * p * (1 - p));
  EXPECT_NEAR(static_cast<double>(observed), static_cast<double>(n) * p, sigmas * sd + 1e-9) << "n " << n << ", p " << p;
}

TEST(WalkInCounts, DrawTheSameLawAsDonorByDonor) {
  constexpr int kSessions = 1'500;
  DonorPool individuals = walk_in_pool(RecruitRecords::Individuals, 1);
  DonorPool counts = walk_in_pool(RecruitRecords::Counts, 2);
  const Totals a = hold_sessions(individuals, kSessions, 1);
  const Totals b = hold_sessions(counts, kSessions, 2);
  EXPECT_EQ(individuals.donors().size(), static_cast<std::size_t>(a.recruits));
  EXPECT_TRUE(counts.donors().empty());  // the point: nothing kept

  const TurnoutParameters& turnout = counts.turnout();
  // Poisson(240) walk-ins a session, all registered (no capacity).
  EXPECT_NEAR(static_cast<double>(b.recruits), 240.0 * kSessions, 5.0 * std::sqrt(240.0 * kSessions));
  for (const Totals* t : {&a, &b}) {
    expect_binomial(t->deferred, t->recruits, turnout.deferral_probability[0]);
    expect_binomial(t->students, t->donated, turnout.student_share_of_recruits);
    for (std::size_t g = 0; g < kGroupCount; ++g) expect_binomial(t->by_group[g], t->donated, turnout.group_shares[g]);
    for (std::size_t v = 0; v < t->by_volume.size(); ++v) {
      expect_binomial(t->by_volume[v], t->donated, turnout.volume_shares[v]);
    }
    // Spread from session to session is binomial too: the mean of the
    // standardised squares is 1, with standard error sqrt(2 / sessions).
    const double tolerance = 5.0 * std::sqrt(2.0 / kSessions);
    EXPECT_NEAR(t->deferred_chi2 / kSessions, 1.0, tolerance);
    EXPECT_NEAR(t->students_chi2 / kSessions, 1.0, tolerance);
  }
  // And the two paths agree with each other.
  expect_same_share(a.deferred, a.recruits, b.deferred, b.recruits);
  expect_same_share(a.students, a.donated, b.students, b.donated);
  for (std::size_t g = 0; g < kGroupCount; ++g) expect_same_share(a.by_group[g], a.donated, b.by_group[g], b.donated);
}

TEST(WalkInCounts, CapacityPresenceAndPopulationBoundThemAsDonorByDonor) {
  RandomStream random(7, 1);
  DonorPool pool = walk_in_pool(RecruitRecords::Counts, 3, 1'000'000);
  std::int64_t turned_away = 0, students = 0, donated = 0;
  for (int s = 0; s < 400; ++s) {
    SessionConditions conditions = walk_in_session(kStart + s, 150.0);
    conditions.capacity = 100;
    conditions.student_presence = 0.2;  // summer: most students are home
    const SessionOutcome out = pool.run_session(conditions, random);
    ASSERT_EQ(out.registered, std::min<std::int64_t>(100, out.registered + out.turned_away));
    ASSERT_EQ(out.new_donors, out.registered);
    turned_away += out.turned_away;
    students += out.donated_by_segment[kFirstTimeStudent];
    donated += out.donated;
  }
  EXPECT_GT(turned_away, 0);
  // Of the walk-ins who come, students are 0.3 x 0.2 / (0.3 x 0.2 + 0.7).
  expect_binomial(students, donated, 0.06 / 0.76);

  // The eligible population runs out, and no more are recruited.
  DonorPool small = walk_in_pool(RecruitRecords::Counts, 4, 500);
  std::int64_t recruits = 0;
  for (int s = 0; s < 10; ++s) recruits += small.run_session(walk_in_session(kStart + s), random).new_donors;
  EXPECT_EQ(recruits, 500);
  EXPECT_EQ(small.eligible_population(), 0);
}

TEST(WalkInCounts, PoolRefusesInvitationsAndQueues) {
  RandomStream random(8, 1);
  DonorPool pool = walk_in_pool(RecruitRecords::Counts, 5);
  SessionConditions inviting = walk_in_session(kStart);
  inviting.invitations = 10;
  EXPECT_THROW(pool.run_session(inviting, random), std::logic_error);
  std::vector<std::uint32_t> arrivals;
  EXPECT_THROW(pool.admit(walk_in_session(kStart), random, arrivals), std::logic_error);
}

// The world gives a leaf's pool counts only when no session covering it can
// read a recruit again: none invites and none is queued, campaigns' included.
TEST(WalkInCounts, WorldKeepsRecruitsOnlyWhereSomethingReadsThem) {
  auto keeps = [](const Scenario& s) {
    const auto world = build_world(s);  // held: a range over a temporary's member would outlive it
    std::vector<bool> kept;
    for (const Leaf& leaf : world->leaves) kept.push_back(leaf.keeps_recruits);
    return kept;
  };
  Scenario s = testing::three_provinces(30);
  EXPECT_EQ(keeps(s), std::vector<bool>(3, true));  // the sessions invite

  s.sessions[0].invitations_per_capacity = 0;
  EXPECT_EQ(keeps(s), std::vector<bool>(3, false));

  Scenario queued = s;
  queued.sessions[0].resources.queued = true;
  EXPECT_EQ(keeps(queued), std::vector<bool>(3, true));

  // A campaign's inviting session in one province, even one after the days
  // simulated: the decision does not depend on how long a run is.
  Scenario campaign = s;
  CampaignSpec c;
  c.name = "hill-drive";
  c.start = campaign.start;
  c.end = campaign.end;
  SessionSpec drive;
  drive.name = "hill-drive";
  drive.area = "hill-province";
  drive.date = campaign.end + 10;
  c.sessions = {drive};
  campaign.campaigns = {c};
  EXPECT_EQ(keeps(campaign), (std::vector<bool>{false, true, false}));
}

// A whole run on the counts path balances its books: every recruit a drive
// reports registered, deferred or gave, and what was collected is what the
// drives report given.
TEST(WalkInCounts, RunWithoutInvitationsBalancesItsBooks) {
  Scenario s = testing::three_provinces(120);
  s.sessions[0].invitations_per_capacity = 0;
  s.sessions[0].walk_in_per_capacity = 1.0;
  const RunResult r = run(build_world(s), RunOptions{3, 1});
  const auto problems = check_conservation(r);
  EXPECT_TRUE(problems.empty()) << problems.front();
  std::int64_t recruits = 0, registered = 0, deferred = 0, donated = 0;
  for (const DriveRecord& d : r.drives) {
    EXPECT_EQ(d.invited, 0);
    recruits += d.new_donors, registered += d.registered, deferred += d.deferred, donated += d.donated;
  }
  EXPECT_GT(recruits, 1'000);
  EXPECT_EQ(registered, recruits);
  EXPECT_EQ(deferred + donated, recruits);
  EXPECT_EQ(compute_kpis(r).collected, donated);
  expect_binomial(deferred, recruits, s.turnout.deferral_probability[0]);
}

}  // namespace
}  // namespace giotmau::blood
