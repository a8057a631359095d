#include "blood/lunar_calendar.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace giotmau::blood {

namespace {

// Hồ Ngọc Đức's functions work on Julian day numbers; a day number is days
// since 1970-01-01 (Julian day 2440588).
constexpr double kJulianDayOf1970 = 2440588;
constexpr double kTimeZoneHours = 7;  // UTC+7
constexpr double kSynodicMonthDays = 29.530588853;
constexpr double kDegree = std::numbers::pi / 180;

// Julian day (with fraction) of the k-th new moon after 1900-01-01 13:52 UTC.
double new_moon(int k) {
  const double t = k / 1236.85;  // Julian centuries from 1900-01-00.5
  const double t2 = t * t, t3 = t2 * t;
  double jd = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3;
  jd += 0.00033 * std::sin((166.56 + 132.87 * t - 0.009173 * t2) * kDegree);
  const double m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3;        // sun's mean anomaly
  const double mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3;     // moon's mean anomaly
  const double f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3;        // moon's argument of latitude
  double c1 = (0.1734 - 0.000393 * t) * std::sin(m * kDegree) + 0.0021 * std::sin(2 * kDegree * m);
  c1 = c1 - 0.4068 * std::sin(mpr * kDegree) + 0.0161 * std::sin(kDegree * 2 * mpr);
  c1 = c1 - 0.0004 * std::sin(kDegree * 3 * mpr);
  c1 = c1 + 0.0104 * std::sin(kDegree * 2 * f) - 0.0051 * std::sin(kDegree * (m + mpr));
  c1 = c1 - 0.0074 * std::sin(kDegree * (m - mpr)) + 0.0004 * std::sin(kDegree * (2 * f + m));
  c1 = c1 - 0.0004 * std::sin(kDegree * (2 * f - m)) - 0.0006 * std::sin(kDegree * (2 * f + mpr));
  c1 = c1 + 0.0010 * std::sin(kDegree * (2 * f - mpr)) + 0.0005 * std::sin(kDegree * (2 * mpr + m));
  const double delta_t = t < -11 ? 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
                                 : -0.000278 + 0.000265 * t + 0.000262 * t2;  // days
  return jd + c1 - delta_t;
}

// Julian day number of the civil day (UTC+7) holding the k-th new moon.
double new_moon_day(int k) { return std::floor(new_moon(k) + 0.5 + kTimeZoneHours / 24); }

// The sun's longitude at the start of Julian day number `jdn` (UTC+7), as
// the index 0..11 of the 30-degree sector it is in (sector 9 starts at the
// winter solstice, 270 degrees).
int sun_sector(double jdn) {
  const double t = (jdn - 0.5 - kTimeZoneHours / 24 - 2451545.0) / 36525;  // centuries from J2000
  const double t2 = t * t;
  const double m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2;
  const double l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
  double dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * std::sin(kDegree * m);
  dl += (0.019993 - 0.000101 * t) * std::sin(kDegree * 2 * m) + 0.000290 * std::sin(kDegree * 3 * m);
  double l = (l0 + dl) * kDegree;
  l -= 2 * std::numbers::pi * std::floor(l / (2 * std::numbers::pi));
  return static_cast<int>(std::floor(l / std::numbers::pi * 6));
}

double julian_day(int year, unsigned month, unsigned day) {
  return day_number({year, month, day}) + kJulianDayOf1970;
}

// The first day of lunar month 11 (the month holding the winter solstice) of `year`.
double month_11_start(int year) {
  const double offset = julian_day(year, 12, 31) - 2415021;
  const int k = static_cast<int>(std::floor(offset / kSynodicMonthDays));
  const double day = new_moon_day(k);
  return sun_sector(day) >= 9 ? new_moon_day(k - 1) : day;
}

// In a year with 13 months after month 11 starting on `a11`: which of them
// (1 = the month after month 11) is the leap month, the first without a
// solar term (the sun stays in one sector through it).
int leap_month_offset(double a11) {
  const int k = static_cast<int>(std::floor((a11 - 2415021.076998695) / kSynodicMonthDays + 0.5));
  int i = 1;
  int sector = sun_sector(new_moon_day(k + i));
  int last = 0;
  do {
    last = sector;
    ++i;
    sector = sun_sector(new_moon_day(k + i));
  } while (sector != last && i < 14);
  return i - 1;
}

}  // namespace

DayNumber vietnamese_new_year(int year) {
  if (year < kFirstLunarYear || year > kLastLunarYear) {
    throw std::out_of_range("Tết is computed for the years " + std::to_string(kFirstLunarYear) + ".." +
                            std::to_string(kLastLunarYear) + ", not " + std::to_string(year));
  }
  const double a11 = month_11_start(year - 1);
  const double b11 = month_11_start(year);
  const int k = static_cast<int>(std::floor(0.5 + (a11 - 2415021.076998695) / kSynodicMonthDays));
  int months_after_11 = 2;  // month 12, then month 1
  if (b11 - a11 > 365 && leap_month_offset(a11) <= months_after_11) ++months_after_11;  // leap 11 or 12 first
  return static_cast<DayNumber>(new_moon_day(k + months_after_11) - kJulianDayOf1970);
}

}  // namespace giotmau::blood
