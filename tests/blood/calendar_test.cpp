#include <gtest/gtest.h>

#include "blood/calendar.hpp"

namespace giotmau::blood {
namespace {

TEST(Calendar, DayNumbersRoundTripAndKnowTheirWeekdays) {
  EXPECT_EQ(day_number({1970, 1, 1}), 0);
  const DayNumber tet = *parse_iso_date("2025-01-29");
  EXPECT_EQ(iso_date(tet), "2025-01-29");
  EXPECT_EQ(weekday(tet), 2u);  // a Wednesday
  EXPECT_EQ(*parse_iso_date("2025-03-01") - *parse_iso_date("2025-02-28"), 1);  // 2025 is not a leap year
  EXPECT_EQ(*parse_iso_date("2024-03-01") - *parse_iso_date("2024-02-28"), 2);
  for (DayNumber d = -1000; d < 40000; d += 37) EXPECT_EQ(day_number(civil_date(d)), d);
}

TEST(Calendar, RejectsMalformedDates) {
  for (const char* bad : {"2025-02-30", "2025-13-01", "2025-1-01", "25-01-01", "2025/01/01", "", "2025-00-10"}) {
    EXPECT_FALSE(parse_iso_date(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace giotmau::blood
