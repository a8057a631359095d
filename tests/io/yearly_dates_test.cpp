// Yearly dates, moving a scenario to another year, and runs over several
// years (docs/scenario-format.md, "Dates" and "[trend]").
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "blood/kpi.hpp"
#include "blood/lunar_calendar.hpp"
#include "blood/run.hpp"
#include "io/scenario_toml.hpp"
#include "io/yearly_dates.hpp"

namespace giotmau::io {
namespace {

using blood::day_number;
using blood::DayNumber;

DayNumber on(int y, unsigned m, unsigned d) { return day_number({y, m, d}); }

// One district, one centre, one hospital; `period` and `entries` vary.
std::string scenario(const std::string& period, const std::string& entries) {
  return "name = \"yearly\"\n" + period + R"(
[[area]]
name = "district"
population = 1000
centre = "centre"
known_donor_share = 0.1
student_share = 0.0

[[centre]]
name = "centre"
area = "district"

[[hospital]]
name = "hospital"
area = "district"
centre = "centre"

[[link]]
from = "centre"
to = "hospital"
travel_minutes = 20
)" + entries;
}

const std::string kYear2025 = "start = 2025-01-01\nend = 2025-12-31\n";

TEST(DateForms, ParsesEveryForm) {
  std::string problem;
  auto f = parse_date_form("04-07", problem);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->kind, DateForm::Kind::MonthDay);
  EXPECT_EQ(f->month, 4u);
  EXPECT_EQ(f->day, 7u);
  f = parse_date_form("Tết + 10 days", problem);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->kind, DateForm::Kind::FromTet);
  EXPECT_EQ(f->days_from_tet, 10);
  f = parse_date_form("Tet - 1 day", problem);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->days_from_tet, -1);
  f = parse_date_form("Tết", problem);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->days_from_tet, 0);
  f = parse_date_form("2025-04-07", problem);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->kind, DateForm::Kind::Absolute);
  EXPECT_EQ(f->absolute, on(2025, 4, 7));
  for (const char* bad : {"02-29", "13-01", "04-31", "Tết + ten days", "Tết 10 days", "Tết + 400 days", "next Sunday"}) {
    EXPECT_FALSE(parse_date_form(bad, problem)) << bad;
    EXPECT_FALSE(problem.empty()) << bad;
  }
}

TEST(YearlyDates, ResolveInTheSimulatedYearWithTetComputed) {
  const auto loaded = load_scenario_text(scenario(kYear2025, R"(
[[session]]
name = "april"
area = "district"
date = "04-07"

[[campaign]]
name = "xuan-hong"
start = "Tết + 10 days"
end = "Tết + 18 days"
session = [{ name = "festival", area = "district", weekdays = ["sat"] }]
)"),
                                         "yearly.toml");
  const blood::Scenario& s = loaded.scenario;
  EXPECT_EQ(s.season.tet, on(2025, 1, 29));  // computed: no tet key
  ASSERT_EQ(s.sessions.size(), 1u);
  EXPECT_EQ(s.sessions[0].name, "april");
  EXPECT_EQ(s.sessions[0].date, on(2025, 4, 7));
  ASSERT_EQ(s.campaigns.size(), 1u);
  EXPECT_EQ(s.campaigns[0].start, on(2025, 2, 8));  // Lễ hội Xuân Hồng 2025: 8-16 February
  EXPECT_EQ(s.campaigns[0].end, on(2025, 2, 16));
  ASSERT_EQ(s.campaigns[0].sessions.size(), 1u);
  EXPECT_EQ(s.campaigns[0].sessions[0].from, on(2025, 2, 8));
}

