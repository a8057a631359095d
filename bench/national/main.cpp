// The national-year benchmark: the default scenario, one replication, for 1
// and 2 threads (or those given). Prints `key: value` lines per thread count.
#include <CLI/CLI.hpp>
#include <sys/resource.h>

#include <cstdio>
#include <string>
#include <vector>

#include "blood/run.hpp"
#include "io/scenario_toml.hpp"

int main(int argc, char** argv) {
  std::string scenario = "scenarios/vietnam-2025.toml";
  std::vector<unsigned> threads{1, 2};
  int days = 0;
  CLI::App app{"giotmau national-year benchmark"};
  app.add_option("--scenario", scenario, "scenario file");
  app.add_option("--threads", threads, "thread counts to run, in turn");
  app.add_option("--days", days, "simulate only the first N days");
  CLI11_PARSE(app, argc, argv);

  const auto loaded = giotmau::io::load_scenario(scenario);
  const auto world = giotmau::blood::build_world(loaded.scenario, days);
  std::printf("scenario: %s\ndays: %d\nlogical_processes: %zu\n", loaded.scenario.name.c_str(), world->days,
              world->lp_count);
  std::uint64_t first_hash = 0;
  for (unsigned t : threads) {
    const auto result = giotmau::blood::run(world, {loaded.scenario.seed, t});
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    if (first_hash == 0) first_hash = result.trace_hash;
    std::printf("threads: %u\n  events: %llu\n  wall_seconds: %.3f\n  events_per_second: %.0f\n  windows: %llu\n"
                "  peak_rss_mb: %.1f\n  same_trace_as_first: %s\n",
                t, static_cast<unsigned long long>(result.kernel.events_processed), result.wall_seconds,
                static_cast<double>(result.kernel.events_processed) / result.wall_seconds,
                static_cast<unsigned long long>(result.kernel.windows), static_cast<double>(usage.ru_maxrss) / 1024.0,
                result.trace_hash == first_hash ? "yes" : "NO");
  }
  return 0;
}
