// The scenario adapter: valid files load with the documented defaults,
// overlays merge as docs/scenario-format.md says, and broken files fail with
// every problem named by file, line, column and key path.
#include "io/scenario_toml.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <sys/wait.h>

#include "support/temp_dir.hpp"

namespace giotmau::io {
namespace {

namespace fs = std::filesystem;
using blood::day_number;

using testing::TempDir;

constexpr std::string_view kMinimal = R"(name = "minimal"
start = 2025-01-01
end = "2025-12-31"

[season]
tet = 2025-01-29

[[area]]
name = "Ha Noi"
population = 8_500_000
centre = "NIHBT"

[[area]]
name = "Ba Dinh"
parent = "Ha Noi"
population = 250000

[[area]]
name = "Hoan Kiem"
parent = "Ha Noi"
population = 150000
engagement = 1.2

[[centre]]
name = "NIHBT"
area = "Ha Noi"

[[hospital]]
name = "Bach Mai"
area = "Ba Dinh"
centre = "NIHBT"
reorder_point_units = { red_cells = 200 }
order_up_to_units = { red_cells = 400 }

[[link]]
from = "NIHBT"
to = "Bach Mai"
travel_minutes = 25

[[session]]
name = "NIHBT fixed site"
area = "Ba Dinh"
weekdays = ["mon", "wed", "fri"]

[[session]]
name = "Red Sunday"
area = "Ha Noi"
date = 2025-01-12
capacity = 1000

[[campaign]]
name = "Summer Pink Journey"
start = 2025-06-01
end = 2025-08-31
areas = ["Ha Noi"]

[[campaign.session]]
name = "Pink Journey Hoan Kiem"
area = "Hoan Kiem"
date = 2025-07-05

[turnout]
volume_shares = [0.2, 0.7, 0.1]

[policy]
issue = "lifo"
)";

std::string prepended(std::string_view snippet) { return std::string(snippet) + std::string(kMinimal); }
std::string appended(std::string_view snippet) { return std::string(kMinimal) + std::string(snippet); }
std::string replaced(std::string_view from, std::string_view to) {
  std::string text(kMinimal);
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

struct Position {
  int line;
  int column;
};

// Removes every '@' from `text` and returns where each stood (1-based).
std::vector<Position> take_markers(std::string& text) {
  std::vector<Position> found;
  if (text.find('@') == std::string::npos) return found;
  Position at{1, 1};
  std::string clean;
  for (const char c : text) {
    if (c == '@') {
      found.push_back(at);
      continue;
    }
    clean += c;
    at = c == '\n' ? Position{at.line + 1, 1} : Position{at.line, at.column + 1};
  }
  text = std::move(clean);
  return found;
}

ScenarioError load_error(const fs::path& file) {
  try {
    load_scenario(file);
  } catch (const ScenarioError& error) {
    return error;
  }
  ADD_FAILURE() << file << " loaded without error";
  return ScenarioError({});
}

const ScenarioIssue* find_issue(const ScenarioError& error, std::string_view fragment) {
  const auto it = std::find_if(error.issues.begin(), error.issues.end(),
                               [&](const ScenarioIssue& i) { return i.message.find(fragment) != std::string::npos; });
  return it == error.issues.end() ? nullptr : &*it;
}

// ---------------------------------------------------------------------------
// Valid scenarios

TEST(ScenarioTomlLoad, MinimalScenarioHasValuesAndDefaults) {
  const LoadedScenario loaded = load_scenario_text(kMinimal, "minimal.toml");
  const blood::Scenario& s = loaded.scenario;
  EXPECT_EQ(s.name, "minimal");
  EXPECT_EQ(s.start, day_number({2025, 1, 1}));
  EXPECT_EQ(s.end, day_number({2025, 12, 31}));  // given as a string
  EXPECT_EQ(s.days(), 365);
  EXPECT_EQ(s.seed, 1u);
  EXPECT_DOUBLE_EQ(s.local_travel_minutes, 60);
  EXPECT_EQ(s.season.tet, day_number({2025, 1, 29}));
  EXPECT_EQ(s.season.tet_days_before, 10);

  ASSERT_EQ(s.areas.size(), 3u);
  EXPECT_EQ(s.areas[0].population, 8'500'000);
  EXPECT_EQ(s.areas[1].parent, "Ha Noi");
  EXPECT_EQ(s.areas[1].centre, "");  // inherited by the model
  EXPECT_DOUBLE_EQ(s.areas[1].eligible_share, 0.55);
  EXPECT_DOUBLE_EQ(s.areas[2].engagement, 1.2);

  ASSERT_EQ(s.centres.size(), 1u);
  EXPECT_EQ(s.centres[0].hub, "");
  EXPECT_DOUBLE_EQ(s.centres[0].order_up_to_days, 7);
  ASSERT_EQ(s.hospitals.size(), 1u);
  EXPECT_EQ(s.hospitals[0].reorder_point_units[0], 200);
  EXPECT_EQ(s.hospitals[0].order_up_to_units[0], 400);
  EXPECT_EQ(s.hospitals[0].order_up_to_units[1], 0);
  ASSERT_EQ(s.links.size(), 1u);
  EXPECT_DOUBLE_EQ(s.links[0].travel_minutes, 25);

  ASSERT_EQ(s.sessions.size(), 2u);
  const blood::SessionSpec& fixed = s.sessions[0];
  EXPECT_EQ(fixed.weekdays, (std::array<bool, 7>{true, false, true, false, true, false, false}));
  EXPECT_EQ(fixed.from, s.start);  // recurring period defaults to the scenario
  EXPECT_EQ(fixed.to, s.end);
  EXPECT_EQ(fixed.capacity, 250);
  EXPECT_EQ(s.sessions[1].area, "Ha Noi");  // a non-leaf area stays for the model to expand
  EXPECT_EQ(s.sessions[1].date, day_number({2025, 1, 12}));
  EXPECT_EQ(s.sessions[1].capacity, 1000);

  ASSERT_EQ(s.campaigns.size(), 1u);
  const blood::CampaignSpec& campaign = s.campaigns[0];
  EXPECT_EQ(campaign.areas, std::vector<std::string>{"Ha Noi"});
  EXPECT_DOUBLE_EQ(campaign.turnout_factor, 1.2);
  ASSERT_EQ(campaign.sessions.size(), 1u);
  EXPECT_EQ(campaign.sessions[0].campaign, "Summer Pink Journey");
  EXPECT_EQ(campaign.sessions[0].date, day_number({2025, 7, 5}));

  EXPECT_EQ(s.turnout.volume_shares, (std::array<double, 3>{0.2, 0.7, 0.1}));
  EXPECT_DOUBLE_EQ(s.turnout.group_shares[blood::index(blood::BloodGroup::OPos)], 0.4196);
  EXPECT_DOUBLE_EQ(s.turnout.group_shares[blood::index(blood::BloodGroup::ABNeg)], 0.0001);
  EXPECT_EQ(s.demand.group_shares, s.turnout.group_shares);
  EXPECT_EQ(s.processing.shelf_life_days, (std::array<int, 3>{42, 5, 365}));
  EXPECT_EQ(s.policy.issue, blood::IssuePolicy::Lifo);
  EXPECT_TRUE(s.appeals.enabled);

  EXPECT_EQ(loaded.files, std::vector<std::string>{"minimal.toml"});
  EXPECT_EQ(loaded.sha256.size(), 64u);
  EXPECT_NE(loaded.resolved_toml.find("Summer Pink Journey"), std::string::npos);
}

// Segments: OR within an axis, AND across; names folded like area names; a
// campaign's sessions reach the campaign's segments unless they name their own.
TEST(ScenarioTomlLoad, SegmentsReachCampaignsAndSessions) {
  std::string text = replaced("areas = [\"Ha Noi\"]", "areas = [\"Ha Noi\"]\nsegments = [\"Students\", \"first_time\"]");
  text += "\n[[campaign.session]]\nname = \"Open day\"\narea = \"Ba Dinh\"\ndate = 2025-07-06\nsegments = []\n";
  text += "\n[[session]]\nname = \"Factory\"\narea = \"Ba Dinh\"\ndate = 2025-03-03\n"
          "segments = [\"workers\", \"repeat\", \"regular\"]\n";
  const blood::Scenario s = load_scenario_text(text, "segments.toml").scenario;
  using blood::DonorKind;
  const blood::DonorSegments& campaign = s.campaigns[0].segments;
  EXPECT_TRUE(campaign.contains(true, DonorKind::FirstTime));
  EXPECT_FALSE(campaign.contains(false, DonorKind::FirstTime));  // a worker
  EXPECT_FALSE(campaign.contains(true, DonorKind::Regular));     // a regular
  ASSERT_EQ(s.campaigns[0].sessions.size(), 2u);
  EXPECT_EQ(s.campaigns[0].sessions[0].segments, campaign);      // inherited
  EXPECT_TRUE(s.campaigns[0].sessions[1].segments.everyone());   // its own: []
  const blood::DonorSegments& factory = s.sessions.back().segments;
  EXPECT_TRUE(factory.contains(false, DonorKind::Repeat));
  EXPECT_TRUE(factory.contains(false, DonorKind::Regular));
  EXPECT_FALSE(factory.contains(false, DonorKind::FirstTime));
  EXPECT_FALSE(factory.contains(true, DonorKind::Regular));
  EXPECT_TRUE(s.sessions[0].segments.everyone());  // no key: everyone, as before
}

TEST(ScenarioTomlLoad, ResolvedTomlReloadsToTheSameDigest) {
  const LoadedScenario first = load_scenario_text(kMinimal, "minimal.toml");
  const LoadedScenario again = load_scenario_text(first.resolved_toml, "resolved.toml");
  EXPECT_EQ(again.sha256, first.sha256);
  EXPECT_EQ(again.scenario.end, first.scenario.end);
  EXPECT_EQ(again.scenario.campaigns[0].sessions.size(), 1u);
}

TEST(ScenarioTomlLoad, DemandGroupSharesCanDifferFromDonors) {
  const LoadedScenario loaded =
      load_scenario_text(appended("[demand]\ngroup_shares = { \"O+\" = 0.5, \"A+\" = 0.5 }\n[demand.platelets]\n"
                                  "distribution = \"gamma\"\ndispersion = 2\n"),
                         "demand.toml");
  EXPECT_DOUBLE_EQ(loaded.scenario.demand.group_shares[blood::index(blood::BloodGroup::APos)], 0.5);
  EXPECT_DOUBLE_EQ(loaded.scenario.demand.group_shares[blood::index(blood::BloodGroup::BPos)], 0);
  EXPECT_DOUBLE_EQ(loaded.scenario.turnout.group_shares[blood::index(blood::BloodGroup::BPos)], 0.2997);
  const auto& platelets = loaded.scenario.demand.products[blood::index(blood::Product::Platelets)];
  EXPECT_EQ(platelets.distribution, blood::DemandDistribution::Gamma);
  EXPECT_DOUBLE_EQ(platelets.dispersion, 2);
}

TEST(ScenarioTomlLoad, SupplyKeysReachTheSpecs) {
  std::string text = replaced("area = \"Ha Noi\"\n\n[[hospital]]",
                              "area = \"Ha Noi\"\nsurplus_days = 21\nbag_stock = 5000\nbag_reorder_point = 1000\n"
                              "bag_order_quantity = 4000\nbag_procurement_delay_days = 45\n\n[[hospital]]");
  text.replace(text.find("order_up_to_units"), 0, "standing_order_units = { platelets = 6 }\n");
  text += "[demand.plasma]\nfixed_per_day = 3.5\ndistribution = \"deterministic\"\n";
  const blood::Scenario s = load_scenario_text(text, "supply.toml").scenario;
  EXPECT_DOUBLE_EQ(s.centres[0].surplus_days, 21);
  EXPECT_EQ(s.centres[0].bag_stock, 5000);
  EXPECT_EQ(s.centres[0].bag_reorder_point, 1000);
  EXPECT_EQ(s.centres[0].bag_order_quantity, 4000);
  EXPECT_EQ(s.centres[0].bag_procurement_delay_days, 45);
  EXPECT_EQ(s.hospitals[0].standing_order_units[blood::index(blood::Product::Platelets)], 6);
  EXPECT_EQ(s.hospitals[0].order_up_to_units[0], 400);
  EXPECT_EQ(s.hospitals[0].external_lead_time_days, 1);
  const auto& plasma = s.demand.products[blood::index(blood::Product::Plasma)];
  EXPECT_EQ(plasma.distribution, blood::DemandDistribution::Deterministic);
  EXPECT_DOUBLE_EQ(plasma.fixed_per_day, 3.5);
}

TEST(ScenarioTomlLoad, PolicyCostAndWarmUpKeysReachTheSpecs) {
  std::string text = replaced("area = \"Ha Noi\"\n\n[[hospital]]",
                              "area = \"Ha Noi\"\ncost_per_unit_day_held = 0.2\n\n[[hospital]]");
  text.replace(text.find("order_up_to_units"), 0,
               "order_policy = \"waste-conscious\"\nreview = \"morning\"\ncost_per_unit_ordered = 3\n"
               "cost_per_unit_day_held = 1\ncost_per_unit_short = 5\ncost_per_unit_outdated = 7\n"
               "revenue_per_unit_issued = 1.5\n");
  text.replace(text.find("start ="), 0, "warm_up_days = 30\n");
  const blood::Scenario s = load_scenario_text(text, "policy.toml").scenario;
  EXPECT_EQ(s.warm_up_days, 30);
  EXPECT_DOUBLE_EQ(s.centres[0].costs.per_unit_day_held, 0.2);
  const blood::HospitalSpec& h = s.hospitals[0];
  EXPECT_EQ(h.order_policy, blood::OrderPolicy::WasteConscious);
  EXPECT_EQ(h.review, blood::ReviewTime::Morning);
  EXPECT_DOUBLE_EQ(h.costs.per_unit_ordered, 3);
  EXPECT_DOUBLE_EQ(h.costs.per_unit_day_held, 1);
  EXPECT_DOUBLE_EQ(h.costs.per_unit_short, 5);
  EXPECT_DOUBLE_EQ(h.costs.per_unit_outdated, 7);
  EXPECT_DOUBLE_EQ(h.costs.revenue_per_unit_issued, 1.5);
}

TEST(ScenarioTomlLoad, CollectionKeysReachTheSpecs) {
  std::string text = replaced("area = \"Ha Noi\"\n\n[[hospital]]",
                              "area = \"Ha Noi\"\nstorage_red_cell_units = 9000\n\n[[hospital]]");
  text += "[collection]\nintake_cap_days = 10\npush_below_days = 4.5\npush_invitation_factor = 1.5\n";
  const blood::Scenario s = load_scenario_text(text, "collection.toml").scenario;
  EXPECT_EQ(s.centres[0].storage_red_cell_units, 9000);
  EXPECT_DOUBLE_EQ(s.collection.intake_cap_days, 10);
  EXPECT_DOUBLE_EQ(s.collection.push_below_days, 4.5);
  EXPECT_DOUBLE_EQ(s.collection.push_invitation_factor, 1.5);
  // Off unless asked for.
  const blood::Scenario plain = load_scenario_text(std::string(kMinimal), "plain.toml").scenario;
  EXPECT_EQ(plain.centres[0].storage_red_cell_units, -1);
  EXPECT_DOUBLE_EQ(plain.collection.intake_cap_days, 0);
  EXPECT_DOUBLE_EQ(plain.collection.push_below_days, 0);
}

TEST(ScenarioTomlLoad, FormatIssueMatchesTheDocumentedShape) {
  EXPECT_EQ(format_issue({"a.toml", 3, 7, "area[1].population", "expected an integer"}),
            "a.toml:3:7: area[1].population: expected an integer");
  EXPECT_EQ(format_issue({"a.toml", 1, 1, "", "not UTF-8 text"}), "a.toml:1:1: not UTF-8 text");
}

// ---------------------------------------------------------------------------
// Overlays

class ScenarioTomlOverlay : public ::testing::Test {
 protected:
  void SetUp() override { base_ = dir_.write("base.toml", std::string(kMinimal)); }

  TempDir dir_;
  fs::path base_;
};

TEST_F(ScenarioTomlOverlay, OverridesOnlyTheGivenKeys) {
  const auto file = dir_.write("hot.toml", R"(extends = "base.toml"
name = "hot summer"
seed = 7

[[area]]
name = "Ba Dinh"
population = 300000

[turnout]
min_interval_days = 90

[season]
student_presence_by_month = [1, 1, 1, 1, 1, 0.3, 0.2, 0.3, 1, 1, 1, 1]
)");
  const LoadedScenario loaded = load_scenario(file);
  const blood::Scenario& s = loaded.scenario;
  EXPECT_EQ(s.name, "hot summer");
  EXPECT_EQ(s.seed, 7u);
  ASSERT_EQ(s.areas.size(), 3u);
  EXPECT_EQ(s.areas[1].population, 300000);
  EXPECT_EQ(s.areas[1].parent, "Ha Noi");  // kept from the base
  EXPECT_EQ(s.turnout.min_interval_days, 90);
  EXPECT_EQ(s.turnout.volume_shares, (std::array<double, 3>{0.2, 0.7, 0.1}));  // tables merge key by key
  EXPECT_DOUBLE_EQ(s.season.student_presence_by_month[6], 0.2);
  EXPECT_EQ(s.season.tet, day_number({2025, 1, 29}));
  EXPECT_EQ(loaded.files, (std::vector<std::string>{file.string(), base_.string()}));
  EXPECT_EQ(loaded.resolved_toml.find("extends"), std::string::npos);
}

TEST_F(ScenarioTomlOverlay, AppendsRemovesAndReplacesArrays) {
  const auto file = dir_.write("more.toml", R"(extends = "base.toml"

[[area]]
name = "Tay Ho"
parent = "Ha Noi"
population = 160000

[[session]]
name = "Red Sunday"
remove = true

[[session]]
name = "Tay Ho drive"
area = "Tay Ho"
date = 2025-03-02

[[hospital]]
name = "Viet Duc"
area = "Ba Dinh"
centre = "NIHBT"

[[link]]
from = "NIHBT"
to = "Viet Duc"
travel_minutes = 15

[[campaign]]
name = "Summer Pink Journey"
turnout_factor = 1.4

[[campaign.session]]
name = "Pink Journey Hoan Kiem"
capacity = 400
)");
  const blood::Scenario s = load_scenario(file).scenario;
  ASSERT_EQ(s.areas.size(), 4u);
  EXPECT_EQ(s.areas[3].name, "Tay Ho");
  ASSERT_EQ(s.sessions.size(), 2u);
  EXPECT_EQ(s.sessions[0].name, "NIHBT fixed site");
  EXPECT_EQ(s.sessions[1].name, "Tay Ho drive");
  EXPECT_EQ(s.hospitals.size(), 2u);
  ASSERT_EQ(s.links.size(), 1u);  // links are not named: the overlay's replace the base's
  EXPECT_EQ(s.links[0].to, "Viet Duc");
  ASSERT_EQ(s.campaigns.size(), 1u);
  EXPECT_DOUBLE_EQ(s.campaigns[0].turnout_factor, 1.4);
  EXPECT_EQ(s.campaigns[0].start, day_number({2025, 6, 1}));
  ASSERT_EQ(s.campaigns[0].sessions.size(), 1u);  // campaign sessions merge by name too
  EXPECT_EQ(s.campaigns[0].sessions[0].capacity, 400);
  EXPECT_EQ(s.campaigns[0].sessions[0].date, day_number({2025, 7, 5}));
}

TEST_F(ScenarioTomlOverlay, NestedExtendsResolveRelativeToTheIncludingFile) {
  dir_.write("mid/mid.toml", "extends = \"../base.toml\"\nseed = 3\n[turnout]\nmin_interval_days = 100\n");
  const auto top = dir_.write("top/deep/top.toml", "extends = \"../../mid/mid.toml\"\nseed = 4\n");
  const LoadedScenario loaded = load_scenario(top);
  EXPECT_EQ(loaded.scenario.seed, 4u);
  EXPECT_EQ(loaded.scenario.turnout.min_interval_days, 100);
  EXPECT_EQ(loaded.scenario.name, "minimal");
  ASSERT_EQ(loaded.files.size(), 3u);
  EXPECT_EQ(loaded.files[1], (dir_.path() / "mid/mid.toml").string());
  EXPECT_EQ(loaded.files[2], base_.string());
}

TEST_F(ScenarioTomlOverlay, TextApiResolvesExtendsAgainstTheLabel) {
  const std::string label = (dir_.path() / "virtual.toml").string();
  const LoadedScenario loaded = load_scenario_text("extends = \"base.toml\"\nseed = 11\n", label);
  EXPECT_EQ(loaded.scenario.seed, 11u);
  EXPECT_EQ(loaded.scenario.areas.size(), 3u);
  EXPECT_EQ(loaded.files, (std::vector<std::string>{label, base_.string()}));
}

TEST_F(ScenarioTomlOverlay, CyclesAreErrors) {
  dir_.write("a.toml", "extends = \"b.toml\"\n");
  const auto b = dir_.write("b.toml", "seed = 2\nextends = \"a.toml\"\n");
  const ScenarioError error = load_error(dir_.path() / "a.toml");
  const ScenarioIssue* issue = find_issue(error, "extends cycle: a.toml -> b.toml -> a.toml");
  ASSERT_NE(issue, nullptr) << error.what();
  EXPECT_EQ(issue->file, b.string());
  EXPECT_EQ(issue->line, 2);
  EXPECT_EQ(issue->column, 11);

  dir_.write("self.toml", "extends = \"self.toml\"\n");
  EXPECT_NE(find_issue(load_error(dir_.path() / "self.toml"), "extends cycle"), nullptr);
}

TEST_F(ScenarioTomlOverlay, MissingBaseIsReportedAtTheExtendsKey) {
  const auto file = dir_.write("lost.toml", "name = \"x\"\nextends = \"nowhere.toml\"\n");
  const ScenarioError error = load_error(file);
  ASSERT_EQ(error.issues.size(), 1u) << error.what();
  EXPECT_NE(std::string(error.what()).find(file.string() + ":2:11: extends: cannot read"), std::string::npos)
      << error.what();
}

TEST_F(ScenarioTomlOverlay, ErrorsPointIntoTheFileThatHoldsTheKey) {
  const auto file = dir_.write("bad.toml", R"(extends = "base.toml"

[[area]]
name = "Ba Dinh"
population = -5

[[session]]
name = "Ghost"
remove = true
)");
  const ScenarioError error = load_error(file);
  const std::string what = error.what();
  EXPECT_NE(what.find(file.string() + ":5:14: area[1].population: expected an integer >= 0, got -5"), std::string::npos)
      << what;
  EXPECT_NE(what.find(file.string() + ":9:10: session[0].remove: no entry named 'Ghost'"), std::string::npos) << what;

  // A problem the overlay inherits is reported in the base.
  dir_.write("broken_base.toml", replaced("capacity = 1000", "capacity = -1"));
  const auto child = dir_.write("child.toml", "extends = \"broken_base.toml\"\nseed = 5\n");
  const ScenarioError inherited = load_error(child);
  const ScenarioIssue* issue = find_issue(inherited, "got -1");
  ASSERT_NE(issue, nullptr);
  EXPECT_EQ(issue->file, (dir_.path() / "broken_base.toml").string());
  EXPECT_EQ(issue->key_path, "session[1].capacity");
}

// ---------------------------------------------------------------------------
// Broken scenarios, one problem each

struct BrokenCase {
  std::string name;
  std::string toml;              // a '@' marks where the error must point; none: anywhere with a position
  std::string key_path;          // of the issue; "" for file-level problems
  std::string fragment;          // part of its message
  std::size_t filler_bytes = 0;  // comment lines appended when the file is written
};

std::string nested(std::string_view open, std::string_view middle, std::string_view close, int depth) {
  std::string text;
  for (int i = 0; i < depth; ++i) text += open;
  text += middle;
  for (int i = 0; i < depth; ++i) text += close;
  return text;
}

std::vector<BrokenCase> broken_cases() {
  const std::string area = "\n[[area]]\nname = \"Tay Ho\"\nparent = \"Ha Noi\"\n";
  const std::string session = "\n[[session]]\nname = \"Extra\"\narea = \"Ba Dinh\"\n";
  return {
      // Keys and types
      {"unknown_top_level_key", prepended("@colour = \"red\"\n"), "colour", "unknown key; allowed keys: name, extends"},
      {"unknown_nested_key", appended(area + "@popul4tion = 12\n"), "area[3].popul4tion",
       "allowed keys: name, parent, population"},
      {"missing_required_key", appended("\n@[[centre]]\nname = \"C2\"\n"), "centre[1].area",
       "required key is missing; expected a string"},
      {"remove_not_boolean", appended("\n[[session]]\nname = \"Other\"\nremove = @\"yes\"\n"), "session[2].remove",
       "expected a boolean (true deletes the entry), got a string"},
      {"wrong_type", prepended("seed = @\"seven\"\n"), "seed", "expected an integer, got a string"},
      {"wrong_type_table", prepended("appeals = @3\n"), "appeals", "expected a table, got an integer"},
      {"wrong_type_bool", appended("[appeals]\nenabled = @\"yes\"\n"), "appeals.enabled", "expected a boolean"},
      {"not_a_number", appended("[appeals]\nturnout_factor = @nan\n"), "appeals.turnout_factor",
       "expected a finite number"},
      {"bad_enum", replaced("issue = \"lifo\"", "issue = @\"random\""), "policy.issue",
       "expected one of \"fifo\", \"lifo\""},
      {"bad_weekday", replaced("\"wed\"", "@\"funday\""), "session[0].weekdays[1]",
       "expected an array of weekday names"},
      // Ranges and shares
      {"negative", appended(area + "population = @-5\n"), "area[3].population", "expected an integer >= 0, got -5"},
      {"zero_lead_time", replaced("order_up_to_units = {", "external_lead_time_days = @0\norder_up_to_units = {"),
       "hospital[0].external_lead_time_days", "expected an integer >= 1, got 0"},
      {"bad_order_policy", replaced("order_up_to_units = {", "order_policy = @\"clever\"\norder_up_to_units = {"),
       "hospital[0].order_policy", "expected one of \"reorder-point\", \"waste-conscious\""},
      {"bad_review", replaced("order_up_to_units = {", "review = @\"noon\"\norder_up_to_units = {"),
       "hospital[0].review", "expected one of \"evening\", \"morning\""},
      {"negative_cost", replaced("order_up_to_units = {", "cost_per_unit_short = @-1\norder_up_to_units = {"),
       "hospital[0].cost_per_unit_short", "expected a number >= 0"},
      {"zero_travel_time", replaced("travel_minutes = 25", "travel_minutes = @0"), "link[0].travel_minutes",
       "expected a number > 0"},
      {"share_out_of_range", appended(area + "eligible_share = @1.5\n"), "area[3].eligible_share",
       "expected a share in [0, 1], got 1.5"},
      {"volume_shares_sum", replaced("volume_shares = [0.2, 0.7, 0.1]", "volume_shares = @[0.2, 0.7, 0.2]"),
       "turnout.volume_shares", "sum to 1 (within 1e-6), they sum to 1.1"},
      {"kind_shares_sum", appended("[initial_pool]\nkind_shares = @[0.5, 0.5, 0.5]\n"), "initial_pool.kind_shares",
       "sum to 1"},
      {"group_shares_sum", appended("[demand]\ngroup_shares = @{ \"O+\" = 0.5, \"A+\" = 0.4 }\n"),
       "demand.group_shares", "they sum to 0.9"},
      {"unknown_group", appended("[demand]\ngroup_shares = { \"O+\" = 0.5, @\"Z+\" = 0.5 }\n"),
       "demand.group_shares.\"Z+\"", "unknown blood group; expected one of O+, O-"},
      {"unknown_product", replaced("{ red_cells = 400 }", "{ red_cells = 400, @blood = 1 }"),
       "hospital[0].order_up_to_units.blood", "unknown product"},
      {"months_length", appended("[demand]\nmonth_factors = @[1, 1, 1]\n"), "demand.month_factors",
       "expected an array of 12 numbers (one per month, Jan..Dec), got 3 elements"},
      {"weekdays_length", appended("[demand]\nweekday_factors = @[1, 1, 1, 1, 1, 1]\n"), "demand.weekday_factors",
       "expected an array of 7 numbers"},
      {"kinds_length", replaced("volume_shares = [0.2, 0.7, 0.1]", "response_probability = @[0.1, 0.2]"),
       "turnout.response_probability", "expected an array of 3 numbers (first_time, repeat, regular)"},
      // Huge numbers
      {"huge_population", appended(area + "population = @3_000_000_000\n"), "area[3].population",
       "expected an integer <= 2000000000 (the limit for this key), got 3000000000"},
      {"huge_capacity", replaced("capacity = 1000", "capacity = @20_000_000"), "session[1].capacity", "<= 10000000"},
      {"huge_days", appended("[processing]\ntesting_delay_days = @40000\n"), "processing.testing_delay_days",
       "<= 36500"},
      {"huge_period", replaced("end = \"2025-12-31\"", "end = @2200-01-01"), "end", "the limit is 36500 days"},
      {"integer_overflow", prepended("seed = 99999999999999999999\n"), "", "not representable in 64 bits"},
      // References
      {"unknown_parent", appended("\n[[area]]\nname = \"Tay Ho\"\nparent = @\"Atlantis\"\n"), "area[3].parent",
       "unknown area 'Atlantis'; expected the name of an [[area]]"},
      {"unknown_area_centre", appended("\n[[area]]\nname = \"Lost\"\ncentre = @\"Nowhere\"\n"), "area[3].centre",
       "unknown centre 'Nowhere'"},
      {"unknown_centre_area", appended("\n[[centre]]\nname = \"C2\"\narea = @\"Mars\"\n"), "centre[1].area",
       "unknown area 'Mars'"},
      {"unknown_hub", appended("\n[[centre]]\nname = \"C2\"\narea = \"Ha Noi\"\nhub = @\"Ghost\"\n"), "centre[1].hub",
       "unknown centre 'Ghost'"},
      {"hub_is_hospital", appended("\n[[centre]]\nname = \"C2\"\narea = \"Ha Noi\"\nhub = @\"Bach Mai\"\n"),
       "centre[1].hub", "'Bach Mai' is a hospital"},
      {"hub_not_a_hub",
       appended("\n[[centre]]\nname = \"C2\"\narea = \"Ha Noi\"\nhub = \"NIHBT\"\n"
                "\n[[centre]]\nname = \"C3\"\narea = \"Ha Noi\"\nhub = @\"C2\"\n"),
       "centre[2].hub", "'C2' is not a hub (it is supplied by 'NIHBT')"},
      {"unknown_hospital_area", replaced("area = \"Ba Dinh\"\ncentre", "area = @\"Da Lat\"\ncentre"),
       "hospital[0].area", "unknown area 'Da Lat'"},
      {"unknown_hospital_centre", replaced("centre = \"NIHBT\"\nreorder", "centre = @\"Cho Ray\"\nreorder"),
       "hospital[0].centre", "unknown centre 'Cho Ray'"},
      {"unknown_link_end", replaced("to = \"Bach Mai\"", "to = @\"Hue Central\""), "link[0].to",
       "unknown site 'Hue Central'"},
      {"link_to_itself", replaced("to = \"Bach Mai\"", "to = @\"NIHBT\""), "link[0].to", "two different sites"},
      {"unknown_session_area", replaced("area = \"Ha Noi\"\ndate", "area = @\"Sa Pa\"\ndate"), "session[1].area",
       "unknown area 'Sa Pa'"},
      {"unknown_campaign_area", replaced("areas = [\"Ha Noi\"]", "areas = [@\"Hanoi\"]"), "campaign[0].areas[0]",
       "unknown area 'Hanoi'"},
      {"did_you_mean_area", replaced("areas = [\"Ha Noi\"]", "areas = [@\"hà nội\"]"), "campaign[0].areas[0]",
       "unknown area 'hà nội'; expected the name of an [[area]]; did you mean 'Ha Noi'?"},
      {"did_you_mean_centre", replaced("centre = \"NIHBT\"\nreorder", "centre = @\"NIHTB\"\nreorder"),
       "hospital[0].centre", "did you mean 'NIHBT'?"},
      {"campaign_session_outside_areas",
       appended("\n[[campaign]]\nname = \"Ba Dinh week\"\nstart = 2025-03-01\nend = 2025-03-07\nareas = [\"Ba Dinh\"]\n"
                "\n[[campaign.session]]\nname = \"Wrong place\"\narea = @\"Hoan Kiem\"\ndate = 2025-03-02\n"),
       "campaign[1].session[0].area", "area 'Hoan Kiem' is outside the campaign's areas (Ba Dinh)"},
      {"unknown_segment",
       replaced("areas = [\"Ha Noi\"]", "areas = [\"Ha Noi\"]\nsegments = [\"students\", @\"studnets\"]"),
       "campaign[0].segments[1]",
       "unknown segment 'studnets'; expected one of students, workers, first-time, repeat, regular; did you mean "
       "'students'?"},
      {"unknown_session_segment", appended(session + "date = 2025-02-01\nsegments = [@\"retired\"]\n"),
       "session[2].segments[0]", "unknown segment 'retired'; expected one of students, workers"},
      {"segments_not_an_array", appended(session + "date = 2025-02-01\nsegments = @\"students\"\n"),
       "session[2].segments", "expected an array of segment names"},
      // Names and hierarchy
      {"duplicate_area", appended("\n[[area]]\nname = @\"Ba Dinh\"\nparent = \"Ha Noi\"\n"), "area[3].name",
       "duplicate name 'Ba Dinh' in this file"},
      {"duplicate_site", appended("\n[[hospital]]\nname = @\"NIHBT\"\narea = \"Ha Noi\"\ncentre = \"NIHBT\"\n"),
       "hospital[1].name", "duplicate centre/hospital name 'NIHBT'"},
      {"reserved_name", appended("\n[[centre]]\nname = @\"external\"\narea = \"Ha Noi\"\n"), "centre[1].name",
       "reserved"},
      {"parent_cycle",
       appended(
           "\n[[area]]\nname = \"P\"\nparent = \"Q\"\ncentre = \"NIHBT\"\n\n[[area]]\nname = \"Q\"\nparent = @\"P\"\n"),
       "area[4].parent", "parent cycle: 'P' -> 'Q' -> 'P'"},
      {"leaf_without_centre", appended("\n@[[area]]\nname = \"Orphan\"\npopulation = 10\n"), "area[3].centre",
       "leaf area 'Orphan' reaches no centre"},
      // Dates and the period
      {"end_before_start", replaced("end = \"2025-12-31\"", "end = @2024-12-31"), "end",
       "expected end >= start (2025-01-01)"},
      {"date_before_start", replaced("date = 2025-01-12", "date = @2024-12-31"), "session[1].date",
       "'2024-12-31' is outside the simulated period (2025-01-01 .. 2025-12-31)"},
      {"date_after_end", replaced("date = 2025-01-12", "date = @2026-01-01"), "session[1].date",
       "is outside the simulated period"},
      {"recurring_from_outside", appended(session + "weekdays = [\"sat\"]\nfrom = @2024-06-01\n"), "session[2].from",
       "is outside the simulated period"},
      {"recurring_to_before_from", appended(session + "weekdays = [\"sat\"]\nfrom = 2025-06-01\nto = @2025-05-01\n"),
       "session[2].to", "expected to >= from"},
      {"campaign_outside_period", replaced("end = 2025-08-31", "end = @2026-08-31"), "campaign[0].end",
       "is outside the simulated period"},
      {"campaign_session_outside_window", replaced("date = 2025-07-05", "date = @2025-09-05"),
       "campaign[0].session[0].date", "is outside campaign 'Summer Pink Journey' (2025-06-01 .. 2025-08-31)"},
      {"session_date_and_weekdays", appended(session + "date = 2025-02-01\nweekdays = @[\"sat\"]\n"),
       "session[2].weekdays", "either date (one drive) or weekdays (recurring), not both"},
      // Drives as queues: session resources and [drive_flow]
      {"resources_no_beds", appended(session + "date = 2025-02-01\nresources = { beds = @0 }\n"),
       "session[2].resources.beds", "expected an integer >= 1, got 0"},
      {"resources_bad_clock", appended(session + "date = 2025-02-01\nresources.opens = @\"7h30\"\n"),
       "session[2].resources.opens", "expected a time of day \"HH:MM\""},
      {"resources_closes_before_opens",
       appended(session + "date = 2025-02-01\nresources.opens = \"09:00\"\nresources.closes = @\"08:00\"\n"),
       "session[2].resources.closes", "expected closes after opens"},
      {"resources_profile_too_long",
       appended(session + "date = 2025-02-01\nresources.closes = \"09:00\"\nresources.arrival_profile = @[1, 1, 1]\n"),
       "session[2].resources.arrival_profile", "expected at most 2 hourly weights"},
      {"resources_profile_and_slots",
       appended(session + "date = 2025-02-01\nresources.arrival_profile = [1]\nresources.appointment_slot_minutes = @15\n"),
       "session[2].resources.appointment_slot_minutes", "either arrival_profile or appointment_slot_minutes"},
      {"drive_flow_bad_distribution", appended("[drive_flow]\nrest = { distribution = @\"normal\" }\n"),
       "drive_flow.rest.distribution", "expected one of \"fixed\", \"exponential\""},
      {"drive_flow_exponential_without_mean",
       appended("[drive_flow]\npatience = @{ distribution = \"exponential\", mean_minutes = 0 }\n"),
       "drive_flow.patience.mean_minutes", "expected mean_minutes > 0"},
      {"session_without_date", appended("\n@[[session]]\nname = \"Extra\"\narea = \"Ba Dinh\"\n"), "session[2].date",
       "expected date (one drive) or weekdays (recurring)"},
      {"from_with_date", appended(session + "date = 2025-02-01\nfrom = @2025-01-01\n"), "session[2].from",
       "from/to apply only to recurring sessions"},
      {"bad_date_string", replaced("end = \"2025-12-31\"", "end = @\"2025-02-30\""), "end",
       "'2025-02-30' (not a real date)"},
      {"bad_date_literal", replaced("date = 2025-01-12", "date = 2025-02-30"), "", "TOML syntax error"},
      {"date_time_not_date", replaced("date = 2025-01-12", "date = @2025-01-12T08:00:00"), "session[1].date",
       "expected a date (YYYY-MM-DD), got a date-time"},
      // Cross-field rules
      {"reorder_point_above_order_up_to", replaced("{ red_cells = 200 }", "@{ red_cells = 500 }"),
       "hospital[0].reorder_point_units.red_cells",
       "expected reorder_point_units (s = 500) <= order_up_to_units (S = 400)"},
      {"regular_before_repeat", replaced("[turnout]\n", "[turnout]\nregular_after_donations = @1\n"),
       "turnout.regular_after_donations", "expected regular_after_donations >= repeat_after_donations (2)"},
      {"push_not_below_cap", appended("[collection]\nintake_cap_days = 10\npush_below_days = @12\n"),
       "collection.push_below_days", "expected push_below_days < intake_cap_days (10), got 12"},
      {"negative_cap", appended("[collection]\nintake_cap_days = @-1\n"), "collection.intake_cap_days",
       "expected a number >= 0, got -1"},
      {"unknown_collection_key", appended("[collection]\n@cap_days = 10\n"), "collection.cap_days", "unknown key"},
      {"storage_below_minus_one", replaced("name = \"NIHBT\"\narea = \"Ha Noi\"\n",
                                           "name = \"NIHBT\"\narea = \"Ha Noi\"\nstorage_red_cell_units = @-2\n"),
       "centre[0].storage_red_cell_units", "expected an integer >= -1, got -2"},
      // Files
      {"missing_extends_file", prepended("extends = @\"no_such_base.toml\"\n"), "extends", "cannot read"},
      {"extends_itself", prepended("extends = @\"extends_itself.toml\"\n"), "extends",
       "extends cycle: extends_itself.toml -> extends_itself.toml"},
      {"empty_file", "@", "name", "required key is missing; expected a string"},
      {"syntax_error", prepended("name = \"unterminated\n"), "", "TOML syntax error"},
      {"binary_garbage", std::string("\x89PNG\r\n\x1a\n\xff\xd8\xff\x00\x01", 13), "",
       "not UTF-8 text (a binary file?): invalid byte 0x89"},
      {"nul_bytes", std::string("name = \"x\"\n\0\0\0", 14), "", "a NUL byte"},
      {"nested_arrays", prepended("deep = " + nested("[", "1", "]", 10'000) + "\n"), "",
       "exceeded maximum nested value depth"},
      {"nested_inline_tables", prepended("deep = " + nested("{ a = ", "1", " }", 10'000) + "\n"), "",
       "exceeded maximum nested value depth"},
      {"nested_tables", "[" + nested("a.", "a", "", 100'000) + "]\n", "", "key nested too deeply"},
      {"nested_dotted_keys", nested("a.", "a", "", 100'000) + " = 1\n", "", "key nested too deeply"},
      {"too_large_50_MB", std::string(kMinimal), "", "the limit is 16777216 bytes (16 MiB)", 50u << 20},
  };
}

TEST(ScenarioTomlBroken, EveryCaseFailsWithAPositionedMessage) {
  const TempDir dir;
  const std::vector<BrokenCase> cases = broken_cases();
  EXPECT_GE(cases.size(), 25u);
  for (BrokenCase c : cases) {
    SCOPED_TRACE(c.name);
    const std::vector<Position> marks = take_markers(c.toml);
    ASSERT_LE(marks.size(), 1u);
    const fs::path file = dir.write(c.name + ".toml", c.toml, c.filler_bytes);
    const ScenarioError error = load_error(file);
    const std::string what = error.what();
    const ScenarioIssue* issue = find_issue(error, c.fragment);
    ASSERT_NE(issue, nullptr) << "no issue says \"" << c.fragment << "\" in:\n" << what.substr(0, 2000);
    EXPECT_EQ(issue->file, file.string());
    EXPECT_EQ(issue->key_path, c.key_path) << issue->message;
    EXPECT_GE(issue->line, 1);
    EXPECT_GE(issue->column, 1);
    if (!marks.empty()) {
      EXPECT_EQ(issue->line, marks[0].line) << issue->message;
      EXPECT_EQ(issue->column, marks[0].column) << issue->message;
    }
    // what() lists the issue as FILE:LINE:COL: KEY.PATH: MESSAGE.
    const std::string prefix =
        file.string() + ":" + std::to_string(issue->line) + ":" + std::to_string(issue->column) + ": ";
    EXPECT_NE(what.find(prefix + (c.key_path.empty() ? "" : c.key_path + ": ") + issue->message), std::string::npos)
        << what;
  }
}

// The same broken files through the command line: `giotmau run FILE -o OUT`
// exits with 2, names file:line:col and the key on stderr, and creates no
// output file (nor a temporary one beside it).
TEST(ScenarioTomlBroken, TheCommandLineExitsWith2AndWritesNothing) {
  const TempDir dir;
  for (BrokenCase c : broken_cases()) {
    SCOPED_TRACE(c.name);
    take_markers(c.toml);
    const fs::path file = dir.write(c.name + ".toml", c.toml, c.filler_bytes);
    const fs::path out = dir.path() / (c.name + ".h5");
    const fs::path log = dir.path() / (c.name + ".log");
    const std::string command = std::string("'") + GIOTMAU_EXE + "' run '" + file.string() + "' -o '" +
                                out.string() + "' >'" + log.string() + "' 2>&1";
    const int status = std::system(command.c_str());
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 2);
    std::ifstream in(log);
    const std::string printed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string located = file.string() + ":";
    EXPECT_NE(printed.find(located), std::string::npos) << printed.substr(0, 500);
    if (!c.key_path.empty()) {
      EXPECT_NE(printed.find(": " + c.key_path + ": "), std::string::npos) << printed.substr(0, 500);
    }
    for (const auto& entry : fs::directory_iterator(dir.path())) {
      EXPECT_EQ(entry.path().extension() == ".h5" || entry.path().string().find(".h5.tmp") != std::string::npos, false)
          << entry.path();
    }
  }
}

TEST(ScenarioTomlBroken, AllIndependentProblemsAreReportedAtOnce) {
  std::string text = prepended("seed = @-1\nlocal_travel_minutes = @\"far\"\n") +
                     "\n[[area]]\nname = \"Tay Ho\"\nparent = \"Ha Noi\"\npopulation = @5e9\n@mystery = true\n"
                     "\n[[session]]\nname = \"Late\"\narea = \"Tay Ho\"\ndate = @2026-02-01\n"
                     "\n[processing]\nshelf_life_days = { platelets = @0 }\n";
  const std::vector<Position> marks = take_markers(text);
  const ScenarioError error = load_error(TempDir().write("many.toml", text));
  ASSERT_EQ(error.issues.size(), marks.size()) << error.what();
  for (std::size_t i = 0; i < marks.size(); ++i) {  // issues come sorted by position
    EXPECT_EQ(error.issues[i].line, marks[i].line) << format_issue(error.issues[i]);
    EXPECT_EQ(error.issues[i].column, marks[i].column) << format_issue(error.issues[i]);
  }
  const std::string what = error.what();  // one line per issue
  EXPECT_EQ(static_cast<std::size_t>(std::count(what.begin(), what.end(), '\n')) + 1, marks.size());
}

TEST(ScenarioTomlBroken, UnreadableFilesAreClearErrors) {
  const TempDir dir;
  const ScenarioError missing = load_error(dir.path() / "absent.toml");
  ASSERT_EQ(missing.issues.size(), 1u);
  EXPECT_NE(missing.issues[0].message.find("no such file"), std::string::npos);
  EXPECT_EQ(missing.issues[0].line, 1);

  const ScenarioError directory = load_error(dir.path());
  ASSERT_EQ(directory.issues.size(), 1u);
  EXPECT_NE(directory.issues[0].message.find("it is a directory"), std::string::npos);

  // Too large is refused from the text API too, before any parsing.
  const std::string big(kMaxScenarioFileBytes + 1, ' ');
  EXPECT_THROW(load_scenario_text(big, "big.toml"), ScenarioError);
}

}  // namespace
}  // namespace giotmau::io