TEST(YearlyDates, YearMovesThePeriodTheYearlyDatesAndTet) {
  const std::string text = scenario(kYear2025, R"(
[[session]]
name = "april"
area = "district"
date = "04-07"

[[campaign]]
name = "xuan-hong"
start = "Tết + 10 days"
end = "Tết + 18 days"
)");
  const auto moved = load_scenario_text(text, "yearly.toml", LoadOptions{2027});
  const blood::Scenario& s = moved.scenario;
  EXPECT_EQ(s.start, on(2027, 1, 1));
  EXPECT_EQ(s.end, on(2027, 12, 31));
  EXPECT_EQ(s.season.tet, on(2027, 2, 6));
  EXPECT_EQ(s.sessions[0].date, on(2027, 4, 7));
  EXPECT_EQ(s.campaigns[0].start, on(2027, 2, 16));
  EXPECT_EQ(s.campaigns[0].end, on(2027, 2, 24));
  // The `year` key does the same, and --year wins over it.
  const auto keyed = load_scenario_text("year = 2027\n" + text, "yearly.toml");
  EXPECT_EQ(keyed.sha256, moved.sha256);
  const auto overridden = load_scenario_text("year = 2030\n" + text, "yearly.toml", LoadOptions{2027});
  EXPECT_EQ(overridden.sha256, moved.sha256);
  // Moving to the scenario's own year changes nothing.
  EXPECT_EQ(load_scenario_text(text, "yearly.toml", LoadOptions{2025}).sha256,
            load_scenario_text(text, "yearly.toml").sha256);
}

TEST(YearlyDates, AbsoluteDatesOutsideTheMovedPeriodAreErrorsWithTheirPlace) {
  const std::string text = scenario(kYear2025 + "\n[season]\ntet = 2025-01-29\n", R"(
[[session]]
name = "one-off"
area = "district"
date = 2025-06-05
)");
  try {
    load_scenario_text(text, "fixed.toml", LoadOptions{2027});
    FAIL() << "expected errors";
  } catch (const ScenarioError& e) {
    const std::string all = e.what();
    EXPECT_NE(all.find("fixed.toml:6:7: season.tet: '2025-01-29' is not in the simulated years (2027..2027)"),
              std::string::npos)
        << all;
    EXPECT_NE(all.find("fixed.toml:32:8: session[0].date: '2025-06-05' is outside the simulated period "
                       "(2027-01-01 .. 2027-12-31)"),
              std::string::npos)
        << all;
  }
}

TEST(YearlyDates, BadFormsAndMixesAreReportedWhereWritten) {
  const std::string text = scenario(kYear2025, R"(
[[session]]
name = "bad"
area = "district"
date = "Tết + two days"

[[session]]
name = "mixed"
area = "district"
weekdays = ["sun"]
from = "12-01"
to = 2025-12-31
)");
  try {
    load_scenario_text(text, "bad.toml");
    FAIL() << "expected errors";
  } catch (const ScenarioError& e) {
    const std::string all = e.what();
    EXPECT_NE(all.find("bad.toml:29:8: session[0].date: expected Tết, Tết + N days or Tết - N days; got "
                       "'Tết + two days'"),
              std::string::npos)
        << all;
    EXPECT_NE(all.find("bad.toml:35:8: session[1].from: mixes yearly and absolute dates"), std::string::npos) << all;
    EXPECT_EQ(e.issues.size(), 2u) << all;  // each problem once, not again by the reader
  }
}

TEST(YearlyDates, TetKeyOverridesItsYear) {
  const auto loaded =
      load_scenario_text(scenario(kYear2025 + "[season]\ntet = 2025-01-30\n", ""), "override.toml");
  EXPECT_EQ(loaded.scenario.season.tet, on(2025, 1, 30));
  const auto& by_year = loaded.scenario.season.tet_by_year;
  ASSERT_EQ(by_year.size(), 3u);  // 2024, 2025, 2026
  EXPECT_EQ(loaded.scenario.season.tet_first_year, 2024);
  EXPECT_EQ(by_year[0], on(2024, 2, 10));
  EXPECT_EQ(by_year[1], on(2025, 1, 30));
  EXPECT_EQ(by_year[2], on(2026, 2, 17));
}

