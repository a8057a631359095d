// The domain-level peer benchmark, giotmau's side: runs bench/peer/peer.toml
// (the system bench/peer/simpy_model.py writes in SimPy) and prints its KPIs
// per simulated day and the days simulated per second, as `key: value` lines
// that bench/peer/compare.py reads.
#include <CLI/CLI.hpp>

#include <ctime>
#include <cstdio>
#include <string>

#include "blood/kpi.hpp"
#include "blood/run.hpp"
#include "io/scenario_toml.hpp"

int main(int argc, char** argv) {
  std::string scenario = "bench/peer/peer.toml";
  std::uint64_t seed = 0;
  CLI::App app{"giotmau side of the SimPy peer benchmark"};
  app.add_option("--scenario", scenario, "scenario file");
  app.add_option("--seed", seed, "random seed (default: the scenario's)");
  CLI11_PARSE(app, argc, argv);

  const auto loaded = giotmau::io::load_scenario(scenario);
  const auto world = giotmau::blood::build_world(loaded.scenario);
  const std::clock_t cpu_started = std::clock();
  const auto result = giotmau::blood::run(world, {seed != 0 ? seed : loaded.scenario.seed, 1});
  const double cpu_seconds = static_cast<double>(std::clock() - cpu_started) / CLOCKS_PER_SEC;
  const giotmau::blood::Kpis k = giotmau::blood::compute_kpis(result);

  const double days = world->days;
  const double issued_per_day = static_cast<double>(k.issued) / days;
  std::printf("tool: giotmau\ndays: %d\n", world->days);
  std::printf("collected_per_day: %.3f\n", static_cast<double>(k.collected) / days);
  std::printf("requested_per_day: %.3f\n", static_cast<double>(k.requested) / days);
  std::printf("issued_per_day: %.3f\n", issued_per_day);
  std::printf("shortage_per_day: %.3f\n", static_cast<double>(k.shortage_units) / days);
  std::printf("outdated_per_day: %.3f\n", static_cast<double>(k.outdated) / days);
  std::printf("mean_stock_units: %.1f\n", k.days_of_supply * issued_per_day);
  std::printf("mean_age_at_issue_days: %.2f\n", k.mean_age_at_issue_days);
  std::printf("run_seconds: %.4f\n", result.wall_seconds);
  std::printf("cpu_seconds: %.4f\n", cpu_seconds);
  std::printf("days_per_second: %.0f\n", days / result.wall_seconds);
  std::printf("days_per_cpu_second: %.0f\n", days / cpu_seconds);
  return 0;
}
