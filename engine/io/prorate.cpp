#include "io/prorate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>

#include "blood/calendar.hpp"
#include "blood/lunar_calendar.hpp"
#include "io/yearly_dates.hpp"

namespace giotmau::io {
namespace {

using blood::DayNumber;

struct Span {
  DayNumber first, last;
};

std::optional<DayNumber> iso_or_date(const toml::node& node) {
  if (const auto* d = node.as_date()) return blood::day_number({d->get().year, d->get().month, d->get().day});
  return std::nullopt;
}

// A date key as written (absolute, MM-DD or Tết ± N days) in civil year `year`.
std::optional<DayNumber> resolve(const toml::node* node, int year) {
  if (!node) return std::nullopt;
  if (const auto day = iso_or_date(*node)) return day;
  const auto* text = node->as_string();
  if (!text) return std::nullopt;
  std::string problem;
  const auto form = parse_date_form(text->get(), problem);
  if (!form) return std::nullopt;
  return date_in_year(*form, year, [](int y) -> std::optional<DayNumber> {
    if (y < blood::kFirstLunarYear || y > blood::kLastLunarYear) return std::nullopt;
    return blood::vietnamese_new_year(y);
  });
}

bool is_month_day(const toml::node* node) {
  const auto* text = node ? node->as_string() : nullptr;
  std::string problem;
  const auto form = text ? parse_date_form(text->get(), problem) : std::nullopt;
  return form && form->kind == DateForm::Kind::MonthDay;
}

// `first_key`..`last_key` of `entry` in `year`, defaults from `outer`; a
// month-day end before the start runs into the next year (as yearly dates do).
std::optional<Span> window(const toml::table& entry, std::string_view first_key, std::string_view last_key,
                           const Span& outer, int year) {
  Span w = outer;
  if (const toml::node* n = entry.get(first_key)) {
    const auto d = resolve(n, year);
    if (!d) return std::nullopt;
    w.first = *d;
  }
  if (const toml::node* n = entry.get(last_key)) {
    auto d = resolve(n, year);
    if (d && *d < w.first && is_month_day(n)) d = resolve(n, year + 1);
    if (!d) return std::nullopt;
    w.last = *d;
  }
  return w;
}

std::optional<Span> period_of(const toml::table& document) {
  const toml::node* start = document.get("start");
  const toml::node* end = document.get("end");
  const auto first = start ? resolve(start, 0) : std::nullopt;
  const auto last = end ? resolve(end, 0) : std::nullopt;
  if (!first || !last || *last < *first) return std::nullopt;
  return Span{*first, *last};
}

// The scheduled days of a recurring session inside `outer` and `period`;
// nullopt for a single-date session or dates that cannot be read.
std::optional<std::int64_t> session_days(const toml::table& session, const Span& outer, const Span& period) {
  const auto* weekdays = session.get_as<toml::array>("weekdays");
  if (!weekdays) return std::nullopt;
  std::array<bool, 7> on{};
  for (const toml::node& day : *weekdays) {
    const auto* name = day.as_string();
    const auto* it = name ? std::find(blood::kWeekdayNames.begin(), blood::kWeekdayNames.end(), name->get())
                          : blood::kWeekdayNames.end();
    if (it != blood::kWeekdayNames.end()) on[static_cast<std::size_t>(it - blood::kWeekdayNames.begin())] = true;
  }
  if (std::none_of(on.begin(), on.end(), [](bool b) { return b; })) return std::nullopt;
  const int year = blood::civil_date(period.first).year;
  const auto w = window(session, "from", "to", outer, year);
  if (!w) return std::nullopt;
  std::int64_t days = 0;
  for (DayNumber d = std::max(w->first, period.first); d <= std::min(w->last, period.last); ++d) days += on[blood::weekday(d)];
  return days;
}

bool same_value(const toml::node* a, const toml::node* b) {
  if (!a || !b) return a == b;
  if (a->is_date() && b->is_date()) return a->as_date()->get() == b->as_date()->get();
  if (a->is_string() && b->is_string()) return a->as_string()->get() == b->as_string()->get();
  if (a->is_array() && b->is_array()) return *a->as_array() == *b->as_array();
  return false;
}

const toml::table* named(const toml::array* entries, const std::string& name) {
  if (!entries) return nullptr;
  for (const toml::node& e : *entries) {
    const auto* table = e.as_table();
    const auto* n = table ? table->get_as<std::string>("name") : nullptr;
    if (n && n->get() == name) return table;
  }
  return nullptr;
}

class Prorater {
 public:
  Prorater(const toml::table& before, toml::table& after, const std::unordered_set<std::string>& given,
           const SamePlace& same_place)
      : before_(before), after_(after), given_(given), same_place_(same_place) {}

  void run() {
    const auto old_period = period_of(before_), new_period = period_of(after_);
    if (!old_period || !new_period) return;  // the reader reports it
    old_period_ = *old_period;
    new_period_ = *new_period;
    if (auto* sessions = after_.get_as<toml::array>("session")) {
      for (toml::node& s : *sessions) {
        if (auto* t = s.as_table()) prorate(before_.get_as<toml::array>("session"), *t, old_period_, new_period_, nullptr);
      }
    }
    if (auto* campaigns = after_.get_as<toml::array>("campaign")) {
      for (toml::node& c : *campaigns) {
        if (auto* t = c.as_table()) campaign(*t);
      }
    }
  }

