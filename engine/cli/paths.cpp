#include "cli/paths.hpp"

#include <stdexcept>
#include <system_error>
#include <vector>

#include "cli/version.hpp"

namespace giotmau::cli {

namespace fs = std::filesystem;

std::filesystem::path find_analysis_script(const std::string& name) {
  std::vector<fs::path> candidates;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    candidates.push_back(exe.parent_path().parent_path() / "share" / "giotmau" / "analysis" / name);
    for (fs::path dir = exe.parent_path(); dir.has_relative_path(); dir = dir.parent_path()) {
      candidates.push_back(dir / "analysis" / name);
    }
  }
  candidates.push_back(fs::path(kSourceDir) / "analysis" / name);
  std::string looked;
  for (const fs::path& c : candidates) {
    if (fs::is_regular_file(c, ec)) return c;
    looked += "\n  " + c.string();
  }
  throw std::runtime_error("cannot find analysis/" + name + "; looked at:" + looked);
}

}  // namespace giotmau::cli
