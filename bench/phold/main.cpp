// PHOLD benchmark driver: prints one `key: value` per line.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "phold_model.hpp"

int main(int argc, char** argv) {
  giotmau::phold::Parameters p;
  CLI::App app{"PHOLD benchmark on the giotmau event kernel"};
  app.add_option("--lps", p.lps, "number of logical processes")->check(CLI::PositiveNumber);
  app.add_option("--population", p.population, "initial events per LP")->check(CLI::PositiveNumber);
  app.add_option("--remote", p.remote, "probability that an event goes to a random LP")->check(CLI::Range(0.0, 1.0));
  app.add_option("--mean-delay", p.mean_delay, "mean delay between events (time units)")->check(CLI::PositiveNumber);
  app.add_option("--lookahead", p.lookahead, "minimum delay (time units)")->check(CLI::PositiveNumber);
  app.add_option("--end-time", p.end_time, "simulated time to run (time units)")->check(CLI::PositiveNumber);
  app.add_option("--threads", p.threads, "worker threads")->check(CLI::PositiveNumber);
  app.add_option("--seed", p.seed, "random seed");
  try {
    app.parse(argc, argv);
    if (p.lookahead > p.mean_delay) throw CLI::ValidationError("--lookahead", "must not exceed --mean-delay");
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  auto sim = giotmau::phold::make_simulation(p);
  const auto started = std::chrono::steady_clock::now();
  const auto stats = sim.run_until(giotmau::phold::to_ticks(p.end_time));
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  std::printf("lps: %u\npopulation: %u\nremote: %g\nmean_delay: %g\nlookahead: %g\nend_time: %g\n", p.lps,
              p.population, p.remote, p.mean_delay, p.lookahead, p.end_time);
  std::printf("threads: %u\nseed: %llu\n", p.threads, static_cast<unsigned long long>(p.seed));
  std::printf("events_committed: %llu\n", static_cast<unsigned long long>(stats.events_processed));
  std::printf("remote_events: %llu\n", static_cast<unsigned long long>(stats.remote_events));
  std::printf("windows: %llu\n", static_cast<unsigned long long>(stats.windows));
  std::printf("wall_seconds: %.6f\n", wall);
  std::printf("events_per_second: %.0f\n", wall > 0 ? static_cast<double>(stats.events_processed) / wall : 0.0);
  std::printf("state_hash: %016llx\n", static_cast<unsigned long long>(giotmau::phold::state_hash(sim)));
  std::printf("trace_hash: %016llx\n", static_cast<unsigned long long>(sim.trace_hash()));
  return 0;
}
