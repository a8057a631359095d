#pragma once
// Where the Python helpers giotmau runs live.
#include <filesystem>
#include <string>

namespace giotmau::cli {

// analysis/NAME, looked for beside the program first (an installed tree:
// BIN/../share/giotmau/analysis, then a build tree inside the source tree:
// the nearest folder above the program holding analysis/NAME), then in the
// source tree the program was built from. Throws std::runtime_error naming
// the places looked at when none has it.
std::filesystem::path find_analysis_script(const std::string& name);

}  // namespace giotmau::cli
