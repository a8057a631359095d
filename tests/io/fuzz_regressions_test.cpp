// Every input the scenario-loader fuzz target ever failed on (fuzz/regressions/)
// replayed in the ordinary build: each is either a valid scenario whose world
// builds, or refused with located issues; never a crash or another exception.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "blood/model.hpp"
#include "io/scenario_toml.hpp"

namespace {

namespace fs = std::filesystem;
using namespace giotmau;

std::vector<fs::path> regression_cases() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(fs::path(GIOTMAU_SOURCE_DIR) / "fuzz" / "regressions")) {
    if (entry.is_regular_file() && entry.path().filename() != "README.md") files.push_back(entry.path());
  }
  return files;
}

TEST(FuzzRegressions, EachCaseLoadsAndBuildsOrIsRefusedWithALocation) {
  const auto files = regression_cases();
  ASSERT_FALSE(files.empty());
  io::LoadLimits limits;
  limits.donor_pool_bytes = std::uint64_t{1} << 30;  // as the fuzz target
  for (const fs::path& file : files) {
    SCOPED_TRACE(file.string());
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    try {
      const io::LoadedScenario loaded = io::load_scenario_text(text.str(), "fuzz/input.toml", {std::nullopt, limits, {}});
      EXPECT_NO_THROW(blood::build_world(loaded.scenario, 1)) << "validation accepted what the model refuses";
    } catch (const io::ScenarioError& e) {
      ASSERT_FALSE(e.issues.empty());
      for (const auto& issue : e.issues) EXPECT_GE(issue.line, 1) << io::format_issue(issue);
    }
  }
}

}  // namespace
