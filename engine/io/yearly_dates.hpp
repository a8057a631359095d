#pragma once
// Dates that mean something every year, and moving a scenario to another
// year (docs/scenario-format.md, "Dates"). Before the scenario is read, the
// merged document is rewritten so that it holds absolute dates only:
//   - `year` (or --year) moves the simulated period to that year, keeping its
//     month-days (a period of several years keeps its length in years);
//   - a session or campaign whose dates are yearly ("04-07", "Tết + 10 days")
//     becomes one entry per simulated year it falls in, its dates clipped to
//     the period, named "NAME YYYY" in years other than the first;
//   - `season.tet` is filled in with the computed Tết when not given.
// The entries and dates it makes keep the file positions of the text they
// come from, so that later messages point at what the author wrote.
#include <toml++/toml.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "blood/calendar.hpp"

namespace giotmau::io {

// A date as written: absolute, a month-day every year, or days from Tết.
struct DateForm {
  enum class Kind { Absolute, MonthDay, FromTet } kind = Kind::Absolute;
  blood::DayNumber absolute = 0;   // Absolute
  unsigned month = 0, day = 0;     // MonthDay
  int days_from_tet = 0;           // FromTet
};

// "YYYY-MM-DD", "MM-DD", "Tết", "Tết + N days", "Tết - N days" ("Tet" and
// "day" also accepted); nullopt with `problem` set when it is none of them.
std::optional<DateForm> parse_date_form(std::string_view text, std::string& problem);

// `form` in civil year `year`, Tết-relative forms from `tet_in(year)`;
// nullopt when that Tết is unknown.
std::optional<blood::DayNumber> date_in_year(const DateForm& form, int year,
                                             const std::function<std::optional<blood::DayNumber>(int)>& tet_in);

// The years the simulated period spans, and Tết in each (and in the years
// either side), for SeasonSpec::tet_by_year.
struct CalendarYears {
  int first_year = 0;                   // of tet_by_year
  std::vector<blood::DayNumber> tet_by_year;
};

struct CalendarReport {
  // A problem at `node` (key path, message).
  std::function<void(const toml::node* node, const std::string& path, std::string message)> error;
  // `made` is to be blamed on the text at `where`.
  std::function<void(const toml::node& made, const toml::source_region& where)> same_place;
  // Where a node's text is (its own source, or the one same_place gave it).
  std::function<toml::source_region(const toml::node& node)> source_of;
};

// Rewrites `root` (the merged document) as described above; `year` from the
// command line wins over the document's `year` key. Problems go to `report`;
// what cannot be resolved is left for the scenario reader to report.
std::optional<CalendarYears> resolve_calendar(toml::table& root, std::optional<int> year, const CalendarReport& report);

}  // namespace giotmau::io
