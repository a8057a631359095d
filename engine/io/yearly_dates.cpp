#include "io/yearly_dates.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <utility>

#include "blood/lunar_calendar.hpp"

namespace giotmau::io {

namespace {

using blood::CivilDate;
using blood::DayNumber;

constexpr std::string_view kTetUtf8 = "T\xe1\xba\xbft";  // "Tết"
constexpr int kMaxDaysFromTet = 366;

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool leap_year(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(int y, unsigned m) {
  static constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap_year(y) ? 29 : kDays[m - 1];
}

int year_of(DayNumber d) { return blood::civil_date(d).year; }

// The same month-day `by` years later (29 February becomes the 28th in other years).
DayNumber shift_years(DayNumber d, int by) {
  CivilDate c = blood::civil_date(d);
  c.year += by;
  c.day = std::min(c.day, days_in_month(c.year, c.month));
  return blood::day_number(c);
}

std::optional<DayNumber> absolute_value(const toml::node& node) {
  if (const auto* d = node.as_date()) return blood::day_number({d->get().year, d->get().month, d->get().day});
  if (const auto* s = node.as_string()) return blood::parse_iso_date(trim(s->get()));
  return std::nullopt;
}

toml::date toml_date(DayNumber d) {
  const CivilDate c = blood::civil_date(d);
  return toml::date{c.year, c.month, c.day};
}

std::string quoted(std::string_view s) {
  std::string q(1, '\'');  // appended: GCC 12 warns (-Wrestrict, a false positive) on "'" + std::string
  return q.append(s).append(1, '\'');
}

}  // namespace

std::optional<DateForm> parse_date_form(std::string_view text, std::string& problem) {
  const std::string_view s = trim(text);
  DateForm form;
  if (const auto day = blood::parse_iso_date(s)) {
    form.absolute = *day;
    return form;
  }
  if (s.size() == 5 && s[2] == '-' && all_digits(s.substr(0, 2)) && all_digits(s.substr(3, 2))) {
    const unsigned m = static_cast<unsigned>(std::stoi(std::string(s.substr(0, 2))));
    const unsigned d = static_cast<unsigned>(std::stoi(std::string(s.substr(3, 2))));
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(2001, m)) {
      problem = quoted(s) + " is not a month-day that every year has; expected MM-DD";
      return std::nullopt;
    }
    form.kind = DateForm::Kind::MonthDay;
    form.month = m;
    form.day = d;
    return form;
  }
  std::string_view rest;
  if (s.starts_with(kTetUtf8)) {
    rest = s.substr(kTetUtf8.size());
  } else if (s.size() >= 3 && (s[0] == 'T' || s[0] == 't') && s.substr(1, 2) == "et") {
    rest = s.substr(3);
  } else {
    problem = "expected a date: YYYY-MM-DD, a yearly month-day MM-DD, or Tết + N days / Tết - N days; got " +
              quoted(s);
    return std::nullopt;
  }
  form.kind = DateForm::Kind::FromTet;
  rest = trim(rest);
  if (rest.empty()) return form;
  const char sign = rest.front();
  rest = trim(rest.substr(1));
  std::size_t digits = 0;
  while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
  const std::string_view unit = trim(rest.substr(digits));
  if ((sign != '+' && sign != '-') || digits == 0 || digits > 3 || (unit != "days" && unit != "day")) {
    problem = "expected Tết, Tết + N days or Tết - N days; got " + quoted(s);
    return std::nullopt;
  }
  const int n = std::stoi(std::string(rest.substr(0, digits)));
  if (n > kMaxDaysFromTet) {
    problem = "expected at most " + std::to_string(kMaxDaysFromTet) + " days from Tết; got " + quoted(s);
    return std::nullopt;
  }
  form.days_from_tet = sign == '-' ? -n : n;
  return form;
}

std::optional<DayNumber> date_in_year(const DateForm& form, int year,
                                      const std::function<std::optional<DayNumber>(int)>& tet_in) {
  switch (form.kind) {
    case DateForm::Kind::Absolute:
      return form.absolute;
    case DateForm::Kind::MonthDay:
      return blood::day_number({year, form.month, form.day});
    case DateForm::Kind::FromTet:
      if (const auto tet = tet_in(year)) return *tet + form.days_from_tet;
      return std::nullopt;
  }
  return std::nullopt;
}

namespace {

struct Window {
  DayNumber first, last;
  bool empty() const { return last < first; }
};

// One key of an entry: where it is and what it says.
struct DateKey {
  const toml::node* node = nullptr;
  std::optional<DateForm> form;  // nullopt: missing, or not a date (reported by the reader)
  bool yearly() const { return form && form->kind != DateForm::Kind::Absolute; }
};

class CalendarPass {
 public:
  CalendarPass(toml::table& root, const CalendarReport& report) : root_(root), report_(report) {}

