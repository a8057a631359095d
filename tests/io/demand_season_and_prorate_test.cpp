// Scenario keys for per-product seasonality and demand surges, and the
// prorating of plan targets when an overlay or --set shortens a drive series
// or a campaign (docs/scenario-format.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "blood/calendar.hpp"
#include "io/scenario_toml.hpp"
#include "support/temp_dir.hpp"

namespace giotmau::io {
namespace {

namespace fs = std::filesystem;
using blood::day_number;
using blood::Product;

constexpr std::string_view kBase = R"(name = "base"
start = 2025-01-01
end = 2025-12-31

[season]
tet = 2025-01-29

[demand]
month_factors = [1, 1, 1, 1, 1, 1, 1.1, 1.1, 1.1, 1.1, 1, 1]

[[area]]
name = "south"
population = 0

[[area]]
name = "saigon"
parent = "south"
population = 9_000_000
centre = "cho-ray"

[[area]]
name = "can-tho"
parent = "south"
population = 1_200_000
centre = "cho-ray"

[[centre]]
name = "cho-ray"
area = "saigon"

[[hospital]]
name = "saigon-hospitals"
area = "saigon"
centre = "cho-ray"

[[session]]
name = "drives-saigon"
area = "saigon"
weekdays = ["tue", "sat"]
from = "01-01"
to = "12-31"
target_units = 10_400
capacity = 300

[[session]]
name = "one-day"
area = "can-tho"
date = 2025-03-02
target_units = 300

[[campaign]]
name = "summer"
start = 2025-06-01
end = 2025-08-31
session = [
  { name = "summer-saigon", area = "saigon", weekdays = ["sun"], target_units = 1_300 },
  { name = "summer-can-tho", area = "can-tho", weekdays = ["sun"], from = 2025-06-01, to = 2025-08-31, target_units = 650 },
  { name = "summer-fixed", area = "can-tho", weekdays = ["mon"], from = 2025-07-01, to = 2025-07-31, target_units = 400 },
]
)";

using testing::TempDir;

class DemandSeasonKeys : public ::testing::Test {
 protected:
  void SetUp() override { dir_.write("base.toml", std::string(kBase)); }

  blood::Scenario load(std::string_view overlay, std::vector<ScenarioOverride> overrides = {}) {
    LoadOptions options;
    options.overrides = std::move(overrides);
    return load_scenario(dir_.write("overlay.toml", "extends = \"base.toml\"\n" + std::string(overlay)), options).scenario;
  }

  // The issues of an overlay that must not load.
  std::vector<ScenarioIssue> problems(std::string_view overlay) {
    try {
      load(overlay);
    } catch (const ScenarioError& error) {
      return error.issues;
    }
    ADD_FAILURE() << "loaded without error:\n" << overlay;
    return {};
  }

