#pragma once
// Overrides of single scenario keys from the command line (`--set KEY=VALUE`)
// and the sweeps built on them (`--vary KEY=LOW:HIGH[:STEPS]`). They are
// applied to the merged TOML document before it is read, so that every check
// the scenario loader makes applies to the overridden value too. Key syntax:
// docs/scenario-format.md ("Overrides from the command line").
#include <string>
#include <string_view>
#include <vector>

namespace giotmau::io {

// One `--set KEY=VALUE`: a key path into the scenario document and a TOML value.
struct ScenarioOverride {
  std::string key;    // e.g. demand.red_cells.per_1000_population_per_year, area[Hà Nội].population
  std::string value;  // a TOML value: 13.5, 250, true, "text", 2025-02-01; a bare word for a text key
  std::string text() const { return key + "=" + value; }
};

// Splits "KEY=VALUE" at its first '='. Throws std::invalid_argument saying
// what was expected.
ScenarioOverride parse_override(std::string_view argument);

// `--vary KEY=LOW:HIGH[:STEPS]`: STEPS values from LOW to HIGH, equally spaced
// (default 5; at least 2, at most 101).
struct ScenarioSweep {
  std::string key;
  std::vector<double> values;
  std::string text;  // as given
};
ScenarioSweep parse_sweep(std::string_view argument);

// The override with `value` written the way TOML reads it back exactly.
ScenarioOverride sweep_point(const ScenarioSweep& sweep, double value);

}  // namespace giotmau::io
