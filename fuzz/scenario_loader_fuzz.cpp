// libFuzzer entry point: any bytes as a scenario file. The loader must either
// accept them or throw ScenarioError (the command line's exit 2): never crash,
// hang, leak, read out of bounds or throw anything else. A file that loads is
// also built into a world, as `giotmau validate` does, since what validation
// accepts the model must take without surprises.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <exception>
#include <string_view>

#include "blood/model.hpp"
#include "io/scenario_toml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  giotmau::io::LoadLimits limits;
  limits.donor_pool_bytes = std::uint64_t{1} << 30;  // what a fuzzing machine can hold
  try {
    const auto loaded = giotmau::io::load_scenario_text(text, "fuzz/input.toml", {std::nullopt, limits, {}});
    try {
      giotmau::blood::build_world(loaded.scenario, 1);
    } catch (const std::exception& e) {
      // A scenario validation accepted and the model refused: a check missing from validation.
      std::fprintf(stderr, "validated scenario refused by the model: %s\n", e.what());
      std::abort();
    }
  } catch (const giotmau::io::ScenarioError&) {
    // Bad input, reported with a location: the expected outcome for most inputs.
  }
  return 0;
}
