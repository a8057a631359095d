// Tests of the event kernel: exact timing, causality, determinism across
// thread counts, and the errors a model gets when it breaks the rules.
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <type_traits>
#include <vector>

#include "kernel/simulation.hpp"
#include "phold/phold_model.hpp"

namespace giotmau::kernel {
namespace {

// Two LPs hand a ball back and forth: LP 0 holds it 10 ticks, LP 1 holds it 7.
struct PingPong {
  struct State {
    std::vector<Tick> seen;
  };
  struct Event {
    int hits;
  };
  void handle(Context<PingPong>& ctx, State& state, const Event& e) const {
    state.seen.push_back(ctx.now());
    const Tick hold = ctx.self() == 0 ? 10 : 7;
    ctx.send(1 - ctx.self(), hold, Event{e.hits + 1});
  }
};

TEST(Kernel, PingPongGivesExactlyTheExpectedTimes) {
  for (unsigned threads : {1u, 2u}) {
    Simulation<PingPong> sim(PingPong{}, std::vector<PingPong::State>(2), KernelConfig{5, 1, threads});
    sim.schedule(0, 3, PingPong::Event{0});
    const auto stats = sim.run_until(60);
    EXPECT_EQ(sim.state(0).seen, (std::vector<Tick>{3, 20, 37, 54}));
    EXPECT_EQ(sim.state(1).seen, (std::vector<Tick>{13, 30, 47}));
    EXPECT_EQ(stats.events_processed, 7u);
    EXPECT_EQ(stats.remote_events, 7u);
    EXPECT_EQ(sim.events_processed(0), 4u);
    EXPECT_EQ(sim.now(), 60);
  }
}

// Records every event's time and order of arrival, to check causality and the
// tie-breaking rule, under a PHOLD-like load with many simultaneous events.
// Bulky: each event also carries a large payload (a vector and 256 bytes), so
// the kernel keeps it in the LP's slab apart from the heap; the payload must
// arrive intact and the run be the same as with small events.
template <bool Bulky>
struct RecorderModel {
  struct State {
    Tick last = -1;
    std::uint64_t violations = 0;
    std::uint64_t damaged = 0;  // bulky payloads that did not arrive as sent
    std::vector<std::pair<Tick, std::uint32_t>> trace;  // (time, sender)
  };
  struct Small {
    std::uint32_t sender;
  };
  struct Large {
    std::uint32_t sender;
    std::array<std::uint64_t, 32> words{};
    std::vector<std::uint32_t> senders;  // {sender, sender + 1}
  };
  using Event = std::conditional_t<Bulky, Large, Small>;
  static Event make(std::uint32_t sender) {
    if constexpr (Bulky) {
      Large e{sender, {}, {sender, sender + 1}};
      for (std::size_t i = 0; i < e.words.size(); ++i) e.words[i] = sender * 1000u + i;
      return e;
    } else {
      return Small{sender};
    }
  }
  static bool intact(const Event& e) {
    if constexpr (Bulky) {
      for (std::size_t i = 0; i < e.words.size(); ++i) {
        if (e.words[i] != e.sender * 1000u + i) return false;
      }
      return e.senders == std::vector<std::uint32_t>{e.sender, e.sender + 1};
    } else {
      return true;
    }
  }
  std::uint32_t lps;
  void handle(Context<RecorderModel>& ctx, State& state, const Event& e) const {
    if (ctx.now() < state.last) ++state.violations;
    if (!intact(e)) ++state.damaged;
    state.last = ctx.now();
    state.trace.emplace_back(ctx.now(), e.sender);
    if (state.trace.size() > 400) return;
    // Delays on a coarse grid make many events share a time.
    const Tick delay = 4 * (1 + static_cast<Tick>(ctx.random().below(3)));
    const LpId target = ctx.random().bernoulli(0.5) ? ctx.random().below(lps) : ctx.self();
    ctx.send(target, delay, make(ctx.self()));
    if (ctx.random().bernoulli(0.1)) ctx.schedule(0, make(ctx.self()));  // zero-delay self event
  }
};
using Recorder = RecorderModel<false>;
using BulkyRecorder = RecorderModel<true>;
static_assert(!Simulation<Recorder>::payloads_apart() && Simulation<BulkyRecorder>::payloads_apart());

template <class Model = Recorder>
std::vector<std::vector<std::pair<Tick, std::uint32_t>>> run_recorder(unsigned threads, std::uint64_t seed) {
  constexpr std::uint32_t kLps = 64;
  Simulation<Model> sim(Model{kLps}, std::vector<typename Model::State>(kLps), KernelConfig{4, seed, threads});
  for (LpId lp = 0; lp < kLps; ++lp) {
    for (int i = 0; i < 4; ++i) sim.schedule(lp, i, Model::make(lp));
  }
  sim.run_until(2'000);
  std::vector<std::vector<std::pair<Tick, std::uint32_t>>> traces;
  for (LpId lp = 0; lp < kLps; ++lp) {
    EXPECT_EQ(sim.state(lp).violations, 0u) << "LP " << lp << " went back in time";
    EXPECT_EQ(sim.state(lp).damaged, 0u) << "LP " << lp << " received damaged payloads";
    traces.push_back(sim.state(lp).trace);
  }
  return traces;
}

TEST(Kernel, NoLpEverProcessesAnEventEarlierThanOneItAlreadyProcessed) {
  for (unsigned threads : {1u, 2u, 4u}) run_recorder(threads, 7);
}

TEST(Kernel, SimultaneousEventsRunInTheSameOrderForEveryThreadCount) {
  const auto one = run_recorder(1, 11);
  EXPECT_EQ(one, run_recorder(2, 11));
  EXPECT_EQ(one, run_recorder(4, 11));
}

TEST(Kernel, LargePayloadsKeptApartFromTheHeapRunTheSameEvents) {
  const auto small = run_recorder<Recorder>(1, 11);
  for (unsigned threads : {1u, 2u, 4u}) EXPECT_EQ(run_recorder<BulkyRecorder>(threads, 11), small) << threads;
}

struct PholdRun {
  std::uint64_t state_hash;
  std::uint64_t trace_hash;
  std::uint64_t events;
};

PholdRun run_phold(unsigned threads, std::uint64_t seed) {
  phold::Parameters p;
  p.lps = 256;
  p.population = 8;
  p.end_time = 20.0;
  p.threads = threads;
  p.seed = seed;
  auto sim = phold::make_simulation(p);
  const auto stats = sim.run_until(phold::to_ticks(p.end_time));
  return {phold::state_hash(sim), sim.trace_hash(), stats.events_processed};
}

TEST(Kernel, PholdIsBitIdenticalForOneTwoAndFourThreadsAndDiffersForAnotherSeed) {
  const PholdRun one = run_phold(1, 42);
  EXPECT_GT(one.events, 30'000u);
  for (unsigned threads : {2u, 4u}) {
    const PholdRun many = run_phold(threads, 42);
    EXPECT_EQ(one.state_hash, many.state_hash) << threads << " threads";
    EXPECT_EQ(one.trace_hash, many.trace_hash) << threads << " threads";
    EXPECT_EQ(one.events, many.events) << threads << " threads";
  }
  const PholdRun other = run_phold(1, 43);
  EXPECT_NE(one.state_hash, other.state_hash);
  EXPECT_NE(one.trace_hash, other.trace_hash);
}

TEST(Kernel, PholdKeepsItsPopulationAndItsMeanDelay) {
  // Each event makes exactly one more, so the population stays constant and
  // the commit rate is population / mean delay per LP per time unit.
  phold::Parameters p;
  p.lps = 128;
  p.population = 16;
  p.end_time = 50.0;
  auto sim = phold::make_simulation(p);
  const auto stats = sim.run_until(phold::to_ticks(p.end_time));
  std::size_t pending = 0;
  for (LpId lp = 0; lp < p.lps; ++lp) pending += sim.pending_events(lp);
  EXPECT_EQ(pending, std::size_t{p.lps} * p.population);
  const double expected = p.lps * p.population * p.end_time / p.mean_delay;
  EXPECT_NEAR(static_cast<double>(stats.events_processed) / expected, 1.0, 0.03);
  EXPECT_NEAR(static_cast<double>(stats.remote_events) / stats.events_processed, p.remote, 0.01);
}

// Sends one event as told, then stops.
struct Sender {
  struct State {};
  struct Event {
    Tick delay;
    LpId target;
    bool last;
  };
  void handle(Context<Sender>& ctx, State&, const Event& e) const {
    if (!e.last) ctx.send(e.target, e.delay, Event{0, 0, true});
  }
};

std::string error_of(Tick delay, LpId target, unsigned threads = 1) {
  Simulation<Sender> sim(Sender{}, std::vector<Sender::State>(2), KernelConfig{10, 1, threads});
  sim.schedule(0, 100, Sender::Event{delay, target, false});
  try {
    sim.run_until(1'000);
  } catch (const SchedulingError& e) {
    return e.what();
  }
  return "";
}

TEST(Kernel, LookaheadViolationsAreRejectedWithAClearError) {
  for (unsigned threads : {1u, 2u}) {
    const std::string message = error_of(9, 1, threads);
    EXPECT_NE(message.find("lookahead violation"), std::string::npos) << message;
    EXPECT_NE(message.find("LP 0 at tick 100 sent an event to LP 1 with a delay of 9 ticks"), std::string::npos)
        << message;
    EXPECT_NE(message.find("(10 ticks)"), std::string::npos) << message;
  }
  EXPECT_EQ(error_of(10, 1), "");  // exactly the lookahead is fine
  EXPECT_EQ(error_of(0, 0), "");   // to itself any delay >= 0 is fine
}

TEST(Kernel, EventsInThePastOrToUnknownLpsAreRejected) {
  EXPECT_NE(error_of(-1, 0).find("1 ticks in the past"), std::string::npos);
  EXPECT_NE(error_of(20, 5).find("only 2 LPs"), std::string::npos);

  Simulation<Sender> sim(Sender{}, std::vector<Sender::State>(2), KernelConfig{10, 1, 1});
  sim.run_until(500);
  EXPECT_THROW(sim.schedule(0, 499, Sender::Event{10, 1, false}), SchedulingError);
  EXPECT_THROW(sim.run_until(400), SchedulingError);
  EXPECT_THROW(Simulation<Sender>(Sender{}, {}, KernelConfig{0, 1, 1}), SchedulingError);
}

TEST(Kernel, EventsPastTheEndStayPendingUntilALaterRun) {
  Simulation<PingPong> sim(PingPong{}, std::vector<PingPong::State>(2), KernelConfig{5, 1, 1});
  sim.schedule(0, 100, PingPong::Event{0});
  EXPECT_EQ(sim.run_until(100).events_processed, 0u);  // `end` itself is not run
  EXPECT_EQ(sim.pending_events(0), 1u);
  sim.run_until(101);
  EXPECT_EQ(sim.state(0).seen, (std::vector<Tick>{100}));
  EXPECT_EQ(sim.pending_events(1), 1u);
}

}  // namespace
}  // namespace giotmau::kernel
