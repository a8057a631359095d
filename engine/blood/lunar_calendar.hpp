#pragma once
// The Vietnamese lunisolar calendar, for the date of Tết (the lunar new year).
//
// Computed with Hồ Ngọc Đức's algorithm ("Thuật toán tính âm lịch",
// https://www.informatik.uni-leipzig.de/~duc/amlich/calrules.html, 2004):
// new moons and solar terms from the astronomical series of J. Meeus,
// "Astronomical Algorithms" (2nd ed., 1998), evaluated at UTC+7, the meridian
// the Vietnamese calendar has used since 1968 (the Chinese calendar uses
// UTC+8, hence differences such as Tết 2030: 2 February in Vietnam, 3 February
// in China). Month 11 is the month holding the winter solstice; Tết is the
// start of the second month after it (the third in a year with a leap month
// 11 or 12).
#include "blood/calendar.hpp"

namespace giotmau::blood {

// The years for which Tết is computed (the series lose precision far from
// 2000; tests/blood/lunar_calendar_test.cpp checks 1900..2100 against a
// published table).
inline constexpr int kFirstLunarYear = 1800;
inline constexpr int kLastLunarYear = 2199;

// Tết of Gregorian year `year` (kFirstLunarYear..kLastLunarYear), as a day
// number (the civil day in UTC+7). Throws std::out_of_range outside.
DayNumber vietnamese_new_year(int year);

}  // namespace giotmau::blood
