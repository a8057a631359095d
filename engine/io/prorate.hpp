#pragma once
// Prorating plan targets when a later layer (an overlay, or --set) changes
// when a drive series or a campaign runs (docs/scenario-format.md,
// "Shortened drive series and campaigns"). A recurring session's
// target_units is the plan for its scheduled session days; when the window
// (from/to of the session, start/end of its campaign) or its weekdays change
// and the later layer does not give a target itself, the target becomes
//   round(target × session days after / session days before),
// the days counted in the scenario's first simulated year, inside the period.
// A campaign session whose from/to were the campaign's start/end follows the
// campaign's new window. Single-date sessions are left alone.
#include <toml++/toml.h>

#include <functional>
#include <string>
#include <unordered_set>
#include <vector>

#include "io/overrides.hpp"

namespace giotmau::io {

// What prorating needs of a document before a layer is applied: the period
// and the session and campaign arrays (copies).
toml::table prorating_snapshot(const toml::table& document);

// The names of the sessions (top-level or in a campaign) whose target_units
// `layer` (an overlay document) gives explicitly.
std::unordered_set<std::string> targets_given(const toml::table& layer);
// The same for --set overrides, read against `snapshot` for indexed selectors.
std::unordered_set<std::string> targets_given(const std::vector<ScenarioOverride>& overrides,
                                              const toml::table& snapshot);

// `made` replaces an old value because of the change at `cause` (for messages).
using SamePlace = std::function<void(const toml::node& made, const toml::node& cause)>;

// Rewrites the targets (and campaign sessions' from/to) of `document`, the
// result of applying a layer to `before` (its snapshot).
void prorate_targets(const toml::table& before, toml::table& document, const std::unordered_set<std::string>& given,
                     const SamePlace& same_place);

}  // namespace giotmau::io