  TempDir dir_;
};

const blood::SessionSpec& session(const blood::Scenario& s, std::string_view name) {
  for (const auto& x : s.sessions) {
    if (x.name == name) return x;
  }
  for (const auto& c : s.campaigns) {
    for (const auto& x : c.sessions) {
      if (x.name == name) return x;
    }
  }
  throw std::runtime_error("no session " + std::string(name));
}

// Days of a weekday set in [first, last].
std::int64_t count_days(blood::DayNumber first, blood::DayNumber last, std::initializer_list<unsigned> weekdays) {
  std::int64_t n = 0;
  for (blood::DayNumber d = first; d <= last; ++d) n += std::count(weekdays.begin(), weekdays.end(), blood::weekday(d));
  return n;
}

TEST_F(DemandSeasonKeys, ProductKeysFallBackToTheSharedOnes) {
  const blood::Scenario s = load(R"(
[demand.platelets]
month_factors = [1, 1, 1, 1, 1, 1, 2, 2.5, 2.5, 2, 1, 1]
tet_surge_factor = 1.1
tet_surge_days_after = 3
)");
  const auto& platelets = s.demand.products[blood::index(Product::Platelets)];
  ASSERT_TRUE(platelets.month_factors.has_value());
  EXPECT_DOUBLE_EQ((*platelets.month_factors)[7], 2.5);
  EXPECT_EQ(platelets.tet_surge_factor, 1.1);
  EXPECT_EQ(platelets.tet_surge_days_after, 3);
  EXPECT_FALSE(platelets.tet_surge_days_before.has_value());  // the shared one
  const auto& red = s.demand.products[blood::index(Product::RedCells)];
  EXPECT_FALSE(red.month_factors.has_value());
  EXPECT_FALSE(red.tet_surge_factor.has_value());
  EXPECT_DOUBLE_EQ(s.demand.month_factors[6], 1.1);
}

TEST_F(DemandSeasonKeys, SurgesTakeYearlyAndTetDatesAreasAndProducts) {
  const blood::Scenario s = load(R"(
[[demand.surge]]
name = "dengue"
start = "07-01"
end = "10-31"
areas = ["south"]
products = ["platelets"]
factor = 2

[[demand.surge]]
start = "Tết - 7 days"
end = "Tết + 3 days"
factor = 1.3
)");
  ASSERT_EQ(s.demand.surges.size(), 2u);
  const auto& dengue = s.demand.surges[0];
  EXPECT_EQ(dengue.name, "dengue");
  EXPECT_EQ(dengue.start, day_number({2025, 7, 1}));
  EXPECT_EQ(dengue.end, day_number({2025, 10, 31}));
  EXPECT_EQ(dengue.areas, std::vector<std::string>{"south"});
  EXPECT_EQ(dengue.products, (std::array<bool, 3>{false, true, false}));
  EXPECT_DOUBLE_EQ(dengue.factor, 2);
  const auto& tet = s.demand.surges[1];
  EXPECT_EQ(tet.start, day_number({2025, 1, 22}));
  EXPECT_EQ(tet.end, day_number({2025, 2, 1}));
  EXPECT_EQ(tet.products, (std::array<bool, 3>{true, true, true}));  // default: every product
  EXPECT_TRUE(tet.areas.empty());                                     // default: everywhere
}

TEST_F(DemandSeasonKeys, AnOverlayChangesASurgeByName) {
  dir_.write("dengue.toml", R"(extends = "base.toml"
[[demand.surge]]
name = "dengue"
start = "07-01"
end = "10-31"
products = ["platelets"]
factor = 2
)");
  const blood::Scenario s = load_scenario(dir_.write("worse.toml", R"(extends = "dengue.toml"
[[demand.surge]]
name = "dengue"
factor = 3.5

[[demand.surge]]
name = "festival"
start = 2025-09-01
end = 2025-09-02
factor = 1.2
)")).scenario;
  ASSERT_EQ(s.demand.surges.size(), 2u);
  EXPECT_DOUBLE_EQ(s.demand.surges[0].factor, 3.5);
  EXPECT_EQ(s.demand.surges[0].start, day_number({2025, 7, 1}));  // kept from the file it extends
  EXPECT_EQ(s.demand.surges[1].name, "festival");
}

TEST_F(DemandSeasonKeys, BadSurgesAreNamedWithLineAndWhatWasExpected) {
  const auto issues = problems(R"(
[[demand.surge]]
name = "dengue"
start = 2026-07-01
end = 2025-10-31
areas = ["can-thoo"]
products = ["platelet"]
factor = 0

[[demand.surge]]
start = 2025-05-01

[demand.plasma]
month_factors = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1]
tet_surge_factor = 0
)");
  const auto has = [&](std::string_view path, std::string_view fragment, int line) {
    const bool found = std::any_of(issues.begin(), issues.end(), [&](const ScenarioIssue& i) {
      return i.key_path == path && i.message.find(fragment) != std::string::npos && i.line == line &&
             i.file.ends_with("overlay.toml");
    });
    std::string all;
    for (const auto& i : issues) all += format_issue(i) + "\n";
    EXPECT_TRUE(found) << path << " / " << fragment << " at line " << line << " in:\n" << all;
  };
  has("demand.surge[0].start", "is outside the simulated period (2025-01-01 .. 2025-12-31)", 5);
  has("demand.surge[0].areas[0]", "unknown area 'can-thoo'; expected the name of an [[area]]; did you mean 'can-tho'", 7);
  has("demand.surge[0].products[0]", "unknown product 'platelet'; expected red_cells, platelets, plasma", 8);
  has("demand.surge[0].factor", "expected a number > 0, got 0", 9);
  has("demand.surge[1].end", "required key is missing", 11);
  has("demand.surge[1].factor", "required key is missing", 11);
  has("demand.plasma.month_factors[11]", "expected a number > 0, got -1", 15);
  has("demand.plasma.tet_surge_factor", "expected a number > 0, got 0", 16);
}

// ---------------------------------------------------------------------------
// Prorating

TEST_F(DemandSeasonKeys, AShortenedSeriesKeepsTheTargetOfItsRemainingSessionDays) {
  const blood::Scenario s = load(R"(
[[session]]
name = "drives-saigon"
to = "06-30"
)");
  const auto& drives = session(s, "drives-saigon");
  EXPECT_EQ(drives.to, day_number({2025, 6, 30}));
  const std::int64_t all = count_days(day_number({2025, 1, 1}), day_number({2025, 12, 31}), {1, 5});  // tue, sat
  const std::int64_t kept = count_days(day_number({2025, 1, 1}), day_number({2025, 6, 30}), {1, 5});
  EXPECT_EQ(all, 104);
  EXPECT_EQ(drives.target_units, 10'400 * kept / all);  // 51 of 104 days: 5,100
  EXPECT_EQ(session(s, "one-day").target_units, 300);   // untouched
  EXPECT_EQ(session(s, "summer-saigon").target_units, 1'300);
}

TEST_F(DemandSeasonKeys, ATargetGivenWithTheChangeWins) {
  const blood::Scenario s = load(R"(
[[session]]
name = "drives-saigon"
to = "06-30"
target_units = 6_000
)");
  EXPECT_EQ(session(s, "drives-saigon").target_units, 6'000);
}

TEST_F(DemandSeasonKeys, FewerWeekdaysProrateToo) {
  const blood::Scenario s = load(R"(
[[session]]
name = "drives-saigon"
weekdays = ["sat"]
)");
  EXPECT_EQ(session(s, "drives-saigon").target_units, 5'200);
}

TEST_F(DemandSeasonKeys, AShortenedCampaignProratesItsSessionsAndTheyFollowItsWindow) {
  const blood::Scenario s = load(R"(
[[campaign]]
name = "summer"
end = 2025-07-31
)");
  const blood::DayNumber start = day_number({2025, 6, 1}), old_end = day_number({2025, 8, 31}),
                         new_end = day_number({2025, 7, 31});
  const std::int64_t all = count_days(start, old_end, {6}), kept = count_days(start, new_end, {6});  // sundays
  ASSERT_EQ(all, 14);
  ASSERT_EQ(kept, 9);
  // No from/to: the campaign's window.
  EXPECT_EQ(session(s, "summer-saigon").target_units, std::llround(1'300.0 * kept / all));  // 836
  // from/to equal to the campaign's start/end follow it.
  EXPECT_EQ(session(s, "summer-can-tho").to, new_end);
  EXPECT_EQ(session(s, "summer-can-tho").target_units, std::llround(650.0 * kept / all));  // 418
  // A session of its own dates inside the new window is left as it was.
  EXPECT_EQ(session(s, "summer-fixed").target_units, 400);
  EXPECT_EQ(session(s, "summer-fixed").to, day_number({2025, 7, 31}));
}

TEST_F(DemandSeasonKeys, SetOverridesProrateUnlessTheyGiveTheTarget) {
  const blood::Scenario shortened = load("", {{"session[drives-saigon].from", "\"07-01\""}});
  EXPECT_EQ(session(shortened, "drives-saigon").target_units,
            10'400 * count_days(day_number({2025, 7, 1}), day_number({2025, 12, 31}), {1, 5}) / 104);
  const blood::Scenario given = load("", {{"session[drives-saigon].from", "\"07-01\""},
                                          {"session[drives-saigon].target_units", "777"}});
  EXPECT_EQ(session(given, "drives-saigon").target_units, 777);
  const blood::Scenario campaign = load("", {{"campaign[summer].end", "2025-07-31"}});
  EXPECT_EQ(session(campaign, "summer-saigon").target_units, std::llround(1'300.0 * 9 / 14));  // 9 of 14 sundays
}

TEST_F(DemandSeasonKeys, UnchangedWindowsKeepTheirTargets) {
  const blood::Scenario s = load(R"(
name = "renamed"
[[session]]
name = "drives-saigon"
capacity = 500
[[campaign]]
name = "summer"
turnout_factor = 1.5
)");
  EXPECT_EQ(session(s, "drives-saigon").target_units, 10'400);
  EXPECT_EQ(session(s, "summer-saigon").target_units, 1'300);
  EXPECT_EQ(session(s, "summer-can-tho").target_units, 650);
}

}  // namespace
}  // namespace giotmau::io