TEST(YearlyDates, SeveralYearsRepeatEveryYearlyEntryAndWrapAroundNewYear) {
  const auto loaded = load_scenario_text(scenario("start = 2025-01-01\nend = 2027-12-31\n", R"(
[[session]]
name = "april"
area = "district"
date = "04-07"

[[campaign]]
name = "red-sunday"
start = "12-01"
end = "03-31"
)"),
                                         "years.toml");
  const blood::Scenario& s = loaded.scenario;
  ASSERT_EQ(s.sessions.size(), 3u);
  EXPECT_EQ(s.sessions[0].name, "april");  // the first year keeps the name
  EXPECT_EQ(s.sessions[1].name, "april 2026");
  EXPECT_EQ(s.sessions[2].date, on(2027, 4, 7));
  // December to March: the 2024-25 season's part in 2025, then 2025-26, 2026-27, and December 2027.
  ASSERT_EQ(s.campaigns.size(), 4u);
  EXPECT_EQ(s.campaigns[0].name, "red-sunday 2024");
  EXPECT_EQ(s.campaigns[0].start, on(2025, 1, 1));
  EXPECT_EQ(s.campaigns[0].end, on(2025, 3, 31));
  EXPECT_EQ(s.campaigns[1].name, "red-sunday");
  EXPECT_EQ(s.campaigns[1].start, on(2025, 12, 1));
  EXPECT_EQ(s.campaigns[1].end, on(2026, 3, 31));
  EXPECT_EQ(s.campaigns[3].start, on(2027, 12, 1));
  EXPECT_EQ(s.campaigns[3].end, on(2027, 12, 31));
  EXPECT_EQ(s.season.tet_by_year.size(), 5u);  // 2024..2028
}

// Everyone responds and nobody is deferred or lapses: a donor gives at every
// session he is eligible for, so the days collections happen on show the
// 12-week interval. One drive every 20 December, sessions every day from
// 21 December 2025 to 31 March 2026.
const std::string kEveryoneGives = R"(
[season]
tet_student_presence = 1.0
tet_worker_presence = 1.0
student_presence_by_month = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]

[turnout]
response_probability = [1.0, 1.0, 1.0]
lapse_days = [0, 0, 0]
deferral_probability = [0.0, 0.0, 0.0]
min_interval_days = 84

[[session]]
name = "winter drive"
area = "district"
date = "12-20"
capacity = 1000
invitations_per_capacity = 10
walk_in_per_capacity = 0

[[session]]
name = "daily"
area = "district"
weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
from = 2025-12-21
to = 2026-03-31
capacity = 1000
invitations_per_capacity = 10
walk_in_per_capacity = 0
)";

std::int64_t collected_between(const blood::RunResult& r, DayNumber first, DayNumber last) {
  std::int64_t sum = 0;
  for (DayNumber d = first; d <= last; ++d) {
    for (int a = 0; a < r.measures.areas(); ++a) {
      for (std::size_t g = 0; g < blood::kGroupCount; ++g) {
        sum += r.measures.collected(d - r.world->first_day, a, blood::group_at(g));
      }
    }
  }
  return sum;
}

TEST(SeveralYears, DonorsCarryOverTheTwelveWeekInterval) {
  const auto loaded =
      load_scenario_text(scenario("start = 2025-01-01\nend = 2027-12-31\n", kEveryoneGives), "donors.toml");
  const auto world = blood::build_world(loaded.scenario);
  const blood::RunResult r = blood::run(world, blood::RunOptions{7, 1});
  EXPECT_TRUE(blood::check_conservation(r).empty());
  const std::int64_t december = collected_between(r, on(2025, 12, 20), on(2025, 12, 20));
  EXPECT_EQ(december, 100);  // the 100 known donors (1000 people x 0.1), all eligible by then
  // 20 December + 84 days = 14 March: nobody can give again before it.
  EXPECT_EQ(collected_between(r, on(2025, 12, 21), on(2026, 3, 13)), 0);
  EXPECT_EQ(collected_between(r, on(2026, 3, 14), on(2026, 3, 14)), december);
  // The 2026 drive (a yearly date, repeated) finds them again, eligible since June.
  EXPECT_EQ(collected_between(r, on(2026, 12, 20), on(2026, 12, 20)), december);

  // Reported per year, the years adding up to the whole run.
  const auto years = blood::simulated_years(*world);
  ASSERT_EQ(years.size(), 3u);
  EXPECT_EQ(years[1].year, 2026);
  EXPECT_EQ(years[1].first, on(2026, 1, 1));
  std::int64_t collected = 0, requested = 0;
  for (const auto& y : years) {
    const blood::Kpis k = blood::compute_kpis(r, -1, y.first, y.last);
    collected += k.collected;
    requested += k.requested;
  }
  const blood::Kpis total = blood::compute_kpis(r);
  EXPECT_EQ(collected, total.collected);
  EXPECT_EQ(requested, total.requested);
  EXPECT_EQ(blood::compute_kpis(r, -1, years[0].first, years[0].last).collected_by_month[11], december);
}

