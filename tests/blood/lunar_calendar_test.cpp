// Tết from the Vietnamese lunisolar calendar, against known dates and a
// published table (tests/data/tet-dates-vietnam-1900-2100.csv).
#include "blood/lunar_calendar.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <stdexcept>
#include <string>

namespace giotmau::blood {
namespace {

DayNumber on(int y, unsigned m, unsigned d) { return day_number({y, m, d}); }

TEST(LunarCalendar, KnownTetDates) {
  EXPECT_EQ(vietnamese_new_year(2024), on(2024, 2, 10));
  EXPECT_EQ(vietnamese_new_year(2025), on(2025, 1, 29));
  EXPECT_EQ(vietnamese_new_year(2026), on(2026, 2, 17));
  EXPECT_EQ(vietnamese_new_year(2027), on(2027, 2, 6));
  EXPECT_EQ(vietnamese_new_year(2028), on(2028, 1, 26));
  EXPECT_EQ(vietnamese_new_year(2029), on(2029, 2, 13));
  // The Chinese calendar (UTC+8) has 3 February 2030.
  EXPECT_EQ(vietnamese_new_year(2030), on(2030, 2, 2));
  // 1985: Vietnam 21 January, China 20 February (a leap month and UTC+7 vs UTC+8).
  EXPECT_EQ(vietnamese_new_year(1985), on(1985, 1, 21));
}

// Four years before the 1967 calendar reform, when Vietnamese almanacs still
// followed the Chinese calendar at UTC+8, the table is one day later than the
// UTC+7 computation: the new moon of Tết fell between 21:46 and 23:40 UTC+7
// (in 1903, 1935 and 1965 past midnight at UTC+8, which the table follows; in
// 1925 versions of the table differ, 24 or 25 January). Every other year of
// 1900..2100, and every year from 1966 on, matches exactly.
const std::set<int> kOneDayEarlier = {1903, 1925, 1935, 1965};

TEST(LunarCalendar, MatchesThePublishedTableFrom1900To2100) {
  std::ifstream in(std::string(GIOTMAU_TEST_DATA_DIR) + "/tet-dates-vietnam-1900-2100.csv");
  ASSERT_TRUE(in) << "cannot open the Tết table";
  std::string line;
  int checked = 0, expected_year = 1900;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.empty() || line.front() == '#') continue;
    if (header) {
      header = false;
      continue;
    }
    const int year = std::stoi(line.substr(0, 4));
    const auto tet = parse_iso_date(line.substr(5, 10));
    ASSERT_TRUE(tet) << line;
    ASSERT_EQ(year, expected_year++) << "the table skips a year";
    if (kOneDayEarlier.contains(year)) {
      EXPECT_EQ(vietnamese_new_year(year), *tet - 1) << "Tết " << year;
    } else {
      EXPECT_EQ(iso_date(vietnamese_new_year(year)), iso_date(*tet)) << "Tết " << year;
    }
    ++checked;
  }
  EXPECT_EQ(checked, 201);  // 1900..2100
}

TEST(LunarCalendar, AlwaysBetween21JanuaryAnd20February) {
  for (int year = kFirstLunarYear; year <= kLastLunarYear; ++year) {
    const DayNumber tet = vietnamese_new_year(year);
    EXPECT_GE(tet, on(year, 1, 21)) << year;
    EXPECT_LE(tet, on(year, 2, 20)) << year;
  }
}

TEST(LunarCalendar, RefusesYearsOutsideItsRange) {
  EXPECT_THROW(vietnamese_new_year(kFirstLunarYear - 1), std::out_of_range);
  EXPECT_THROW(vietnamese_new_year(kLastLunarYear + 1), std::out_of_range);
}

}  // namespace
}  // namespace giotmau::blood