  std::optional<CalendarYears> run(std::optional<int> year_option) {
    const std::optional<int> year = read_year(year_option);
    root_.erase("year");
    if (!read_period(year)) return std::nullopt;
    if (!compute_tets()) return std::nullopt;
    if (auto* sessions = root_.get_as<toml::array>("session")) expand(*sessions, "session", period_, nullptr);
    if (auto* campaigns = root_.get_as<toml::array>("campaign")) expand_campaigns(*campaigns, "campaign");
    if (auto* demand = root_.get_as<toml::table>("demand")) {
      if (auto* surges = demand->get_as<toml::array>("surge")) expand_campaigns(*surges, "demand.surge");
    }
    CalendarYears out;
    out.first_year = tet_first_year_;
    out.tet_by_year = tets_;
    return out;
  }

 private:
  std::optional<int> read_year(std::optional<int> year_option) {
    const toml::node* node = root_.get("year");
    if (!node) return year_option;
    const auto* value = node->as_integer();
    if (!value || value->get() < blood::kFirstLunarYear || value->get() > blood::kLastLunarYear) {
      report_.error(node, "year",
                    "expected a year, an integer " + std::to_string(blood::kFirstLunarYear) + ".." +
                        std::to_string(blood::kLastLunarYear));
      return year_option;
    }
    return year_option ? year_option : std::optional<int>(static_cast<int>(value->get()));
  }

  // Replaces `key` of `table` with a date, keeping the old value's position.
  void set_date(toml::table& table, std::string_view key, DayNumber day, const toml::source_region& where) {
    table.insert_or_assign(key, toml_date(day));
    report_.same_place(*table.get(key), where);
  }

  // Trends grow from the year the scenario's figures describe: its own first
  // year, before any move, written into the document so that it reloads the same.
  void anchor_trend(int own_year) {
    auto* trend = root_.get_as<toml::table>("trend");
    if (trend && !trend->contains("base_year")) trend->insert("base_year", own_year);
  }

  bool read_period(std::optional<int> year) {
    const toml::node* start = root_.get("start");
    const toml::node* end = root_.get("end");
    std::optional<DayNumber> first, last;  // assigned, not initialised from ?: (GCC 12's -Wmaybe-uninitialized)
    if (start) first = absolute_value(*start);
    if (end) last = absolute_value(*end);
    if (!first || !last || *last < *first) return false;  // the reader reports it
    anchor_trend(year_of(*first));
    if (year && *year != year_of(*first)) {
      const int by = *year - year_of(*first);
      first = shift_years(*first, by);
      last = shift_years(*last, by);
      if (year_of(*last) > blood::kLastLunarYear) {
        report_.error(end, "end", "moved to " + std::to_string(*year) + ", the period would end in " +
                                      std::to_string(year_of(*last)) + ", past " +
                                      std::to_string(blood::kLastLunarYear));
        return false;
      }
      const auto start_at = report_.source_of(*start), end_at = report_.source_of(*end);
      set_date(root_, "start", *first, start_at);
      set_date(root_, "end", *last, end_at);
    }
    period_ = Window{*first, *last};
    first_year_ = year_of(*first);
    last_year_ = year_of(*last);
    return true;
  }

  // Tết in every simulated year and the years either side; `season.tet`
  // overrides its own year and is filled in when not given.
  bool compute_tets() {
    toml::node* season_node = root_.get("season");
    if (season_node && !season_node->is_table()) return false;  // reported by the reader
    if (!season_node) {
      root_.insert("season", toml::table{});
      season_node = root_.get("season");
    }
    toml::table& season = *season_node->as_table();
    std::optional<DayNumber> given;
    if (const toml::node* tet = season.get("tet")) {
      given = absolute_value(*tet);
      if (given && (year_of(*given) < first_year_ || year_of(*given) > last_year_)) {
        report_.error(tet, "season.tet",
                      quoted(blood::iso_date(*given)) + " is not in the simulated years (" +
                          std::to_string(first_year_) + ".." + std::to_string(last_year_) +
                          "); give Tết of one of them, or leave tet out to have it computed");
        return false;
      }
      if (!given) return false;  // reported by the reader
    }
    tet_first_year_ = std::max(first_year_ - 1, blood::kFirstLunarYear);
    const int last = std::min(last_year_ + 1, blood::kLastLunarYear);
    for (int y = tet_first_year_; y <= last; ++y) {
      tets_.push_back(given && year_of(*given) == y ? *given : blood::vietnamese_new_year(y));
    }
    for (int y = first_year_; y <= last_year_; ++y) {
      if ((y < blood::kFirstLunarYear || y > blood::kLastLunarYear) && !(given && year_of(*given) == y)) {
        report_.error(root_.get("start"), "start",
                      "Tết is computed for the years " + std::to_string(blood::kFirstLunarYear) + ".." +
                          std::to_string(blood::kLastLunarYear) + "; for " + std::to_string(y) +
                          " give season.tet (one simulated year only)");
        return false;
      }
    }
    if (!given) season.insert("tet", toml_date(tets_[static_cast<std::size_t>(first_year_ - tet_first_year_)]));
    return true;
  }

