// Drives as queues (blood/drive_queue.hpp): the queue against queueing
// theory (M/M/1, M/M/c, M/M/1+M), and queued sessions inside the blood model
// (conservation of donors, determinism, what more beds and impatience do).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <vector>

#include "blood/drive_queue.hpp"
#include "blood/kpi.hpp"
#include "blood/run.hpp"
#include "kernel/simulation.hpp"
#include "support/small_scenarios.hpp"

namespace giotmau::blood {
namespace {

using kernel::Tick;

// ---- a DriveQueue alone on one LP, driven through the kernel ------------------

struct QueueOnly {
  struct State {
    std::optional<DriveQueue> queue;
    std::vector<DriveQueue::Ended> ended;
  };
  struct Event {
    DriveQueue::EventKind kind;
    std::int32_t visitor;
  };
  void handle(kernel::Context<QueueOnly>& ctx, State& state, const Event& e) const {
    std::vector<DriveQueue::Timer> timers;
    state.queue->handle(e.kind, e.visitor, ctx.now(), timers, state.ended);
    for (const auto& t : timers) ctx.schedule(t.delay, Event{t.kind, t.visitor});
  }
};

// Only the beds are a constraint: every other step has ample servers and
// takes no time, there is a staff member per bed, nobody is deferred, so the
// session is a single queue with `servers` beds and exponential bleeds.
DriveFlowSpec single_step(double service_mean, int servers, Duration patience, SessionResources& resources) {
  DriveFlowSpec flow;
  flow.registration = flow.screening = flow.bed_setup = flow.rest = {Duration::Shape::Fixed, 0, 0};
  flow.donation_by_volume.fill({Duration::Shape::Exponential, service_mean, 0});
  flow.patience = patience;
  resources.queued = true;
  resources.registration_desks = 1000;
  resources.screening_desks = 1000;
  resources.beds = servers;
  resources.staff_per_bed = 1;
  return flow;
}

struct LongRun {
  QueueTally tally;
};

// Poisson arrivals at rate 1/interarrival for `minutes`, through the kernel.
LongRun run_long(const DriveFlowSpec& flow, const SessionResources& resources, double interarrival, Tick minutes,
                 std::uint64_t seed) {
  kernel::RandomStream arrivals_random(seed, 99);
  std::vector<Tick> arrivals;
  double t = 0;
  while (true) {
    t += arrivals_random.exponential(interarrival);
    const Tick tick = std::llround(t);
    if (tick >= minutes) break;
    arrivals.push_back(tick);
  }
  std::vector<DriveQueue::Visitor> visitors(arrivals.size(), {0, DonorKind::Regular});
  std::vector<QueueOnly::State> states(1);
  states[0].queue.emplace(resources, flow, std::array<double, kDonorKindCount>{0, 0, 0},
                          std::array<double, 3>{0, 1, 0}, kernel::RandomStream(seed, 1));
  const auto timers = states[0].queue->open_at(visitors, arrivals, 0, minutes, 0);
  kernel::Simulation<QueueOnly> sim(QueueOnly{}, std::move(states), kernel::KernelConfig{1, seed, 1});
  for (const auto& timer : timers) sim.schedule(0, timer.delay, QueueOnly::Event{timer.kind, timer.visitor});
  sim.run_until(minutes * 4);
  LongRun out;
  out.tally = sim.state(0).queue->tally();
  EXPECT_TRUE(sim.state(0).queue->finished());
  return out;
}

// Batch means over 30 independent seeds: mean and half-width of a 99% interval.
struct Interval {
  double mean, half_width;
  bool contains(double x) const { return std::abs(x - mean) <= half_width; }
};

template <class F>
Interval over_seeds(F value, int seeds = 30) {
  std::vector<double> v;
  for (int s = 1; s <= seeds; ++s) v.push_back(value(static_cast<std::uint64_t>(s)));
  const double mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  double ss = 0;
  for (const double x : v) ss += (x - mean) * (x - mean);
  const double sd = std::sqrt(ss / static_cast<double>(v.size() - 1));
  return {mean, 2.756 * sd / std::sqrt(static_cast<double>(v.size()))};  // t(0.995, 29 df)
}

// Erlang C: probability that an arrival waits in M/M/c.
double erlang_c(int c, double offered) {
  double term = 1, sum = 1;
  for (int k = 1; k < c; ++k) {
    term *= offered / k;
    sum += term;
  }
  const double last = term * offered / c;
  const double rho = offered / c;
  const double wait = last / (1 - rho);
  return wait / (sum + wait);
}

TEST(DriveQueue, OneDeskExponentialServiceMatchesMM1) {
  // lambda = 1/25 per minute, mu = 1/20: rho = 0.8, Wq = rho / (mu - lambda) = 80 minutes.
  SessionResources resources;
  const DriveFlowSpec flow = single_step(20, 1, {Duration::Shape::Unlimited, 0, 0}, resources);
  const Tick minutes = 400'000;
  const Interval wait = over_seeds([&](std::uint64_t seed) {
    return run_long(flow, resources, 25, minutes, seed).tally.mean_wait_minutes();
  });
  const double rho = (1.0 / 25) / (1.0 / 20);
  const double expected_wait = rho / (1.0 / 20 - 1.0 / 25);
  EXPECT_TRUE(wait.contains(expected_wait)) << wait.mean << " ± " << wait.half_width << " vs " << expected_wait;
  EXPECT_LT(wait.half_width, 0.1 * expected_wait);  // the test can tell a wrong queue from a right one
  const Interval busy = over_seeds([&](std::uint64_t seed) {
    return run_long(flow, resources, 25, minutes, seed).tally.bed_utilisation();
  });
  EXPECT_TRUE(busy.contains(rho)) << busy.mean << " ± " << busy.half_width << " vs " << rho;
}

TEST(DriveQueue, ThreeDesksMatchMMcErlangC) {
  // c = 3 beds, lambda = 1/8, mu = 1/20: offered load 2.5, rho = 0.833.
  SessionResources resources;
  const DriveFlowSpec flow = single_step(20, 3, {Duration::Shape::Unlimited, 0, 0}, resources);
  const double lambda = 1.0 / 8, mu = 1.0 / 20;
  const int c = 3;
  const double expected_wait = erlang_c(c, lambda / mu) / (c * mu - lambda);
  const Interval wait = over_seeds([&](std::uint64_t seed) {
    return run_long(flow, resources, 8, 200'000, seed).tally.mean_wait_minutes();
  });
  EXPECT_TRUE(wait.contains(expected_wait)) << wait.mean << " ± " << wait.half_width << " vs " << expected_wait;
  EXPECT_LT(wait.half_width, 0.1 * expected_wait);
  const Interval busy = over_seeds([&](std::uint64_t seed) {
    return run_long(flow, resources, 8, 200'000, seed).tally.bed_utilisation();
  });
  EXPECT_TRUE(busy.contains(lambda / (c * mu))) << busy.mean << " ± " << busy.half_width;
}

// M/M/1+M (Erlang-A with one server): the probability of abandoning, from the
// birth-death chain with birth rate lambda and death rate mu + (n-1) theta in state n >= 1.
double erlang_a_abandon(double lambda, double mu, double theta) {
  std::vector<double> p{1.0};
  for (int n = 1; n < 2000; ++n) p.push_back(p.back() * lambda / (mu + (n - 1) * theta));
  const double total = std::accumulate(p.begin(), p.end(), 0.0);
  double abandon_rate = 0;
  for (std::size_t n = 1; n < p.size(); ++n) abandon_rate += (p[n] / total) * static_cast<double>(n - 1) * theta;
  return abandon_rate / lambda;
}

TEST(DriveQueue, ImpatientDonorsLeaveAsErlangAPredicts) {
  // Overloaded: lambda = 1/10, mu = 1/12, mean patience 30 minutes.
  SessionResources resources;
  const DriveFlowSpec flow = single_step(12, 1, {Duration::Shape::Exponential, 30, 0}, resources);
  const double expected = erlang_a_abandon(1.0 / 10, 1.0 / 12, 1.0 / 30);
  const Tick minutes = 200'000;
  const Interval share = over_seeds([&](std::uint64_t seed) {
    const QueueTally t = run_long(flow, resources, 10, minutes, seed).tally;
    return static_cast<double>(t.left_impatient) / static_cast<double>(t.arrived);
  });
  EXPECT_TRUE(share.contains(expected)) << share.mean << " ± " << share.half_width << " vs " << expected;
  EXPECT_GT(expected, 0.2);  // a regime where patience matters
  EXPECT_LT(share.half_width, 0.1 * expected);
}

TEST(DriveQueue, EveryArrivalEndsBalkedDeferredOrDonated) {
  SessionResources resources;
  resources.queued = true;
  resources.beds = 3;
  resources.opens_minute = 7 * 60;
  resources.closes_minute = 9 * 60;
  DriveFlowSpec flow;  // the defaults: real service times, 90-minute mean patience
  std::vector<QueueOnly::State> states(1);
  states[0].queue.emplace(resources, flow, std::array<double, kDonorKindCount>{0.14, 0.07, 0.04},
                          std::array<double, 3>{0.33, 0.64, 0.03}, kernel::RandomStream(5, 5));
  std::vector<DriveQueue::Visitor> visitors(150, {0, DonorKind::FirstTime});
  for (std::size_t i = 0; i < visitors.size(); ++i) visitors[i].donor = static_cast<std::uint32_t>(i);
  const auto timers = states[0].queue->open(visitors, 0, 6 * 60);
  kernel::Simulation<QueueOnly> sim(QueueOnly{}, std::move(states), kernel::KernelConfig{1, 5, 1});
  for (const auto& timer : timers) sim.schedule(0, 6 * 60 + timer.delay, QueueOnly::Event{timer.kind, timer.visitor});
  sim.run_until(kTicksPerDay);
  const DriveQueue& q = *sim.state(0).queue;
  const QueueTally t = q.tally();
  EXPECT_TRUE(q.finished());
  EXPECT_EQ(t.arrived, 150);
  EXPECT_EQ(t.arrived, t.balked() + t.deferred + t.donated);
  EXPECT_GT(t.sent_home_at_closing, 0);  // 150 donors, 3 beds, 2 hours: some are turned away at closing
  EXPECT_GT(t.donated, 0);
  // Each visitor ended exactly once.
  std::vector<int> ends(150, 0);
  for (const auto& e : sim.state(0).ended) ++ends[static_cast<std::size_t>(e.visitor)];
  EXPECT_TRUE(std::all_of(ends.begin(), ends.end(), [](int n) { return n == 1; }));
  EXPECT_LE(t.bed_utilisation(), 1.0);
  EXPECT_GT(t.bed_utilisation(), 0.8);  // a crowded session keeps its beds busy
}

// The same 60 donors and 3 beds over 07:00-11:00: all coming in the first
// hour, or booked into 15-minute appointment slots. Booking spreads them and
// cuts the waiting; nobody is lost either way.
QueueTally one_session(const SessionResources& resources, std::uint64_t seed) {
  DriveFlowSpec flow;
  flow.patience = {Duration::Shape::Unlimited, 0, 0};
  std::vector<QueueOnly::State> states(1);
  states[0].queue.emplace(resources, flow, std::array<double, kDonorKindCount>{0, 0, 0},
                          std::array<double, 3>{0, 1, 0}, kernel::RandomStream(seed, 8));
  const std::vector<DriveQueue::Visitor> visitors(60, {0, DonorKind::Regular});
  const auto timers = states[0].queue->open(visitors, 0, 6 * 60);
  kernel::Simulation<QueueOnly> sim(QueueOnly{}, std::move(states), kernel::KernelConfig{1, seed, 1});
  for (const auto& timer : timers) sim.schedule(0, 6 * 60 + timer.delay, QueueOnly::Event{timer.kind, timer.visitor});
  sim.run_until(kTicksPerDay);
  EXPECT_TRUE(sim.state(0).queue->finished());
  return sim.state(0).queue->tally();
}

TEST(DriveQueue, AppointmentSlotsSpreadArrivalsAndCutTheWait) {
  SessionResources rush;
  rush.queued = true;
  rush.beds = 3;
  rush.staff_per_bed = 1;
  rush.opens_minute = 7 * 60;
  rush.closes_minute = 11 * 60;
  rush.arrival_profile = {1, 0, 0, 0};
  SessionResources booked = rush;
  booked.arrival_profile.clear();
  booked.appointment_slot_minutes = 15;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const QueueTally a = one_session(rush, seed), b = one_session(booked, seed);
    EXPECT_EQ(a.donated, 60);
    EXPECT_EQ(b.donated, 60);
    // 60 donors x ~12 bed-minutes on 3 beds: ~4 hours of work. Arriving in one
    // hour they queue for hours; booked into the 16 slots (~4 per slot, about
    // what 3 beds do in 15 minutes) they wait far less.
    EXPECT_GT(a.mean_wait_minutes(), 60.0);
    EXPECT_LT(b.mean_wait_minutes(), 0.25 * a.mean_wait_minutes());
    EXPECT_LT(b.mean_system_minutes(), a.mean_system_minutes());
  }
}

TEST(DriveQueue, OneDonorPerSlotAndServiceShorterThanASlotNeverWaits) {
  // D/D/1: 16 fifteen-minute slots, 16 donors, one bed for 14 minutes each.
  SessionResources resources;
  DriveFlowSpec flow = single_step(14, 1, {Duration::Shape::Unlimited, 0, 0}, resources);
  flow.donation_by_volume.fill({Duration::Shape::Fixed, 14, 0});
  resources.opens_minute = 7 * 60;
  resources.closes_minute = 11 * 60;
  resources.appointment_slot_minutes = 15;
  std::vector<QueueOnly::State> states(1);
  states[0].queue.emplace(resources, flow, std::array<double, kDonorKindCount>{0, 0, 0},
                          std::array<double, 3>{0, 1, 0}, kernel::RandomStream(3, 3));
  const auto timers = states[0].queue->open(std::vector<DriveQueue::Visitor>(16, {0, DonorKind::Regular}), 0, 6 * 60);
  kernel::Simulation<QueueOnly> sim(QueueOnly{}, std::move(states), kernel::KernelConfig{1, 3, 1});
  for (const auto& timer : timers) sim.schedule(0, 6 * 60 + timer.delay, QueueOnly::Event{timer.kind, timer.visitor});
  sim.run_until(kTicksPerDay);
  const QueueTally t = sim.state(0).queue->tally();
  EXPECT_EQ(t.donated, 16);
  EXPECT_EQ(t.wait_minutes_sum, 0.0);  // random arrival times would collide
  EXPECT_DOUBLE_EQ(t.bed_utilisation(), 16.0 * 14 / 240);
}

// ---- queued sessions in the blood model ------------------------------------------

Scenario queued_district(int beds, double patience_minutes) {
  Scenario s = testing::three_provinces(120);
  for (SessionSpec& session : s.sessions) {
    session.resources.queued = true;
    session.resources.beds = beds;
    session.resources.registration_desks = 2;
    session.resources.screening_desks = 3;
  }
  s.drive_flow.patience = {Duration::Shape::Exponential, patience_minutes, 0};
  return s;
}

std::int64_t total(const RunResult& r, std::int64_t QueueTally::*field) {
  std::int64_t n = 0;
  for (const DriveRecord& d : r.drives) n += d.queue.*field;
  return n;
}

TEST(DriveQueueModel, DonorsAreConservedAndCollectionsMatchDonations) {
  const RunResult r = run(build_world(queued_district(4, 60)), RunOptions{3, 1});
  EXPECT_TRUE(check_conservation(r).empty());
  std::int64_t collected = 0, donated = 0, registered = 0, deferred = 0;
  for (const DriveRecord& d : r.drives) {
    const QueueTally& q = d.queue;
    EXPECT_EQ(q.arrived, q.balked() + q.deferred + q.donated) << d.name;
    EXPECT_EQ(q.arrived, d.registered) << d.name;  // everyone registered came to the queue
    EXPECT_EQ(q.donated, d.donated);
    EXPECT_EQ(q.deferred, d.deferred);
    EXPECT_EQ(q.sessions, d.sessions);  // every session finished: nobody left in the system
    donated += d.donated;
    deferred += d.deferred;
    registered += d.registered;
  }
  const Kpis k = compute_kpis(r);
  collected = k.collected;
  EXPECT_EQ(collected, donated);
  EXPECT_GT(total(r, &QueueTally::left_impatient), 0);
  EXPECT_GT(donated, 0);
  EXPECT_GT(deferred, 0);  // some who queued failed the screening
  EXPECT_EQ(k.queue_arrivals, registered);
}

TEST(DriveQueueModel, ResultsAreIdenticalForOneAndFourThreads) {
  const auto world = build_world(queued_district(4, 60));
  const RunResult one = run(world, RunOptions{9, 1});
  const RunResult four = run(world, RunOptions{9, 4});
  EXPECT_EQ(one.trace_hash, four.trace_hash);
  EXPECT_EQ(one.measures.collected_cells(), four.measures.collected_cells());
  ASSERT_EQ(one.drives.size(), four.drives.size());
  for (std::size_t i = 0; i < one.drives.size(); ++i) {
    EXPECT_EQ(one.drives[i].queue.wait_histogram, four.drives[i].queue.wait_histogram);
    EXPECT_EQ(one.drives[i].queue.bed_busy_minutes, four.drives[i].queue.bed_busy_minutes);
  }
}

TEST(DriveQueueModel, MoreBedsCollectMoreAndShortenTheWait) {
  const RunResult few = run(build_world(queued_district(2, 45)), RunOptions{4, 1});
  const RunResult many = run(build_world(queued_district(12, 45)), RunOptions{4, 1});
  const Kpis a = compute_kpis(few), b = compute_kpis(many);
  EXPECT_GT(b.collected, a.collected);
  EXPECT_LT(b.mean_wait_minutes, a.mean_wait_minutes);
  EXPECT_LT(b.balked, a.balked);
}

TEST(DriveQueueModel, DonorsWhoLeftComeBackLessOften) {
  // Same crowded sessions; leaving costs a lot in one world and nothing in the other.
  Scenario forgiving = queued_district(2, 30);
  forgiving.turnout.return_factor_after_leaving = 1.0;
  Scenario resentful = forgiving;
  resentful.turnout.return_factor_after_leaving = 0.1;
  const Kpis a = compute_kpis(run(build_world(forgiving), RunOptions{6, 1}));
  const Kpis b = compute_kpis(run(build_world(resentful), RunOptions{6, 1}));
  EXPECT_LT(b.queue_arrivals, a.queue_arrivals);
}

TEST(DriveQueueModel, SessionsWithoutResourcesAreUntouched) {
  // Without resources nothing of the queue runs: no tallies, and no queue events.
  const RunResult r = run(build_world(testing::three_provinces(60)), RunOptions{2, 1});
  for (const DriveRecord& d : r.drives) EXPECT_EQ(d.queue.sessions, 0);
  EXPECT_TRUE(std::isnan(compute_kpis(r).mean_wait_minutes));
}

}  // namespace
}  // namespace giotmau::blood
