// `--set KEY=VALUE` overrides: they reach the scenario, every check the
// loader makes applies to them, and a key or value that names nothing says
// what was expected. `--vary` sweeps: the values they stand for.
#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <unistd.h>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/overrides.hpp"
#include "io/scenario_toml.hpp"

namespace giotmau::io {
namespace {

namespace fs = std::filesystem;

constexpr const char* kScenario = R"(name = "overrides"
start = 2025-01-01
end = 2025-12-31

[season]
tet = 2025-01-29
student_presence_by_month = [0.5, 0.7, 1, 1, 1, 0.9, 0.3, 0.2, 0.9, 1, 1, 1]

[[area]]
name = "Hà Nội"
population = 8_500_000
centre = "NIHBT"

[[area]]
name = "Ba Đình"
parent = "Hà Nội"
population = 250000

[[centre]]
name = "NIHBT"
area = "Hà Nội"

[[hospital]]
name = "Bạch Mai"
area = "Ba Đình"
centre = "NIHBT"

[[link]]
from = "NIHBT"
to = "Bạch Mai"
travel_minutes = 20

[[session]]
name = "fixed site"
area = "Ba Đình"
weekdays = ["mon", "wed", "fri"]
capacity = 300

[demand.red_cells]
per_1000_population_per_year = 15.5
)";

class Overrides : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("giotmau-overrides-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    file_ = dir_ / "s.toml";
    std::ofstream(file_) << kScenario;
  }
  void TearDown() override { fs::remove_all(dir_); }

  LoadedScenario load(std::vector<std::string> sets) const {
    std::vector<ScenarioOverride> overrides;
    for (const std::string& s : sets) overrides.push_back(parse_override(s));
    LoadOptions options;
    options.overrides = std::move(overrides);
    return load_scenario(file_, options);
  }

  // The first problem's text, or "" when it loads.
  std::string problem(std::vector<std::string> sets) const {
    try {
      load(std::move(sets));
    } catch (const ScenarioError& e) {
      return e.what();
    }
    return "";
  }

  fs::path dir_, file_;
};

TEST_F(Overrides, ValuesReachTheScenarioAndItsHash) {
  const LoadedScenario plain = load({});
  const LoadedScenario changed = load({"demand.red_cells.per_1000_population_per_year=13",  // integer for a number
                                       "area[Ba Đình].population=260000", "session[0].capacity=350.0",
                                       "season.student_presence_by_month[7]=0.25", "seed=99"});
  const auto red = [](const LoadedScenario& l) {
    return l.scenario.demand.products[blood::index(blood::Product::RedCells)].per_1000_population_per_year;
  };
  EXPECT_DOUBLE_EQ(red(plain), 15.5);
  EXPECT_DOUBLE_EQ(red(changed), 13.0);
  EXPECT_EQ(changed.scenario.areas[1].population, 260000);
  EXPECT_EQ(changed.scenario.sessions[0].capacity, 350);
  EXPECT_DOUBLE_EQ(changed.scenario.season.student_presence_by_month[7], 0.25);
  EXPECT_EQ(changed.scenario.seed, 99u);
  EXPECT_NE(plain.sha256, changed.sha256);  // the resolved scenario holds the overrides
  EXPECT_NE(changed.resolved_toml.find("260000"), std::string::npos);
}

TEST_F(Overrides, AKeyTheFileLeavesToItsDefaultCanBeSet) {
  const LoadedScenario l = load({"demand.platelets.per_1000_population_per_year=2.5"});
  EXPECT_DOUBLE_EQ(l.scenario.demand.products[blood::index(blood::Product::Platelets)].per_1000_population_per_year,
                   2.5);
}

TEST_F(Overrides, ValidationAppliesToOverriddenValues) {
  const std::string p = problem({"area[Ba Đình].population=-5"});
  EXPECT_NE(p.find("--set area[Ba Đình].population=-5"), std::string::npos) << p;
  EXPECT_NE(p.find("population"), std::string::npos) << p;
  const std::string unknown = problem({"demand.red_cells.per_1000_people=14"});
  EXPECT_NE(unknown.find("unknown key"), std::string::npos) << unknown;
}

TEST_F(Overrides, AListOfValuesCanBeReplacedWhole) {
  const LoadedScenario l = load({"session[fixed site].weekdays=[\"sat\", \"sun\"]",
                                 "season.student_presence_by_month=[1, 1, 1, 1, 1, 1, 0.1, 0.1, 1, 1, 1, 1]"});
  const std::array<bool, 7> weekend{false, false, false, false, false, true, true};
  EXPECT_EQ(l.scenario.sessions[0].weekdays, weekend);
  EXPECT_DOUBLE_EQ(l.scenario.season.student_presence_by_month[6], 0.1);
  EXPECT_DOUBLE_EQ(l.scenario.season.student_presence_by_month[0], 1.0);
  // Its elements are checked as in the file; a list of tables stays out of reach.
  EXPECT_NE(problem({"season.student_presence_by_month=[1, 2]"}).find("12"), std::string::npos);
  EXPECT_NE(problem({"session=[1]"}).find("changes single values"), std::string::npos);
}

TEST_F(Overrides, BadKeysAndValuesSayWhatWasExpected) {
  EXPECT_NE(problem({"area[Hải Phòng].population=1"}).find("no entry named 'Hải Phòng' in 'area'; names: Hà Nội, Ba Đình"),
            std::string::npos);
  EXPECT_NE(problem({"season.student_presence_by_month[12]=1"}).find("out of range"), std::string::npos);
  EXPECT_NE(problem({"area[0].population=many"}).find("expected an integer"), std::string::npos);
  EXPECT_NE(problem({"area[0].population=1.5"}).find("expected an integer"), std::string::npos);
  EXPECT_NE(problem({"demand.red_cells=3"}).find("a table"), std::string::npos);
  EXPECT_NE(problem({"name.first=3"}).find("not a table"), std::string::npos);
  EXPECT_NE(problem({"area[0.population=3"}).find("expected a key path"), std::string::npos);
  EXPECT_NE(problem({"seed="}).find("expected a value"), std::string::npos);
  EXPECT_THROW(parse_override("no equals sign"), std::invalid_argument);
  EXPECT_THROW(parse_override("=3"), std::invalid_argument);
}

TEST(Sweeps, EquallySpacedValuesFromLowToHigh) {
  const ScenarioSweep s = parse_sweep("demand.red_cells.per_1000_population_per_year=13:18:6");
  EXPECT_EQ(s.key, "demand.red_cells.per_1000_population_per_year");
  EXPECT_EQ(s.values, (std::vector<double>{13, 14, 15, 16, 17, 18}));
  EXPECT_EQ(parse_sweep("k=0.1:0.3").values.size(), 5u);
  EXPECT_EQ(sweep_point(parse_sweep("k=0.1:0.3:3"), 0.1 + 0.1).value, "0.2");
  for (const char* bad : {"k=1", "k=2:1", "k=1:2:1", "k=1:2:2.5", "k=a:2", "=1:2", "k=1:2:3:4"}) {
    EXPECT_THROW(parse_sweep(bad), std::invalid_argument) << bad;
  }
}

}  // namespace
}  // namespace giotmau::io