  std::optional<DayNumber> tet_of(int year) const {
    const int i = year - tet_first_year_;
    if (i < 0 || i >= static_cast<int>(tets_.size())) return std::nullopt;
    return tets_[static_cast<std::size_t>(i)];
  }

  std::optional<DayNumber> resolve(const DateForm& form, int year) const {
    return date_in_year(form, year, [this](int y) { return tet_of(y); });
  }

  DateKey date_key(const toml::table& entry, std::string_view key, const std::string& path) {
    DateKey k;
    k.node = entry.get(key);
    if (!k.node) return k;
    if (k.node->is_date()) {
      k.form = DateForm{};
      k.form->absolute = *absolute_value(*k.node);
    } else if (const auto* s = k.node->as_string()) {
      std::string problem;
      k.form = parse_date_form(s->get(), problem);
      if (!k.form) report_.error(k.node, path + "." + std::string(key), problem);
    }
    return k;
  }

  // A yearly window (`from`..`to`; a missing one is the start or end of year
  // `y`) in year `y`; a month-day `to` before `from` runs into the next year.
  std::optional<Window> yearly_window(const DateKey& from, const DateKey& to, int y) const {
    Window w{blood::day_number({y, 1, 1}), blood::day_number({y, 12, 31})};
    if (from.form) {
      const auto d = resolve(*from.form, y);
      if (!d) return std::nullopt;
      w.first = *d;
    }
    if (to.form) {
      auto d = resolve(*to.form, y);
      if (!d) return std::nullopt;
      if (from.form && *d < w.first && to.form->kind == DateForm::Kind::MonthDay) d = resolve(*to.form, y + 1);
      w.last = *d;
    }
    return w;
  }

  static Window clip(Window w, const Window& outer) {
    return Window{std::max(w.first, outer.first), std::min(w.last, outer.last)};
  }

  // Makes every node of `made` (a copy of `original`) stand for the original in messages.
  void same_places(toml::node& made, const toml::node& original) {
    report_.same_place(made, report_.source_of(original));
    if (auto* t = made.as_table()) {
      const auto* o = original.as_table();
      for (auto&& [key, value] : *t) {
        if (const toml::node* from = o->get(key.str())) same_places(value, *from);
      }
    } else if (auto* a = made.as_array()) {
      const auto* o = original.as_array();
      for (std::size_t i = 0; i < a->size() && i < o->size(); ++i) same_places(*a->get(i), *o->get(i));
    }
  }

  // One instance of a yearly entry for year `y`: a copy of it, named "NAME
  // YYYY" unless `y` is the first simulated year (so that the first year of a
  // run over several years is the same as a run over that year alone).
  toml::table& instance(toml::array& out, toml::table& original, int y) {
    out.push_back(toml::table(original));
    toml::table& made = *out.back().as_table();
    same_places(made, original);
    if (y != first_year_) {
      if (const auto* name = original.get_as<std::string>("name")) {
        const auto where = report_.source_of(*name);
        made.insert_or_assign("name", name->get() + " " + std::to_string(y));
        report_.same_place(*made.get("name"), where);
      }
    }
    return made;
  }

