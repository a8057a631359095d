// The reference point for the kernel's overhead: PHOLD as one bare binary-heap
// loop with no kernel around it (no LPs, no windows, no tie-breaking keys).
// Same flags and output keys as `phold`; single-threaded only.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <queue>
#include <vector>

#include "kernel/random.hpp"
#include "phold_model.hpp"

int main(int argc, char** argv) {
  using giotmau::phold::to_ticks;
  giotmau::phold::Parameters p;
  CLI::App app{"PHOLD as a bare binary-heap loop (reference for the kernel's overhead)"};
  app.add_option("--lps", p.lps);
  app.add_option("--population", p.population);
  app.add_option("--remote", p.remote);
  app.add_option("--mean-delay", p.mean_delay);
  app.add_option("--lookahead", p.lookahead);
  app.add_option("--end-time", p.end_time);
  app.add_option("--threads", p.threads, "ignored: the bare loop is sequential");
  app.add_option("--seed", p.seed);
  CLI11_PARSE(app, argc, argv);

  struct Event {
    std::int64_t time;
    std::uint32_t lp;
    bool operator>(const Event& o) const { return time > o.time; }
  };
  std::priority_queue<Event, std::vector<Event>, std::greater<>> heap;
  giotmau::kernel::RandomStream random(p.seed, 1);
  const double extra = (p.mean_delay - p.lookahead) * giotmau::phold::kTicksPerTimeUnit;
  const std::int64_t lookahead = to_ticks(p.lookahead), end = to_ticks(p.end_time);
  for (std::uint32_t lp = 0; lp < p.lps; ++lp)
    for (std::uint32_t i = 0; i < p.population; ++i)
      heap.push({static_cast<std::int64_t>(random.exponential(p.mean_delay * giotmau::phold::kTicksPerTimeUnit)), lp});

  std::uint64_t committed = 0;
  const auto started = std::chrono::steady_clock::now();
  while (!heap.empty() && heap.top().time < end) {
    const Event e = heap.top();
    heap.pop();
    ++committed;
    const std::int64_t delay = lookahead + static_cast<std::int64_t>(random.exponential(extra));
    const std::uint32_t target = random.uniform() < p.remote ? random.below(p.lps) : e.lp;
    heap.push({e.time + delay, target});
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("events_committed: %llu\nwall_seconds: %.6f\nevents_per_second: %.0f\n",
              static_cast<unsigned long long>(committed), wall, static_cast<double>(committed) / wall);
  return 0;
}