TEST(SeveralYears, TheFirstYearIsTheRunOfThatYearAlone) {
  const std::string entries = R"(
[[session]]
name = "april"
area = "district"
date = "04-07"

[[session]]
name = "series"
area = "district"
weekdays = ["sat"]
from = "01-01"
to = "12-31"

[demand]
red_cells = { per_1000_population_per_year = 3000 }

[trend]
population_growth_per_year = 0.01
demand_growth_per_year = 0.03
plan_growth_per_year = 0.05
)";
  const auto one = load_scenario_text(scenario(kYear2025, entries), "one.toml");
  const auto three = load_scenario_text(scenario("start = 2025-01-01\nend = 2027-12-31\n", entries), "three.toml");
  const auto r1 = blood::run(blood::build_world(one.scenario), blood::RunOptions{11, 1});
  const auto r3 = blood::run(blood::build_world(three.scenario), blood::RunOptions{11, 1});
  const DayNumber first = on(2025, 1, 1), last = on(2025, 12, 31);
  const blood::Kpis a = blood::compute_kpis(r1, -1, first, last), b = blood::compute_kpis(r3, -1, first, last);
  EXPECT_EQ(a.collected, b.collected);
  EXPECT_EQ(a.requested, b.requested);
  EXPECT_EQ(a.issued, b.issued);
  EXPECT_EQ(a.target, b.target);
  // Later years grow: demand by 1.01 x 1.03 a year, the plan's targets by 1.05.
  const auto years = blood::simulated_years(*r3.world);
  const blood::Kpis y2027 = blood::compute_kpis(r3, -1, years[2].first, years[2].last);
  EXPECT_NEAR(static_cast<double>(y2027.target), static_cast<double>(a.target) * 1.05 * 1.05,
              0.02 * static_cast<double>(a.target));
  EXPECT_GT(y2027.requested, a.requested);
}

TEST(SeveralYears, TrendsGrowFromTheBaseYearWhenTheScenarioMoves) {
  const std::string text = scenario(kYear2025, R"(
[[session]]
name = "april"
area = "district"
date = "04-07"
capacity = 100
target_units = 1000

[trend]
plan_growth_per_year = 0.1
)");
  const auto here = load_scenario_text(text, "trend.toml");
  const auto moved = load_scenario_text(text, "trend.toml", LoadOptions{2027});
  EXPECT_EQ(moved.scenario.trend.base_year, 2025);  // the scenario's own year, written into the document
  EXPECT_NE(moved.resolved_toml.find("base_year = 2025"), std::string::npos);
  const auto r = blood::run(blood::build_world(here.scenario), blood::RunOptions{3, 1});
  const auto m = blood::run(blood::build_world(moved.scenario), blood::RunOptions{3, 1});
  EXPECT_EQ(blood::compute_kpis(r).target, 1000);
  EXPECT_EQ(blood::compute_kpis(m).target, 1210);  // two years of +10%
  std::vector<std::int64_t> capacities;
  for (const auto& list : m.world->sessions_by_lp) {
    for (const auto& session : list) capacities.push_back(session.capacity);
  }
  EXPECT_EQ(capacities, std::vector<std::int64_t>{121});
}

}  // namespace
}  // namespace giotmau::io