 private:
  void campaign(toml::table& now) {
    const auto* name = now.get_as<std::string>("name");
    const toml::table* was = name ? named(before_.get_as<toml::array>("campaign"), name->get()) : nullptr;
    if (!was) return;
    const int old_year = blood::civil_date(old_period_.first).year, new_year = blood::civil_date(new_period_.first).year;
    const auto old_window = window(*was, "start", "end", old_period_, old_year);
    const auto new_window = window(now, "start", "end", new_period_, new_year);
    auto* sessions = now.get_as<toml::array>("session");
    if (!old_window || !new_window || !sessions) return;
    const toml::node* cause = !same_value(was->get("end"), now.get("end")) ? now.get("end") : now.get("start");
    for (toml::node& s : *sessions) {
      auto* session = s.as_table();
      if (!session) continue;
      follow(*was, now, *session, "from", "start");
      follow(*was, now, *session, "to", "end");
      prorate(was->get_as<toml::array>("session"), *session, *old_window, *new_window, cause);
    }
  }

  // A campaign session's `key` that was its campaign's `campaign_key` (and
  // that this layer left as it was) moves with the campaign.
  void follow(const toml::table& was, const toml::table& now, toml::table& session, std::string_view key,
              std::string_view campaign_key) {
    const toml::node* old_bound = was.get(campaign_key);
    const toml::node* new_bound = now.get(campaign_key);
    const toml::node* mine = session.get(key);
    if (!mine || !new_bound || same_value(old_bound, new_bound) || !same_value(mine, old_bound)) return;
    const auto* name = session.get_as<std::string>("name");
    const toml::table* old_session = name ? named(was.get_as<toml::array>("session"), name->get()) : nullptr;
    if (!old_session || !same_value(old_session->get(key), mine)) return;
    session.insert_or_assign(key, *new_bound);
    same_place_(*session.get(key), *new_bound);
  }

  void prorate(const toml::array* old_entries, toml::table& now, const Span& old_outer, const Span& new_outer,
               const toml::node* campaign_cause) {
    const auto* name = now.get_as<std::string>("name");
    const auto* target = now.get_as<std::int64_t>("target_units");
    if (!name || !target || target->get() <= 0 || given_.contains(name->get())) return;
    const toml::table* was = named(old_entries, name->get());
    if (!was) return;
    const auto days_before = session_days(*was, old_outer, old_period_);
    const auto days_after = session_days(now, new_outer, new_period_);
    if (!days_before || !days_after || *days_before <= 0 || *days_before == *days_after) return;
    const toml::node* cause = campaign_cause;
    for (const std::string_view key : {"to", "from", "weekdays"}) {
      if (!same_value(was->get(key), now.get(key)) && now.get(key)) cause = now.get(key);
    }
    const auto prorated = static_cast<std::int64_t>(std::llround(static_cast<double>(target->get()) *
                                                                 static_cast<double>(*days_after) /
                                                                 static_cast<double>(*days_before)));
    now.insert_or_assign("target_units", prorated);
    if (cause) same_place_(*now.get("target_units"), *cause);
  }

  const toml::table& before_;
  toml::table& after_;
  const std::unordered_set<std::string>& given_;
  const SamePlace& same_place_;
  Span old_period_{}, new_period_{};
};

void sessions_with_target(const toml::array* sessions, std::unordered_set<std::string>& out) {
  if (!sessions) return;
  for (const toml::node& s : *sessions) {
    const auto* t = s.as_table();
    const auto* name = t ? t->get_as<std::string>("name") : nullptr;
    if (name && t->contains("target_units")) out.insert(name->get());
  }
}

// The session an override key names: "session[X].target_units" or
// "campaign[C].session[X].target_units" (X a name or an index).
std::optional<std::string> overridden_session(const std::string& key, const toml::table& snapshot) {
  const std::string suffix = "].target_units";
  if (key.size() <= suffix.size() || key.compare(key.size() - suffix.size(), suffix.size(), suffix) != 0) return std::nullopt;
  const std::size_t close = key.size() - suffix.size();
  const std::size_t open = key.rfind('[', close);
  if (open == std::string::npos || open < 7 || key.compare(open - 7, 7, "session") != 0) return std::nullopt;
  const std::string selector = key.substr(open + 1, close - open - 1);
  if (selector.empty() || !std::all_of(selector.begin(), selector.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return selector;
  // An index: the name at that place (root sessions only; campaign ones by name).
  const auto* sessions = open == 7 ? snapshot.get_as<toml::array>("session") : nullptr;
  const std::size_t i = std::stoul(selector.substr(0, 9));
  const auto* entry = sessions && i < sessions->size() ? sessions->get(i)->as_table() : nullptr;
  const auto* name = entry ? entry->get_as<std::string>("name") : nullptr;
  return name ? std::optional(name->get()) : std::nullopt;
}

}  // namespace

toml::table prorating_snapshot(const toml::table& document) {
  toml::table snapshot;
  for (const std::string_view key : {"start", "end", "session", "campaign"}) {
    if (const toml::node* n = document.get(key)) snapshot.insert(key, *n);
  }
  return snapshot;
}

std::unordered_set<std::string> targets_given(const toml::table& layer) {
  std::unordered_set<std::string> out;
  sessions_with_target(layer.get_as<toml::array>("session"), out);
  if (const auto* campaigns = layer.get_as<toml::array>("campaign")) {
    for (const toml::node& c : *campaigns) {
      if (const auto* t = c.as_table()) sessions_with_target(t->get_as<toml::array>("session"), out);
    }
  }
  return out;
}

std::unordered_set<std::string> targets_given(const std::vector<ScenarioOverride>& overrides,
                                              const toml::table& snapshot) {
  std::unordered_set<std::string> out;
  for (const ScenarioOverride& o : overrides) {
    if (auto name = overridden_session(o.key, snapshot)) out.insert(std::move(*name));
  }
  return out;
}

void prorate_targets(const toml::table& before, toml::table& document, const std::unordered_set<std::string>& given,
                     const SamePlace& same_place) {
  Prorater(before, document, given, same_place).run();
}

}  // namespace giotmau::io
