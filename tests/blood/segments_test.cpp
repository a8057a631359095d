// Donor segments (blood/segments.hpp): a session for some segments invites
// and recruits only them; a campaign aimed at a segment raises that segment's
// donations and leaves the others' alone; donations are reported by segment.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "blood/donors.hpp"
#include "blood/kpi.hpp"
#include "blood/run.hpp"
#include "blood/segments.hpp"
#include "support/small_scenarios.hpp"

namespace giotmau::blood {
namespace {

using testing::date;

constexpr DayNumber kDay = 20'000;

DonorSegments segments_of(std::initializer_list<std::string_view> names) {
  DonorSegments s;
  std::size_t bad = 0;
  EXPECT_TRUE(segments_from_names(names, s, bad));
  return s;
}

TEST(Segments, WithinAnAxisTheyAddUpAcrossTheAxesTheyNarrow) {
  const DonorSegments students = segments_of({"students"});
  EXPECT_TRUE(students.contains(true, DonorKind::FirstTime));
  EXPECT_TRUE(students.contains(true, DonorKind::Regular));
  EXPECT_FALSE(students.contains(false, DonorKind::Regular));
  const DonorSegments new_workers = segments_of({"workers", "first-time"});
  EXPECT_TRUE(new_workers.contains(false, DonorKind::FirstTime));
  EXPECT_FALSE(new_workers.contains(false, DonorKind::Repeat));
  EXPECT_FALSE(new_workers.contains(true, DonorKind::FirstTime));
  EXPECT_TRUE(segments_of({"students", "workers"}).everyone());
  EXPECT_TRUE(segments_of({}).everyone());
  const DonorSegments loyal = segments_of({"repeat", "regular"});
  EXPECT_FALSE(loyal.recruits());
  EXPECT_TRUE(loyal.contains(true, DonorKind::Repeat));
  DonorSegments unchanged;
  std::size_t bad = 0;
  const std::initializer_list<std::string_view> typo = {"students", "retirees"};
  EXPECT_FALSE(segments_from_names(typo, unchanged, bad));
  EXPECT_EQ(bad, 1u);
  EXPECT_TRUE(unchanged.everyone());
  EXPECT_EQ(segments_label(students), "students");
  EXPECT_EQ(segments_label(new_workers), "workers,first-time");
  EXPECT_EQ(segments_label(loyal), "repeat,regular");
  EXPECT_EQ(segments_label(DonorSegments{}), "everyone");
}

// A university drive: every invitation goes to a student, every walk-in is a
// student, and with invitations for all it reaches every student and no one else.
TEST(Segments, ASessionForStudentsInvitesAndRecruitsOnlyStudents) {
  RandomStream random(3, 4);
  InitialPool initial;
  initial.known_donors = 4'000;
  initial.student_share = 0.4;
  initial.last_donation_spread_days = 400;
  TurnoutParameters turnout;
  turnout.response_probability = {0.5, 0.5, 0.5};
  turnout.student_share_of_recruits = 0.5;
  DonorPool pool(turnout, 1'000'000, initial, kDay, random);
  std::int64_t students = 0;
  for (const Donor& d : pool.donors()) students += d.student;
  ASSERT_GT(students, 1'400);

  SessionConditions conditions;
  conditions.day = kDay;
  conditions.invitations = 4'000;  // more than there are students
  conditions.walk_in_mean = 300;
  conditions.invited = segments_of({"students"});
  const std::size_t before = pool.donors().size();
  RandomStream session(3, 5);
  const SessionOutcome out = pool.run_session(conditions, session);
  EXPECT_EQ(out.invited, students);
  EXPECT_GT(out.donated, 500);
  EXPECT_GT(out.new_donors, 200);
  std::int64_t gave = 0;
  for (std::size_t i = 0; i < pool.donors().size(); ++i) {
    const Donor& d = pool.donors()[i];
    if (d.last_donation != kDay) continue;
    ++gave;
    EXPECT_TRUE(d.student) << "donor " << i << " gave at a students' session";
  }
  for (std::size_t i = before; i < pool.donors().size(); ++i) EXPECT_TRUE(pool.donors()[i].student);
  EXPECT_EQ(gave, out.donated);
  EXPECT_EQ(out.donated_by_segment[segment_cell(false, DonorKind::FirstTime)] +
                out.donated_by_segment[segment_cell(false, DonorKind::Repeat)] +
                out.donated_by_segment[segment_cell(false, DonorKind::Regular)],
            0);

  // The kind axis: repeat donors only, so no walk-ins (recruits are first-time).
  SessionConditions repeat = conditions;
  repeat.day = kDay + 200;
  repeat.invited = segments_of({"repeat"});
  RandomStream again(3, 6);
  const SessionOutcome repeat_out = pool.run_session(repeat, again);
  EXPECT_EQ(repeat_out.new_donors, 0);
  EXPECT_GT(repeat_out.donated, 50);
  EXPECT_EQ(repeat_out.donated_by_segment[segment_cell(false, DonorKind::Repeat)] +
                repeat_out.donated_by_segment[segment_cell(true, DonorKind::Repeat)],
            repeat_out.donated);
}

// Students and workers given by the three provinces with sessions of no
// capacity limit (so that one segment's donors cannot take another's places)
// and no appeals (so that stock cannot change turnout): what a campaign does
// to each segment is then its own effect.
Scenario open_sessions(int days) {
  Scenario s = testing::three_provinces(days);
  s.appeals.enabled = false;
  s.season.student_presence_by_month.fill(1.0);
  for (SessionSpec& session : s.sessions) {
    session.capacity_per_100k = 0;
    session.capacity = 0;
  }
  return s;
}

struct SegmentTotals {
  double students = 0, workers = 0, first_time = 0, regular = 0, collected = 0;
};

// Donations by segment in March, summed over `replications` seeds.
SegmentTotals march_totals(const Scenario& s, int replications) {
  SegmentTotals t;
  const auto world = build_world(s);
  for (int r = 0; r < replications; ++r) {
    const RunResult result = run(world, RunOptions{static_cast<std::uint64_t>(100 + r), 1});
    const Kpis k = compute_kpis(result, -1, date("2025-03-01"), date("2025-03-31"));
    EXPECT_EQ(k.donated_by_occupation[0] + k.donated_by_occupation[1], k.collected);
    EXPECT_EQ(k.donated_by_kind[0] + k.donated_by_kind[1] + k.donated_by_kind[2], k.collected);
    t.students += static_cast<double>(k.donated_by_occupation[1]);
    t.workers += static_cast<double>(k.donated_by_occupation[0]);
    t.first_time += static_cast<double>(k.donated_by_kind[0]);
    t.regular += static_cast<double>(k.donated_by_kind[2]);
    t.collected += static_cast<double>(k.collected);
  }
  return t;
}

CampaignSpec march_campaign(std::initializer_list<std::string_view> segments) {
  CampaignSpec c;
  c.name = "march";
  c.start = date("2025-03-01");
  c.end = date("2025-03-31");
  c.turnout_factor = 1.8;
  c.recruitment_factor = 2.0;
  c.segments = segments_of(segments);
  return c;
}

// A student campaign: students' donations rise by most of its factor;
// workers' stay where they were (common random numbers make the difference
// small, but pools drift apart, so a tolerance of a few per cent). Were the
// uplift applied to everyone, workers would rise by some 60% and the test fail.
TEST(Segments, AStudentCampaignRaisesStudentDonationsAndNotWorkers) {
  constexpr int kReplications = 4;
  Scenario s = open_sessions(100);
  const SegmentTotals base = march_totals(s, kReplications);
  ASSERT_GT(base.students, 2'000);
  ASSERT_GT(base.workers, 2'000);

  s.campaigns = {march_campaign({"students"})};
  const SegmentTotals students = march_totals(s, kReplications);
  EXPECT_GT(students.students, 1.5 * base.students);
  EXPECT_NEAR(students.workers / base.workers, 1.0, 0.04);

  s.campaigns = {march_campaign({})};  // the same campaign for everyone: the contrast
  const SegmentTotals everyone = march_totals(s, kReplications);
  EXPECT_GT(everyone.workers, 1.4 * base.workers);
}

// The kind axis: a campaign for regular donors raises theirs; first-time
// donations (and the recruits, whom it does not aim at) stay.
TEST(Segments, ACampaignForRegularDonorsRaisesTheirsOnly) {
  constexpr int kReplications = 4;
  Scenario s = open_sessions(100);
  const SegmentTotals base = march_totals(s, kReplications);
  s.campaigns = {march_campaign({"regular"})};
  const SegmentTotals regular = march_totals(s, kReplications);
  EXPECT_GT(regular.regular, 1.3 * base.regular);  // less than 1.8: early responders are not eligible again in March
  EXPECT_NEAR(regular.first_time / base.first_time, 1.0, 0.05);
}

// End to end: a scenario whose only drive is for students collects from
// students only.
TEST(Segments, AStudentsOnlyDriveCollectsFromStudentsOnly) {
  Scenario s = open_sessions(100);
  s.sessions[0].segments = segments_of({"students"});
  const RunResult r = run(build_world(s), RunOptions{9, 1});
  const Kpis k = compute_kpis(r);
  EXPECT_GT(k.collected, 1'000);
  EXPECT_EQ(k.donated_by_occupation[1], k.collected);
  EXPECT_EQ(k.donated_by_occupation[0], 0);
}

}  // namespace
}  // namespace giotmau::blood
