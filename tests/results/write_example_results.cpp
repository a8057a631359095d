// Writes an example results file: the three-province test scenario with a
// plan (session targets) and a campaign, so that the analysis scripts have
// something to shade and compare against.
//
//   write_example_results OUT.h5 [DAYS=60] [REPLICATIONS=2]
//
// Prints each measure's total over the whole file (all replications, days,
// areas, groups and products) as "measure: value" lines, for the Python test.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <numeric>
#include <span>
#include <sstream>
#include <string>

#include "io/sha256.hpp"
#include "results/hdf5_writer.hpp"
#include "support/small_scenarios.hpp"

namespace {

using namespace giotmau;
using blood::Scenario;

// Chủ Nhật Đỏ (Red Sunday) style: extra turnout and one extra drive per
// province; and Hành trình Đỏ (Red Journey) in summer when the run gets there.
Scenario example_scenario(int days) {
  Scenario s = giotmau::testing::three_provinces(days);
  s.sessions.front().target_units = days * 3 / 7 * 120;  // per series, split between the provinces
  blood::CampaignSpec red_sunday;
  red_sunday.name = "chu-nhat-do";
  red_sunday.start = giotmau::testing::date("2025-02-09");
  red_sunday.end = giotmau::testing::date("2025-02-23");
  red_sunday.turnout_factor = 1.3;
  blood::SessionSpec drive;
  drive.name = "chu-nhat-do-drive";
  drive.area = "north";  // one drive in every province
  drive.date = giotmau::testing::date("2025-02-16");
  drive.capacity = 150;
  drive.target_units = 300;
  drive.campaign = red_sunday.name;
  red_sunday.sessions = {drive};
  s.campaigns = {red_sunday};
  if (s.end >= giotmau::testing::date("2025-08-31")) {
    blood::CampaignSpec red_journey;
    red_journey.name = "hanh-trinh-do";
    red_journey.start = giotmau::testing::date("2025-06-15");
    red_journey.end = giotmau::testing::date("2025-08-31");
    red_journey.areas = {"hill-province"};
    red_journey.turnout_factor = 1.4;
    red_journey.recruitment_factor = 2.0;
    s.campaigns.push_back(red_journey);
  }
  return s;
}

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string date(blood::DayNumber day) { return blood::iso_date(day); }

// The scenario as TOML (docs/scenario-format.md), for the /scenario dataset:
// the keys the example sets, not every default.
std::string scenario_toml(const Scenario& s) {
  std::ostringstream t;
  t << "# Written by tests/results/write_example_results (the three-province test scenario).\n"
    << "name = " << quoted(s.name) << "\nstart = " << date(s.start) << "\nend = " << date(s.end)
    << "\nseed = " << s.seed << "\n\n[season]\ntet = " << date(s.season.tet)
    << "\ntet_days_before = " << s.season.tet_days_before << "\ntet_days_after = " << s.season.tet_days_after << "\n";
  for (const auto& a : s.areas) {
    t << "\n[[area]]\nname = " << quoted(a.name) << "\nparent = " << quoted(a.parent) << "\npopulation = " << a.population
      << "\ncentre = " << quoted(a.centre) << "\nengagement = " << a.engagement << "\n";
  }
  for (const auto& c : s.centres) {
    t << "\n[[centre]]\nname = " << quoted(c.name) << "\narea = " << quoted(c.area) << "\nhub = " << quoted(c.hub) << "\n";
  }
  for (const auto& h : s.hospitals) {
    t << "\n[[hospital]]\nname = " << quoted(h.name) << "\narea = " << quoted(h.area) << "\ncentre = " << quoted(h.centre)
      << "\n";
  }
  for (const auto& l : s.links) {
    t << "\n[[link]]\nfrom = " << quoted(l.from) << "\nto = " << quoted(l.to) << "\ntravel_minutes = " << l.travel_minutes
      << "\n";
  }
  for (const auto& x : s.sessions) {
    t << "\n[[session]]\nname = " << quoted(x.name) << "\narea = " << quoted(x.area) << "\nweekdays = [";
    const char* separator = "";
    for (std::size_t d = 0; d < 7; ++d) {
      if (!x.weekdays[d]) continue;
      t << separator << quoted(std::string(blood::kWeekdayNames[d]));
      separator = ", ";
    }
    t << "]\nfrom = " << date(x.from) << "\nto = " << date(x.to) << "\ncapacity_per_100k = " << x.capacity_per_100k
      << "\ntarget_units = " << x.target_units << "\n";
  }
  for (const auto& c : s.campaigns) {
    t << "\n[[campaign]]\nname = " << quoted(c.name) << "\nstart = " << date(c.start) << "\nend = " << date(c.end)
      << "\nareas = [";
    for (std::size_t i = 0; i < c.areas.size(); ++i) t << (i > 0 ? ", " : "") << quoted(c.areas[i]);
    t << "]\nturnout_factor = " << c.turnout_factor << "\nrecruitment_factor = " << c.recruitment_factor << "\n";
    for (const auto& x : c.sessions) {
      t << "\n[[campaign.session]]\nname = " << quoted(x.name) << "\narea = " << quoted(x.area) << "\ndate = " << date(x.date)
        << "\ncapacity = " << x.capacity << "\ntarget_units = " << x.target_units << "\n";
    }
  }
  return t.str();
}

std::int64_t sum(std::span<const std::int64_t> values, std::size_t from, std::size_t count) {
  return std::accumulate(values.begin() + static_cast<std::ptrdiff_t>(from),
                         values.begin() + static_cast<std::ptrdiff_t>(from + count), std::int64_t{0});
}

void print_totals(const std::vector<blood::RunResult>& runs) {
  std::int64_t collected = 0, stock = 0;
  std::array<std::int64_t, blood::kMeasureCount> totals{};
  for (const auto& r : runs) {
    collected += sum(r.measures.collected_cells(), 0, r.measures.collected_cells().size());
    stock += sum(r.initial_stock, 0, r.initial_stock.size());
    const std::size_t block = r.measures.cells().size() / blood::kMeasureCount;
    for (std::size_t m = 0; m < blood::kMeasureCount; ++m) totals[m] += sum(r.measures.cells(), m * block, block);
  }
  std::printf("collected: %lld\n", static_cast<long long>(collected));
  for (std::size_t m = 0; m < blood::kMeasureCount; ++m) {
    std::printf("%s: %lld\n", std::string(blood::kMeasureNames[m]).c_str(), static_cast<long long>(totals[m]));
  }
  std::printf("initial_stock: %lld\n", static_cast<long long>(stock));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 4) {
    std::fprintf(stderr, "usage: %s OUT.h5 [DAYS=60] [REPLICATIONS=2]\n", argv[0]);
    return 2;
  }
  const int days = argc > 2 ? std::atoi(argv[2]) : 60;
  const int replications = argc > 3 ? std::atoi(argv[3]) : 2;
  if (days < 1 || replications < 1) {
    std::fprintf(stderr, "DAYS and REPLICATIONS must be positive\n");
    return 2;
  }
  try {
    const Scenario scenario = example_scenario(days);
    const auto world = blood::build_world(scenario);
    std::vector<blood::RunResult> runs;
    for (int r = 0; r < replications; ++r) runs.push_back(blood::run(world, {.seed = scenario.seed + r, .threads = 1}));
    const std::string toml = scenario_toml(scenario);
    results::write_results(argv[1], runs,
                           {.giotmau_version = GIOTMAU_VERSION,
                            .git_commit = "example",
                            .scenario_sha256 = io::sha256_hex(toml),
                            .scenario_toml = toml,
                            .seed = scenario.seed},
                           false);
    print_totals(runs);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "write_example_results: %s\n", e.what());
    return 1;
  }
  return 0;
}
