#pragma once
// Reads scenario files (TOML, docs/scenario-format.md) into blood::Scenario.
// Validation is strict and exhaustive: every problem found is collected, with
// the file, line and column it comes from, before anything is thrown, so that
// one run shows the author everything to fix.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "blood/scenario.hpp"
#include "io/overrides.hpp"

namespace giotmau::io {

struct ScenarioIssue {
  std::string file;
  int line = 0;          // 1-based
  int column = 0;        // 1-based
  std::string key_path;  // e.g. "area[2].population"; empty for file-level problems
  std::string message;   // what was expected (and what was found)
};

// "FILE:LINE:COL: KEY.PATH: MESSAGE" (the key path part left out when empty).
std::string format_issue(const ScenarioIssue& issue);

class ScenarioError : public std::runtime_error {
 public:
  explicit ScenarioError(std::vector<ScenarioIssue> found);
  std::vector<ScenarioIssue> issues;  // in file order (file, line, column)
};

struct LoadedScenario {
  blood::Scenario scenario;
  std::string resolved_toml;       // the merged document after overlays, as toml++ writes it
  std::string sha256;              // hex SHA-256 of resolved_toml
  std::vector<std::string> files;  // every file read: the given one first, then its bases
};

// Files larger than this are refused before they are read.
inline constexpr std::uintmax_t kMaxScenarioFileBytes = 16u * 1024u * 1024u;

// What a scenario may ask of the machine; the command line sets it from the
// machine's memory and its flags.
struct LoadLimits {
  // The donor pools of the replications held at once (estimated at
  // validation, blood/memory.hpp) may take at most this many bytes; 0: no limit.
  std::uint64_t donor_pool_bytes = 0;
  std::uint64_t concurrent_replications = 1;
  std::string how_to_raise;  // e.g. "raise it with --max-memory GB"; quoted in the message
};

struct LoadOptions {
  // Moves the scenario to this year (as its `year` key does, and winning over it).
  std::optional<int> year{};
  LoadLimits limits{};
  // `--set` overrides, applied to the merged document before it is read:
  // every check applies to them, and resolved_toml (so the SHA-256) holds
  // them. A bad key or value is a ScenarioIssue naming the `--set` argument.
  std::vector<ScenarioOverride> overrides{};
};

// Loads `file` and the chain of files it `extends`. Throws ScenarioError.
LoadedScenario load_scenario(const std::filesystem::path& file, const LoadOptions& options = {});

// Same, from text; `file_label` names it in messages, and `extends` in it is
// resolved against the directory part of the label.
LoadedScenario load_scenario_text(std::string_view toml, const std::string& file_label,
                                  const LoadOptions& options = {});

}  // namespace giotmau::io
