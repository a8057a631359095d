#pragma once
// Independent replications of a bundled scenario, in parallel, for the
// calibration and validation suites: each replication runs on one kernel
// thread and only a summary of it is kept (a national year's full results are
// tens of MB).
#include <oneapi/tbb/parallel_for.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "blood/model.hpp"
#include "blood/run.hpp"
#include "io/scenario_toml.hpp"

namespace giotmau::testing {

inline std::filesystem::path scenario_path(const std::string& name) {
  return std::filesystem::path(GIOTMAU_SOURCE_DIR) / "scenarios" / name;
}

inline std::shared_ptr<const blood::World> load_world(const std::string& name) {
  const io::LoadedScenario loaded = io::load_scenario(scenario_path(name));
  return blood::build_world(loaded.scenario);
}

// An unsigned integer from the environment, or `fallback` when unset or empty.
inline std::uint64_t env_or(const char* name, std::uint64_t fallback) {
  const char* text = std::getenv(name);
  return text != nullptr && *text != '\0' ? std::strtoull(text, nullptr, 10) : fallback;
}

// Runs seeds first_seed .. first_seed + replications - 1 and keeps what
// `summarise` takes from each.
template <class Summary, class Summarise>
std::vector<Summary> replicate(const std::shared_ptr<const blood::World>& world, int replications,
                               std::uint64_t first_seed, Summarise summarise) {
  std::vector<Summary> out(static_cast<std::size_t>(replications));
  tbb::parallel_for(0, replications, [&](int r) {
    const blood::RunResult result = blood::run(world, {first_seed + static_cast<std::uint64_t>(r), 1});
    out[static_cast<std::size_t>(r)] = summarise(result);
  });
  return out;
}

}  // namespace giotmau::testing
