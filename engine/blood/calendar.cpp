#include "blood/calendar.hpp"

#include <cstdio>

namespace giotmau::blood {

std::optional<DayNumber> parse_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto digits = [&](std::size_t from, std::size_t count) -> std::optional<int> {
    int value = 0;
    for (std::size_t i = from; i < from + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  const auto y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
  if (!y || !m || !d || *m < 1 || *m > 12 || *d < 1 || *d > 31) return std::nullopt;
  const CivilDate date{*y, static_cast<unsigned>(*m), static_cast<unsigned>(*d)};
  const DayNumber n = day_number(date);
  if (civil_date(n) != date) return std::nullopt;  // e.g. 2025-02-30
  return n;
}

std::string iso_date(DayNumber day) {
  const CivilDate d = civil_date(day);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", d.year, d.month, d.day);
  return buffer;
}

}  // namespace giotmau::blood