  // Expands the yearly entries of an array of sessions within `window`
  // (the period, or a campaign's window); `year` is the campaign's year when
  // the sessions belong to a yearly campaign.
  void expand(toml::array& entries, const std::string& path, const Window& window, const int* campaign_year) {
    toml::array out;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      toml::node& node = *entries.get(i);
      toml::table* entry = node.as_table();
      const std::string entry_path = path + "[" + std::to_string(i) + "]";
      if (!entry) {
        out.push_back(std::move(node));
        continue;
      }
      const DateKey date = date_key(*entry, "date", entry_path), from = date_key(*entry, "from", entry_path),
                    to = date_key(*entry, "to", entry_path);
      const bool yearly = date.yearly() || from.yearly() || to.yearly();
      const bool absolute = (date.form && !date.yearly()) || (from.form && !from.yearly()) || (to.form && !to.yearly());
      if (!yearly) {
        if (campaign_year && absolute) {
          const std::string_view key = date.form ? "date" : from.form ? "from" : "to";
          report_.error(entry->get(key), entry_path + "." + std::string(key),
                        "a session of a yearly campaign takes yearly dates (MM-DD or Tết ± N days), not an absolute one");
        }
        out.push_back(std::move(node));
        continue;
      }
      if (absolute) {
        const std::string_view key = date.yearly() ? "date" : from.yearly() ? "from" : "to";
        report_.error(entry->get(key), entry_path + "." + std::string(key),
                      "mixes yearly and absolute dates; give all of them one way");
        out.push_back(std::move(node));
        continue;
      }
      std::vector<int> years;
      if (campaign_year) {
        years.push_back(*campaign_year);
      } else {
        for (int y = year_of(window.first) - 1; y <= year_of(window.last); ++y) years.push_back(y);
      }
      for (const int y : years) {
        if (date.form) {
          const auto d = resolve(*date.form, y);
          if (!d || *d < window.first || *d > window.last) continue;
          toml::table& made = instance(out, *entry, y);
          set_date(made, "date", *d, report_.source_of(*date.node));
        } else {
          const auto w = yearly_window(from, to, y);
          if (!w) continue;
          const Window kept = clip(*w, window);
          if (w->last < w->first || kept.empty()) continue;
          toml::table& made = instance(out, *entry, y);
          if (from.node) set_date(made, "from", kept.first, report_.source_of(*from.node));
          if (to.node) set_date(made, "to", kept.last, report_.source_of(*to.node));
        }
      }
    }
    entries = std::move(out);
  }

  // Campaigns, and other entries with a start..end window (demand surges).
  void expand_campaigns(toml::array& campaigns, std::string_view what) {
    toml::array out;
    for (std::size_t i = 0; i < campaigns.size(); ++i) {
      toml::node& node = *campaigns.get(i);
      toml::table* campaign = node.as_table();
      const std::string path = std::string(what) + "[" + std::to_string(i) + "]";
      if (!campaign) {
        out.push_back(std::move(node));
        continue;
      }
      const DateKey start = date_key(*campaign, "start", path), end = date_key(*campaign, "end", path);
      if (!start.yearly() && !end.yearly()) {
        // Absolute window: its sessions may still be yearly.
        const auto first = start.form ? std::optional(start.form->absolute) : std::nullopt;
        const auto last = end.form ? std::optional(end.form->absolute) : std::nullopt;
        if (first && last && *first <= *last) {
          if (auto* sessions = campaign->get_as<toml::array>("session"))
            expand(*sessions, path + ".session", Window{*first, *last}, nullptr);
        }
        out.push_back(std::move(node));
        continue;
      }
      if ((start.form && !start.yearly()) || (end.form && !end.yearly()) || !start.form || !end.form) {
        if (start.form && end.form)
          report_.error(start.yearly() ? start.node : end.node, path + (start.yearly() ? ".start" : ".end"),
                        "mixes yearly and absolute dates; give start and end one way");
        out.push_back(std::move(node));
        continue;
      }
      for (int y = first_year_ - 1; y <= last_year_; ++y) {
        const auto w = yearly_window(start, end, y);
        if (!w || w->last < w->first) continue;
        const Window kept = clip(*w, period_);
        if (kept.empty()) continue;
        toml::table& made = instance(out, *campaign, y);
        set_date(made, "start", kept.first, report_.source_of(*start.node));
        set_date(made, "end", kept.last, report_.source_of(*end.node));
        if (auto* sessions = made.get_as<toml::array>("session")) {
          const int year = y;
          expand(*sessions, path + ".session", kept, &year);
        }
      }
    }
    campaigns = std::move(out);
  }

  toml::table& root_;
  const CalendarReport& report_;
  Window period_{};
  int first_year_ = 0, last_year_ = 0;
  int tet_first_year_ = 0;
  std::vector<DayNumber> tets_;
};

}  // namespace

std::optional<CalendarYears> resolve_calendar(toml::table& root, std::optional<int> year, const CalendarReport& report) {
  return CalendarPass(root, report).run(year);
}

}  // namespace giotmau::io
