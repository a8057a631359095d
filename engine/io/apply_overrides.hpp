#pragma once
// Applying `--set` overrides to a merged scenario document (io/overrides.hpp);
// the scenario loader calls it before it reads the document.
#include <toml++/toml.h>

#include <vector>

#include "io/overrides.hpp"
#include "io/scenario_toml.hpp"

namespace giotmau::io {

// Applies the overrides in order. Returns the problems (a key that names
// nothing, a value of the wrong type), each naming the `--set` argument and
// what was expected; the document is left partly changed when there are any.
std::vector<ScenarioIssue> apply_overrides(toml::table& document, const std::vector<ScenarioOverride>& overrides);

}  // namespace giotmau::io
