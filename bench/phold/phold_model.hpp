#pragma once
// PHOLD, the standard benchmark of parallel discrete-event engines, written as
// an ordinary giotmau kernel model. Each event schedules one new event at
// now + lookahead + Exp(mean_delay - lookahead) on itself or, with probability
// `remote`, on an LP drawn uniformly from all LPs (as ROSS's PHOLD does).
#include <cmath>
#include <cstdint>
#include <vector>

#include "kernel/simulation.hpp"

namespace giotmau::phold {

using kernel::Tick;

// PHOLD's time is real-valued; the kernel's is an integer tick.
inline constexpr double kTicksPerTimeUnit = 1'000'000.0;

inline Tick to_ticks(double time_units) { return static_cast<Tick>(std::llround(time_units * kTicksPerTimeUnit)); }

struct Parameters {
  std::uint32_t lps = 1024;
  std::uint32_t population = 16;
  double remote = 0.25;
  double mean_delay = 1.0;
  double lookahead = 0.1;
  double end_time = 100.0;
  unsigned threads = 1;
  std::uint64_t seed = 1;
};

struct LpState {
  std::uint64_t events = 0;
  std::uint64_t hash = 0;  // of the times this LP saw, in order
};

struct Model {
  using State = LpState;
  struct Event {};

  std::uint32_t lps;
  double remote;
  double extra_mean_ticks;  // mean of the exponential part of the delay
  Tick lookahead_ticks;

  void handle(kernel::Context<Model>& ctx, State& state, const Event&) const {
    ++state.events;
    state.hash = (state.hash ^ static_cast<std::uint64_t>(ctx.now())) * 0x100000001B3ULL;
    auto& random = ctx.random();
    const Tick delay = lookahead_ticks + static_cast<Tick>(random.exponential(extra_mean_ticks));
    const bool go_remote = random.uniform() < remote;
    const kernel::LpId target = go_remote ? random.below(lps) : ctx.self();
    ctx.send(target, delay, Event{});
  }
};

inline kernel::Simulation<Model> make_simulation(const Parameters& p) {
  const Tick lookahead = to_ticks(p.lookahead);
  Model model{p.lps, p.remote, (p.mean_delay - p.lookahead) * kTicksPerTimeUnit, lookahead};
  kernel::Simulation<Model> sim(model, std::vector<LpState>(p.lps),
                                kernel::KernelConfig{lookahead, p.seed, p.threads});
  // The initial events are spread over the first mean delay so that the
  // population starts in its steady state rather than in one burst.
  kernel::RandomStream start(p.seed, 0x5354415254ULL /* "START" */);
  for (kernel::LpId lp = 0; lp < p.lps; ++lp) {
    for (std::uint32_t i = 0; i < p.population; ++i) {
      sim.schedule(lp, static_cast<Tick>(start.exponential(p.mean_delay * kTicksPerTimeUnit)), Model::Event{});
    }
  }
  return sim;
}

// A hash of every LP's final state, in LP order.
inline std::uint64_t state_hash(const kernel::Simulation<Model>& sim) {
  std::uint64_t h = 0;
  for (kernel::LpId lp = 0; lp < sim.lp_count(); ++lp) {
    h = kernel::mix64(h, sim.state(lp).hash);
    h = kernel::mix64(h, sim.state(lp).events);
  }
  return h;
}

}  // namespace giotmau::phold
