#pragma once
// Time in the blood model. One kernel tick is one minute; most things happen
// on days, numbered from 1970-01-01 (a civil date's "day number").
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kernel/time.hpp"

namespace giotmau::blood {

using kernel::Tick;

inline constexpr Tick kTicksPerMinute = 1;
inline constexpr Tick kTicksPerHour = 60 * kTicksPerMinute;
inline constexpr Tick kTicksPerDay = 24 * kTicksPerHour;

// A day number: days since 1970-01-01.
using DayNumber = std::int32_t;

struct CivilDate {
  int year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
  friend bool operator==(const CivilDate&, const CivilDate&) = default;
};

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian).
constexpr DayNumber day_number(CivilDate d) noexcept {
  const int y = d.year - (d.month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned mp = d.month > 2 ? d.month - 3 : d.month + 9;
  const unsigned doy = (153 * mp + 2) / 5 + d.day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

constexpr CivilDate civil_date(DayNumber z) noexcept {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return CivilDate{y + (m <= 2 ? 1 : 0), m, d};
}

// 0 = Monday ... 6 = Sunday (ISO order).
constexpr unsigned weekday(DayNumber z) noexcept { return static_cast<unsigned>((z % 7 + 7 + 3) % 7); }

constexpr unsigned month_index(DayNumber z) noexcept { return civil_date(z).month - 1; }  // 0..11

// Parses "YYYY-MM-DD"; nullopt if malformed or not a real date.
std::optional<DayNumber> parse_iso_date(std::string_view text);
std::string iso_date(DayNumber day);

inline constexpr std::array<std::string_view, 12> kMonthNames = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
inline constexpr std::array<std::string_view, 7> kWeekdayNames = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

}  // namespace giotmau::blood
